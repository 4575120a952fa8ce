"""Rules of the v2 authoring surface (flytelike/_v2/env.py, _v2task.py, _v2run.py, _v2map.py,
_trace.py, _context.py, report.py)."""

from __future__ import annotations

import asyncio
import json
from typing import Any, NamedTuple

import pytest

import flytelike as flyte
from flytelike import errors
from flytelike.engine import Engine

env = flyte.TaskEnvironment(
    "behaviour",
    resources=flyte.Resources(cpu=(1, 2), memory="1Gi", gpu="A100:1", disk="10Gi"),
    env_vars={"V2_FLAG": "on"},
    secrets=["api-key"],
    cache="auto",
    reusable={"replicas": 2},
    queue="q1",
)


@env.task(retries=3, timeout="1h30m", short_name="sq", report=True)
def square(x: int) -> int:
    return x * x


@env.task
async def read_flag() -> str:
    import os

    return os.environ.get("V2_FLAG", "")


def test_settings_reach_the_ir() -> None:
    t = square.template()
    assert t.kind == "python" and t.id.name == "behaviour.square"
    assert t.metadata.retries == 3 and t.metadata.timeout == 5400
    assert t.metadata.cache is not None and t.metadata.enable_deck is True
    assert t.resources.requests.cpu == "1" and t.resources.limits.cpu == "2"
    assert t.resources.requests.memory == "1Gi" and t.resources.limits.gpu == "1"
    assert t.resources.requests.ephemeral_storage == "10Gi"
    assert t.metadata.accelerator is not None and t.metadata.accelerator.device == "A100"
    assert dict(t.environment) == {"V2_FLAG": "on"}
    assert [s.key for s in t.secrets] == ["api-key"]
    custom = {k: json.loads(v) for k, v in t.custom}
    assert custom["v2.short_name"] == "sq" and custom["v2.queue"] == "q1"
    assert custom["v2.reusable"] == {"replicas": 2} and custom["v2.environment"] == "behaviour"
    assert env.tasks["behaviour.square"] is square


def test_service_account_is_carried_and_overridable() -> None:
    sa_env = flyte.TaskEnvironment("sa_env", service_account="runner")

    @sa_env.task
    def plain(x: int) -> int:
        return x

    @sa_env.task(service_account="other")
    def own(x: int) -> int:
        return x

    def account(task: Any) -> Any:
        return dict(task.template().custom).get("v2.service_account")

    assert (account(plain), account(own)) == ('"runner"', '"other"')
    assert account(own.override(service_account="third")) == '"third"'
    assert sa_env.clone_with("sa_env2").service_account == "runner"
    assert account(square) is None  # (unset: no entry, templates unchanged)
    with pytest.raises(errors.DefinitionError, match="service_account must be a string"):
        flyte.TaskEnvironment("bad_sa", service_account=3)  # type: ignore[arg-type]


def test_env_vars_apply_under_run_only() -> None:
    assert flyte.run(read_flag).outputs() == "on"


def test_bad_settings_fail_at_definition() -> None:
    with pytest.raises(errors.DefinitionError, match="snake_case"):
        flyte.TaskEnvironment("Bad Name")
    with pytest.raises(errors.DefinitionError, match="cache"):
        flyte.TaskEnvironment("e", cache="sometimes")
    with pytest.raises(errors.DefinitionError, match="unknown parameter"):
        env.task(retry=3)
    with pytest.raises(errors.DefinitionError, match="timeout"):
        env.task(timeout="soon")(lambda: None)


def test_limits_alias_warns() -> None:
    with pytest.warns(DeprecationWarning, match="resources="):
        e = flyte.TaskEnvironment("legacy", limits=flyte.Resources(cpu="4", mem="16Gi"))
    assert e.resources == flyte.Resources(cpu="4", memory="16Gi")


