"""External abort (spec §20): ``Run.abort(action_id)`` / ``flytelike.engine.abort`` from another
thread, the whole run or one action, and through the run store as another process does."""

from __future__ import annotations

import asyncio
import json
import threading
import time

import pytest

import flytelike as flyte
from flytelike import engine as eng
from flytelike import errors
from flytelike.engine import AbortError, Engine, Run, RunFailedError, RunNotFoundError

env = flyte.TaskEnvironment("abort")
CLEANED: list[str] = []
SYNC_DONE = threading.Event()


@env.task
async def long_sleeper(sleep_for: float) -> str:
    await asyncio.sleep(sleep_for)
    return "slept"


@env.task
async def main() -> str:
    results = await asyncio.gather(*[long_sleeper(30.0) for _ in range(10)], return_exceptions=True)
    for r in results:
        assert isinstance(r, flyte.errors.ActionAbortedError), r
    return "Hello World!"


@env.task
async def mixed() -> list[str]:
    calls = [long_sleeper(30.0), long_sleeper(0.05), long_sleeper(30.0)]
    results = await asyncio.gather(*calls, return_exceptions=True)
    return [type(r).__name__ if isinstance(r, BaseException) else r for r in results]


@env.task
async def cleaner() -> int:
    try:
        await asyncio.sleep(30.0)
    except asyncio.CancelledError:
        CLEANED.append("cleaned")
        raise
    return 1


@env.task
async def catches() -> str:
    try:
        await cleaner()
    except errors.ActionAbortedError as e:
        return f"{e.code}: {e}"
    return "not aborted"


@env.task
def sync_sleeper(s: float) -> int:
    time.sleep(s)
    SYNC_DONE.set()
    return 7


@env.task
async def awaits_sync() -> str:
    try:
        await sync_sleeper.aio(0.3)
    except errors.ActionAbortedError:
        return "aborted"
    return "finished"


@env.task
async def sleeps_long() -> str:
    await long_sleeper(30.0)
    return "done"


def _running(run: Run, n: int, kind: str = "") -> list[str]:
    """The ids of ``n`` running child actions (waits up to 2 s for them to start)."""
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        ids = [a.action_id for a in run.actions() if a.parent and a.phase == "RUNNING"]
        if len(ids) >= n and (not kind or all(kind in a.name for a in run.actions() if a.parent)):
            return sorted(ids)
        time.sleep(0.01)
    raise AssertionError(f"fewer than {n} running children: {run.actions()}")


def test_spec_external_abort_of_gathered_children(engine: Engine) -> None:
    started = time.monotonic()
    run = engine.run(main, wait=False)
    ids = _running(run, 10)
    aborter = threading.Thread(target=lambda: [run.abort(i, reason="not needed") for i in ids])
    aborter.start()
    aborter.join()
    assert run.wait(5).outputs() == "Hello World!"
    assert time.monotonic() - started < 2.0
    children = [a for a in run.actions() if a.parent]
    assert len(children) == 10 and {a.phase for a in children} == {"ABORTED"}
    err = children[0].error
    assert err is not None
    assert err.type == "ActionAbortedError" and "aborted: not needed" in err.message
    assert run.phase.value == "SUCCEEDED"
    assert {a.phase for a in run.attempts(children[0].action_id)} == {"ABORTED"}


def test_abort_some_children_the_others_finish(engine: Engine) -> None:
    run = engine.run(mixed, wait=False)
    ids = _running(run, 2)
    for i in ids:
        if i != "abort.mixed/c1":
            eng.abort(run.name, i)
    assert run.wait(5).outputs() == ["ActionAbortedError", "slept", "ActionAbortedError"]
    phases = {a.action_id: a.phase for a in run.actions()}
    assert phases == {
        "abort.mixed": "SUCCEEDED",
        "abort.mixed/c0": "ABORTED",
        "abort.mixed/c1": "SUCCEEDED",
        "abort.mixed/c2": "ABORTED",
    }


def test_async_child_cleans_up_and_parent_gets_action_aborted_error(engine: Engine) -> None:
    CLEANED.clear()
    run = engine.run(catches, wait=False)
    (child,) = _running(run, 1)
    run.abort(child, reason="bye")
    out = run.wait(5).outputs()
    assert out == f"ActionAbortedError: action {child} of run {run.name} was aborted: bye"
    assert CLEANED == ["cleaned"]


