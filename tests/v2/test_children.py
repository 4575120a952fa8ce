"""Task calls inside a running task under ``flytelike.run`` are recorded child actions
(``V2Task`` -> ``engine.child_call``), and the v2 ``Cache`` form."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

import flytelike as flyte
from flytelike import errors
from flytelike.engine import Engine, Run, RunFailedError, default_engine

env = flyte.TaskEnvironment("children")


# ---------------------------------------------------------------- the seed pipeline (004)
@env.task
def step_one(x: int) -> int:
    return x * 2


@env.task
def step_two(x: int) -> int:
    return x + 10


@env.task
def pipeline(x: int) -> int:
    a = step_one(x)
    b = step_two(a)
    return b


def _tree(r: Run) -> list[tuple[str, str, str, str]]:
    return [(a.action_id, a.parent, a.name, a.phase) for a in r.actions()]


def test_seed_pipeline_records_three_actions() -> None:
    r = flyte.run(pipeline, 5)
    assert r.outputs() == 20
    assert _tree(r) == [
        ("children.pipeline", "", "children.pipeline", "SUCCEEDED"),
        ("children.pipeline/c0", "children.pipeline", "children.step_one", "SUCCEEDED"),
        ("children.pipeline/c1", "children.pipeline", "children.step_two", "SUCCEEDED"),
    ]
    assert pipeline(5) == 20  # outside a run: still a plain call, nothing recorded


def test_pipeline_from_async_code_and_with_events() -> None:
    async def body() -> Run:
        return flyte.run(pipeline, 1)

    r = asyncio.run(body())
    assert r.outputs() == 12 and len(r.actions()) == 3
    seen: list[str] = []  # with a listener the root runs on the run's event loop
    r2 = default_engine().run(pipeline, x=2, on_event=lambda e: seen.append(e.kind))
    assert r2.outputs() == 14 and len(r2.actions()) == 3 and seen


# ---------------------------------------------------------------- async children, fan-out
@env.task
async def nap(i: int, t: float) -> int:
    await asyncio.sleep(t)
    return i


@env.task
async def fan_out(n: int, t: float) -> list[int]:
    return list(await asyncio.gather(*[nap(i, t) for i in range(n)]))


def test_gathered_children_run_concurrently() -> None:
    start = time.perf_counter()
    r = flyte.run(fan_out, 8, 0.3)
    elapsed = time.perf_counter() - start
    assert r.outputs() == list(range(8))
    assert elapsed < 0.3 * 4, elapsed  # sequential would take 2.4 s
    kids = [a for a in r.actions() if a.parent == "children.fan_out"]
    assert [a.action_id for a in kids] == [f"children.fan_out/c{i}" for i in range(8)]
    assert {a.phase for a in kids} == {"SUCCEEDED"}


@env.task
def blocking_nap(i: int, t: float) -> int:
    time.sleep(t)
    return i


@env.task
async def fan_out_sync(n: int, t: float) -> list[int]:
    return list(await asyncio.gather(*[blocking_nap.aio(i, t) for i in range(n)]))


def test_gathered_sync_children_run_concurrently_with_aio() -> None:
    start = time.perf_counter()
    r = flyte.run(fan_out_sync, 6, 0.3)
    assert r.outputs() == list(range(6))
    assert time.perf_counter() - start < 0.3 * 3
    assert len(r.actions()) == 7


def test_max_action_concurrency_limits_children() -> None:
    start = time.perf_counter()
    r = flyte.with_runcontext(max_action_concurrency=2).run(fan_out, 4, 0.2)
    assert r.outputs() == [0, 1, 2, 3]
    assert time.perf_counter() - start >= 0.2 * 2


# ---------------------------------------------------------------- sync call from async code
@env.task
async def calls_sync_without_await(x: int) -> int:
    return step_one(x) + 1


@env.task
async def calls_sync_with_aio(x: int) -> int:
    return await step_one.aio(x) + 1


def test_sync_call_in_async_task_raises_and_aio_is_a_child() -> None:
    with pytest.raises(errors.RuntimeUserError, match="aio") as info:
        flyte.run(calls_sync_without_await, 4)
    assert info.value.code == "SyncTaskCallInAsyncContextError"
    r = flyte.run(calls_sync_with_aio, 4)
    assert r.outputs() == 9
    assert [a.name for a in r.actions()] == [
        "children.calls_sync_with_aio",
        "children.step_one",
    ]


# ---------------------------------------------------------------- nesting
@env.task
async def outer(x: int) -> int:
    return await middle.aio(x) + 1


@env.task
def middle(x: int) -> int:
    return step_one(x) + step_two(x)


def test_nested_children_record_a_tree() -> None:
    r = flyte.run(outer, 1)
    assert r.outputs() == 14
    assert [(a.action_id, a.parent) for a in r.actions()] == [
        ("children.outer", ""),
        ("children.outer/c0", "children.outer"),
        ("children.outer/c0/c0", "children.outer/c0"),
        ("children.outer/c0/c1", "children.outer/c0"),
    ]


# ---------------------------------------------------------------- errors
@env.task
async def boom(kind: str) -> int:
    if kind == "value":
        raise ValueError("bad value")
    if kind == "oom":
        raise MemoryError("too big")
    return 1


@env.task
async def catches(kind: str) -> str:
    try:
        await boom(kind)
    except errors.OOMError as e:
        return f"oom:{e.code}"
    except errors.RuntimeUserError as e:
        return f"user:{e.code}"
    return "ok"


@env.task
def catches_sync(kind: str) -> str:
    try:
        boom_sync(kind)
    except errors.RuntimeUserError as e:
        return f"user:{e.code}"
    return "ok"


@env.task
def boom_sync(kind: str) -> int:
    raise KeyError(kind)


@env.task
async def bad_input() -> int:
    return await nap("not an int", 0.0)  # type: ignore[arg-type]


@env.task
async def bad_input_caught() -> str:
    try:
        await nap("not an int", 0.0)  # type: ignore[arg-type]
    except errors.RuntimeDataValidationError as e:
        return type(e).__name__
    return "no error"


def test_child_errors_map_to_v2_errors() -> None:
    assert flyte.run(catches, "value").outputs() == "user:ValueError"
    assert flyte.run(catches, "oom").outputs() == "oom:MemoryError"
    assert flyte.run(catches, "fine").outputs() == "ok"
    assert flyte.run(catches_sync, "k").outputs() == "user:KeyError"
    r = flyte.run(catches, "value")
    failed = [a for a in r.actions() if a.phase == "FAILED"]
    assert [a.action_id for a in failed] == ["children.catches/c0"]
    assert failed[0].error is not None and "bad value" in str(failed[0].error)


def test_child_input_conversion_error() -> None:
    assert flyte.run(bad_input_caught).outputs() == "RuntimeDataValidationError"
    with pytest.raises(errors.RuntimeDataValidationError) as info:
        flyte.run(bad_input)
    r = flyte.engine.get_run(info.value.run_name)  # type: ignore[attr-defined]
    assert r.phase.value == "FAILED"
    with pytest.raises(RunFailedError, match="RuntimeDataValidationError"):
        r.outputs()


# ---------------------------------------------------------------- retries and cache
_ATTEMPTS: dict[str, int] = {}


@env.task(retries=2)
async def flaky(key: str) -> str:
    _ATTEMPTS[key] = _ATTEMPTS.get(key, 0) + 1
    if _ATTEMPTS[key] < 3:
        raise errors.FlyteRecoverableException("try again")
    return f"{key}:{_ATTEMPTS[key]}"


@env.task
async def calls_flaky(key: str) -> str:
    return await flaky(key)


def test_children_are_retried() -> None:
    r = flyte.run(calls_flaky, "k1")
    assert r.outputs() == "k1:3"
    assert [a.attempts for a in r.actions() if a.parent] == [3]
    assert len(r.attempts("children.calls_flaky/c0")) == 3


_CALLS: list[int] = []


@env.task(cache=flyte.Cache(behavior="override", version_override="v1"))
def expensive(x: int) -> int:
    _CALLS.append(x)
    return x * 100


@env.task
def uses_cache(xs: list[int]) -> int:
    return sum(expensive(x) for x in xs)


def test_cache_hits_for_children() -> None:
    _CALLS.clear()
    assert flyte.run(uses_cache, [1, 2]).outputs() == 300
    r = flyte.run(uses_cache, [2, 1, 3])
    assert r.outputs() == 600
    assert sorted(_CALLS) == [1, 2, 3]
    status = [a.cache_status for a in r.actions() if a.parent]
    assert status == ["HIT", "HIT", "MISS"]
    r = flyte.with_runcontext(overwrite_cache=True).run(uses_cache, [1])
    assert r.outputs() == 100 and sorted(_CALLS) == [1, 1, 2, 3]


# ---------------------------------------------------------------- custom context and groups
@env.task
def sync_leaf() -> str:
    c = flyte.ctx()
    return f"{c.custom_context.get('who')}|{'/'.join(c.group_data)}"


@env.task
async def async_leaf() -> str:
    c = flyte.ctx()
    return f"{c.custom_context.get('who')}|{'/'.join(c.group_data)}"


@env.task
async def ctx_root() -> list[str]:
    out = [sync_leaf.forward(), await sync_leaf.aio(), await async_leaf()]
    with flyte.custom_context(who="child"), flyte.group("g1"):
        out += [await sync_leaf.aio(), await async_leaf()]
        with flyte.group("g2"):
            out.append(await ctx_middle.aio())
    out.append(await async_leaf())
    return out


@env.task
def ctx_middle() -> str:
    with flyte.group("inner"):
        return sync_leaf()


def test_custom_context_and_group_reach_children() -> None:
    r = flyte.with_runcontext(custom_context={"who": "run"}).run(ctx_root)
    assert r.outputs() == [
        "run|",
        "run|",
        "run|",
        "child|g1",
        "child|g1",
        "child|g1/g2/inner",
        "run|",
    ]


# ---------------------------------------------------------------- map inside a task
_ACTIVE = {"now": 0, "max": 0}
_LOCK = threading.Lock()


@env.task
def tracked(x: int) -> int:
    with _LOCK:
        _ACTIVE["now"] += 1
        _ACTIVE["max"] = max(_ACTIVE["max"], _ACTIVE["now"])
    time.sleep(0.05)
    with _LOCK:
        _ACTIVE["now"] -= 1
    return x * x


@env.task
async def map_async(n: int) -> list[int]:
    return [r async for r in flyte.map.aio(tracked, range(n), concurrency=2)]


@env.task
def map_sync(n: int) -> list[int]:
    return list(flyte.map(tracked, range(n), concurrency=3, group_name="squares"))


@env.task
async def map_sync_in_async(n: int) -> list[int]:
    return list(flyte.map(tracked, range(n)))


@pytest.mark.parametrize(("entity", "limit"), [(map_async, 2), (map_sync, 3)])
def test_map_items_are_children_and_concurrency_holds(entity: object, limit: int) -> None:
    _ACTIVE.update(now=0, max=0)
    r = flyte.run(entity, 7)
    assert r.outputs() == [i * i for i in range(7)]
    kids = [a for a in r.actions() if a.parent]
    assert len(kids) == 7 and {a.name for a in kids} == {"children.tracked"}
    assert 1 < _ACTIVE["max"] <= limit


def test_sync_map_inside_async_task() -> None:
    r = flyte.run(map_sync_in_async, 4)
    assert r.outputs() == [0, 1, 4, 9] and len(r.actions()) == 5


@env.task
async def map_group_ctx(n: int) -> list[str]:
    return [r async for r in flyte.map.aio(indexed_leaf, range(n), group_name="batch")]


@env.task
def indexed_leaf(i: int) -> str:
    return f"{i}:{'/'.join(flyte.ctx().group_data)}"


def test_map_group_name_reaches_items() -> None:
    assert flyte.run(map_group_ctx, 2).outputs() == ["0:batch", "1:batch"]


# ---------------------------------------------------------------- mocks, resume numbering
def test_mocks_apply_to_children(engine: Engine) -> None:
    from flytelike.testing import task_mock

    with task_mock(step_one) as m:
        m.return_value = 100
        assert flyte.run(pipeline, 5).outputs() == 110


@flyte.trace
async def traced_call() -> int:
    return await nap(1, 0.0)


@env.task
async def uses_trace() -> str:
    try:
        await traced_call()
    except errors.TraceDoesNotAllowNestedTasksError:
        return "rejected"
    return "allowed"


def test_trace_still_rejects_task_calls() -> None:
    r = flyte.run(uses_trace)
    assert r.outputs() == "rejected" and len(r.actions()) == 1  # no child was started


# ---------------------------------------------------------------- v2 Cache form
def test_v2_cache_form_reaches_the_ir() -> None:
    spec = expensive.template().metadata.cache
    assert spec is not None and spec.enabled and spec.version == "v1"

    @env.task(
        cache=flyte.Cache(
            behavior="auto", serialize=True, ignored_inputs="y", salt="s", version_override="v9"
        )
    )
    def two(x: int, y: int) -> int:
        return x + y

    spec = two.template().metadata.cache
    assert spec is not None
    assert (spec.enabled, spec.version, spec.serialize, spec.ignored_inputs, spec.salt) == (
        True,
        "v9",
        True,
        ("y",),
        "s",
    )

    @env.task(cache=flyte.Cache("disable"))
    def off(x: int) -> int:
        return x

    assert off.template().metadata.cache is None

    @env.task(cache=flyte.Cache(behavior="auto"))
    def auto(x: int) -> int:
        return x

    spec = auto.template().metadata.cache
    assert spec is not None and len(spec.version) == 64  # the function-body policy's hash
    assert flyte.Cache(behavior="on").behavior == "auto"
    assert flyte.Cache(behavior="OFF").enabled is False
    assert flyte.Cache(version="1") == flyte.Cache(version_override="1")


def test_v2_cache_form_is_validated() -> None:
    with pytest.raises(errors.DefinitionError, match="behavior must be one of"):
        flyte.Cache(behavior="sometimes")
    with pytest.raises(ValueError, match="same setting"):
        flyte.Cache(version="1", version_override="2")
    with pytest.raises(errors.DefinitionError, match="version_override"):
        flyte.Cache(behavior="override", version_override=2)  # type: ignore[arg-type]
    with pytest.raises(errors.DefinitionError, match="serialize"):
        flyte.Cache(serialize="yes")  # type: ignore[arg-type]
    with pytest.raises(errors.DefinitionError, match="not an input"):

        @env.task(cache=flyte.Cache(behavior="auto", ignored_inputs=["nope"]))
        def f(x: int) -> int:
            return x

        f.template()
    with pytest.raises(errors.DefinitionError, match="cannot be"):
        flyte.task(cache=flyte.Cache(behavior="auto"), cache_version="2")(lambda: None)