def test_clone_with_and_override() -> None:
    e2 = env.clone_with("cloned", queue="q2")
    assert e2.name == "cloned" and e2.queue == "q2" and e2.env_vars == env.env_vars
    big = square.override(resources=flyte.Resources(cpu=4, memory="8Gi"))
    bigger = big.override(retries=5)
    assert square.template().metadata.retries == 3
    assert bigger.template().metadata.retries == 5
    assert bigger.template().resources.requests.cpu == "4"
    assert bigger(3) == 9
    with pytest.raises(errors.DefinitionError, match="unknown parameter"):
        square.override(colour="red")


def test_direct_call_is_plain() -> None:
    # No conversion outside a run: a str passes through an `int` input untouched.
    assert double("ab") == "abab"  # type: ignore[arg-type]
    coro = read_flag()
    assert asyncio.iscoroutine(coro)
    coro.close()


plain = flyte.TaskEnvironment("plain")


@plain.task
def double(x: int) -> int:
    return 2 * x


@plain.task
async def blocking_parent(x: int) -> int:
    return double(x)  # sync child from async code without .aio: raises, as flyte 2.12


@plain.task
async def raises() -> int:
    raise KeyError("k")


@plain.task
async def catches() -> str:
    try:
        await raises()
    except errors.RuntimeUserError as e:
        assert isinstance(e.__cause__, KeyError) and e.kind == "user"
        return e.code
    return "not raised"


@plain.task
def bad_output() -> int:
    return "nope"  # type: ignore[return-value]


@plain.task
async def calls_bad_output() -> str:
    try:
        await bad_output.aio()
    except errors.RuntimeDataValidationError as e:
        return type(e).__name__
    return "no error"


def test_sync_child_from_async_raises() -> None:
    with pytest.raises(errors.RuntimeUserError, match=r"await double\.aio\(\.\.\.\)") as info:
        flyte.run(blocking_parent, 4)
    assert info.value.code == "SyncTaskCallInAsyncContextError"


def test_child_errors_are_wrapped() -> None:
    assert flyte.run(catches).outputs() == "KeyError"
    assert flyte.run(calls_bad_output).outputs() == "RuntimeDataValidationError"


def test_failing_run_and_bad_inputs() -> None:
    # As a local flyte run: the task's error is raised, converted as a parent would see it.
    with pytest.raises(errors.RuntimeUserError) as info:
        flyte.run(raises)
    assert info.value.code == "KeyError" and isinstance(info.value.__cause__, KeyError)
    failed = flyte.engine.get_run(info.value.run_name)  # type: ignore[attr-defined]
    assert failed.phase.value == "FAILED"
    with pytest.raises(flyte.engine.RunFailedError):
        failed.outputs()
    with pytest.raises(Exception, match="x"):
        flyte.run(double, x="not an int")


def test_outputs_are_a_tuple_that_equals_its_single_value() -> None:
    out = flyte.run(double, 4).outputs()
    assert out == 8 and out[0] == 8 and out == (8,) and out != 9 and len(out) == 1
    assert out.named_outputs() == {"o0": 8} and out.o0 == 8
    assert flyte.run(double, 1).outputs() != [1, 2]


class Totals(NamedTuple):
    total: int
    label: str


@env.task
async def totals(x: int) -> Totals:
    return Totals(x * 2, "ok")


def test_namedtuple_outputs_read_by_field_name_and_by_position() -> None:
    # flyte 2.12's local ActionOutputs names them o0, o1; programs read either
    out = flyte.run(totals, 3).outputs()
    assert (out.total, out.label) == (out.o0, out.o1) == (6, "ok")
    with pytest.raises(AttributeError, match="outputs have no 'o2'"):
        _ = out.o2


def test_runcontext_options() -> None:
    flyte.init(endpoint="dns:///example", project="p", domain="development")
    with pytest.raises(ValueError, match="mode"):
        flyte.with_runcontext(mode="cluster")
    with pytest.raises(TypeError, match="unknown"):
        flyte.with_runcontext(colour="red")
    r = flyte.with_runcontext(name="my-run", project="p", labels={"a": "b"}).run(double, 2)
    assert r.name == "my-run" and r.url.endswith("my-run") and r.outputs() == 4