def test_sync_child_is_stopped_and_recorded_aborted(engine: Engine) -> None:
    SYNC_DONE.clear()
    run = engine.run(awaits_sync, wait=False)
    (child,) = _running(run, 1)
    run.abort(child)
    assert run.wait(5).outputs() == "aborted"
    # The body's thread was told to stop: it raised TaskBodyStopped when its sleep returned,
    # and the rest of the body never ran.
    assert not SYNC_DONE.wait(0.6)
    phases = {a.action_id: a.phase for a in run.actions()}
    assert phases[child] == "ABORTED"


def test_abort_whole_run(engine: Engine) -> None:
    started = time.monotonic()
    run = engine.run(sleeps_long, wait=False)
    _running(run, 1)
    run.abort(reason="shutting down")
    run.wait(5)
    assert time.monotonic() - started < 2.0
    assert run.phase.value == "ABORTED" and run.done
    with pytest.raises(RunFailedError, match=r"ABORTED.*was aborted: shutting down"):
        run.outputs()
    assert {a.phase for a in run.actions()} == {"ABORTED"}
    # read back from the store
    again = engine.get_run(run.name)
    assert again.phase.value == "ABORTED"
    rec_error = again.record().error
    assert rec_error is not None and "shutting down" in rec_error.message
    with pytest.raises(RunFailedError, match="was aborted"):
        again.outputs()
    with pytest.raises(AbortError, match="already ended ABORTED"):
        again.abort()


def test_abort_before_the_run_starts_and_abort_by_root_action(engine: Engine) -> None:
    run = engine.run(sleeps_long, wait=False)
    run.abort("abort.sleeps_long")  # the root action of a task run is the run
    assert run.wait(5).phase.value == "ABORTED"


def test_abort_errors(engine: Engine) -> None:
    with pytest.raises(RunNotFoundError, match="no run named 'nope'"):
        engine.abort("nope")
    done = engine.run(long_sleeper, sleep_for=0.0)
    with pytest.raises(AbortError, match=f"cannot abort run {done.name}: .* ended SUCCEEDED"):
        done.abort()
    run = engine.run(mixed, wait=False)
    _running(run, 2)
    try:
        with pytest.raises(AbortError, match=r"has no such action .*abort.mixed/c0"):
            run.abort("abort.mixed/c9")
        deadline = time.monotonic() + 2
        while {a.action_id: a.phase for a in run.actions()}.get("abort.mixed/c1") != "SUCCEEDED":
            assert time.monotonic() < deadline
            time.sleep(0.01)
        with pytest.raises(AbortError, match=r"'abort.mixed/c1' .* it is SUCCEEDED, not running"):
            run.abort("abort.mixed/c1")
        run.abort("abort.mixed/c0")
        with pytest.raises(AbortError, match="already aborted"):
            run.abort("abort.mixed/c0")
    finally:
        run.abort()
        run.wait(5)


def test_abort_requested_through_the_store_as_from_another_process(engine: Engine) -> None:
    run = engine.run(mixed, wait=False)
    _running(run, 2)
    # What `flytelike runs abort RUN ACTION` in another process leaves in the run store:
    engine.store.put_signal(run.name, "__abort__abort.mixed/c0", json.dumps("from the CLI"))
    engine.store.put_signal(run.name, "__abort__abort.mixed/c2", json.dumps(""))
    assert run.wait(5).outputs() == ["ActionAbortedError", "slept", "ActionAbortedError"]
    errs = {a.action_id: a.error.message if a.error else "" for a in run.actions()}
    assert errs["abort.mixed/c0"].endswith("was aborted: from the CLI")


def test_cli_abort(engine: Engine) -> None:
    from click.testing import CliRunner

    from flytelike.cli import main as cli

    run = engine.run(sleeps_long, wait=False)
    _running(run, 1)
    res = CliRunner().invoke(cli, ["runs", "abort", run.name, "--reason", "cli"])
    assert res.exit_code == 0, res.output
    assert f"aborted run {run.name}" in res.output
    res = CliRunner().invoke(cli, ["runs", "abort", run.name])
    assert res.exit_code == 1 and "already ended ABORTED" in res.output