def test_remote_mode_runs_on_the_local_engine() -> None:
    """A program written for a cluster (``mode="remote"``, positional or not) runs unchanged."""
    r = flyte.with_runcontext("remote").run(double, 3)
    r.wait()
    assert r.outputs() == 6 and r.url.endswith(r.name)
    assert flyte.remote.Run.get(r.name).phase == flyte.models.ActionPhase.SUCCEEDED
    assert flyte.with_runcontext(mode="remote", name="rm-1").run(double, 1).outputs() == 2


def test_run_serves_v1_entities(engine: Engine) -> None:
    @flyte.task
    def inc(x: int) -> int:
        return x + 1

    @flyte.workflow
    def wf(x: int) -> int:
        return inc(x=inc(x=x))

    assert flyte.run(wf, x=1).outputs() == 3
    assert flyte.run(inc, 1).outputs() == 2


# ---------------------------------------------------------------- map
@plain.task
async def maybe_fail(x: int) -> int:
    if x == 2:
        raise ValueError("two")
    return x


@plain.task
async def map_errors(n: int) -> list[str]:
    return [type(r).__name__ for r in flyte.map(maybe_fail, range(n), concurrency=0)]


def test_map() -> None:
    assert list(flyte.map(double, [1, 2, 3])) == [2, 4, 6]  # outside a run: plain calls
    assert flyte.run(map_errors, 4).outputs() == ["int", "int", "RuntimeUserError", "int"]
    with pytest.raises(errors.RuntimeUserError):
        sum([1, errors.RuntimeUserError("ValueError", "x")])  # type: ignore[list-item]
    assert isinstance(flyte.map(double), flyte.MapTask)


# ---------------------------------------------------------------- trace
def test_trace_rejects_what_is_not_a_function() -> None:
    class Callable_:
        def __call__(self, x: int) -> int:
            return x

    with pytest.raises(errors.DefinitionError, match="functions and generators"):
        flyte.trace(Callable_())


@flyte.trace
def numbers(n: int) -> Any:
    yield from range(n)


@flyte.trace
async def anumbers(n: int) -> Any:
    for i in range(n):
        yield i


@flyte.trace
async def calls_task() -> int:
    return await maybe_fail(1)


@plain.task
async def uses_generators(n: int) -> list[int]:
    return list(numbers(n)) + [i async for i in anumbers(n)]


@plain.task
async def trace_calls_task() -> str:
    try:
        await calls_task()
    except errors.TraceDoesNotAllowNestedTasksError:
        return "refused"
    return "allowed"


def test_trace_generators_and_nested_tasks() -> None:
    assert flyte.run(uses_generators, 3).outputs() == [0, 1, 2, 0, 1, 2]
    assert flyte.run(trace_calls_task).outputs() == "refused"


CALLS: list[str] = []


@flyte.trace
async def step(name: str) -> str:
    CALLS.append(name)
    return name.upper()


@plain.task
async def resumable(fail: bool) -> str:
    a = await step("a")
    if fail and "crashed" not in CALLS:
        CALLS.append("crashed")
        raise RuntimeError("crash after checkpoint a")
    return a + await step("b")


def test_trace_replays_on_resume(engine: Engine) -> None:
    CALLS.clear()
    with pytest.raises(errors.RuntimeUserError) as info:
        flyte.run(resumable, True)
    assert CALLS == ["a", "crashed"]
    r2 = engine.resume(info.value.run_name)  # type: ignore[attr-defined]
    assert r2.outputs() == "AB"
    assert CALLS == ["a", "crashed", "b"]  # "a" was replayed from its checkpoint


SYNC_CALLS: list[int] = []


@flyte.trace
def sync_step(x: int) -> int:
    SYNC_CALLS.append(x)
    return x * 2


@plain.task
def sync_resumable(n: int) -> int:
    total = sum(sync_step(i) for i in range(n))
    if "crashed" not in CALLS:
        CALLS.append("crashed")
        raise RuntimeError("crash after the sync checkpoints")
    return total


def test_sync_functions_are_traced_and_replayed(engine: Engine) -> None:
    assert sync_step(4) == 8  # outside a task: the function itself
    CALLS.clear()
    SYNC_CALLS.clear()
    with pytest.raises(errors.RuntimeUserError) as info:
        flyte.run(sync_resumable, 3)
    assert SYNC_CALLS == [0, 1, 2]
    r2 = engine.resume(info.value.run_name)  # type: ignore[attr-defined]
    assert r2.outputs() == 6
    assert SYNC_CALLS == [0, 1, 2]  # every call was replayed from its checkpoint


SEEN: list[float] = []


@plain.task
def durable_reader() -> float:
    import flytelike.durable

    t = flytelike.durable.time()
    SEEN.append(t)
    if len(SEEN) == 1:
        raise RuntimeError("crash after reading the clock")
    return t


def test_durable_time_is_replayed_on_resume(engine: Engine) -> None:
    SEEN.clear()
    with pytest.raises(errors.RuntimeUserError) as info:
        flyte.run(durable_reader)
    r2 = engine.resume(info.value.run_name)  # type: ignore[attr-defined]
    assert r2.outputs() == SEEN[0] == SEEN[1]  # the second run saw the first run's time


# ---------------------------------------------------------------- context
def test_ctx_outside_a_task() -> None:
    c = flyte.ctx()
    assert c.action is None and c.custom_context == {}
    with flyte.custom_context(k=1):
        assert flyte.get_custom_context() == {"k": "1"}
    assert flyte.get_custom_context() == {}


ctx_env = flyte.TaskEnvironment("ctx_fields")


@ctx_env.task
async def ctx_fields() -> tuple[dict[str, int], int | None, bool]:
    c = flyte.ctx()
    paths = c.checkpoint_paths
    assert paths is not None and paths.checkpoint_path == c.checkpoint.remote_destination
    plugged = c.replace(data={"n": 3})
    return c.data, plugged["n"], paths.prev_checkpoint_path == paths.checkpoint_path


def test_ctx_data_and_checkpoint_paths() -> None:
    # flyte-sdk's advanced/multi_run.py prints both
    assert flyte.run(ctx_fields).outputs() == ({}, 3, True)
    assert flyte.ctx().checkpoint_paths is None and flyte.ctx().data == {}


def test_io_names() -> None:
    import flytelike.io

    assert flytelike.io.File is flyte.File is flyte.FlyteFile
    assert flytelike.io.Dir is flyte.Dir is flyte.Directory is flyte.FlyteDirectory
    assert flytelike.io.DataFrame is flyte.DataFrame is flyte.StructuredDataset
    assert flyte.Deck is flyte.engine.Deck


retry_env = flyte.TaskEnvironment("retry_rules")
ATTEMPTS: dict[str, int] = {}


@retry_env.task(retries=2)
def flaky_lookup(user_id: int) -> str:
    ATTEMPTS["flaky"] = ATTEMPTS.get("flaky", 0) + 1
    if ATTEMPTS["flaky"] < 3:
        raise RuntimeError("transient upstream error")
    return f"user-{user_id}"


@retry_env.task(retries=3)
def gives_up() -> str:
    ATTEMPTS["gives_up"] = ATTEMPTS.get("gives_up", 0) + 1
    raise errors.NonRecoverableError("bad config")


@retry_env.task(retries=1)
def always_fails() -> str:
    ATTEMPTS["always"] = ATTEMPTS.get("always", 0) + 1
    raise RuntimeError("permanent failure")


def test_v2_tasks_retry_any_user_error_but_non_recoverable() -> None:
    ATTEMPTS.clear()
    run = flyte.with_runcontext(mode="local").run(flaky_lookup, user_id=7)
    assert run.outputs()[0] == "user-7" and ATTEMPTS["flaky"] == 3
    with pytest.raises(errors.RuntimeUserError) as info:
        flyte.with_runcontext(mode="local").run(always_fails)
    assert info.value.code == "RuntimeError" and ATTEMPTS["always"] == 2
    with pytest.raises(errors.RuntimeUserError) as info:  # flyte wraps it, keeping its code
        flyte.run(gives_up)
    assert type(info.value) is errors.RuntimeUserError and str(info.value) == "bad config"
    assert info.value.code == "NonRecoverableError" and ATTEMPTS["gives_up"] == 1
