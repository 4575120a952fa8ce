"""Action lifetime (seed 003 "abort and cancel", spec/v2-api.md §8.6): when the root action
returns or fails, descendants still in progress are aborted, recorded ABORTED, never left
RUNNING (flytelike/engine/_lifetime.py)."""

# The seed drops the handles of the tasks it starts (that is what is tested): RUF006 is off.
# ruff: noqa: RUF006

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import flytelike as flyte

env = flyte.TaskEnvironment("lifetime")
EVENTS: list[str] = []


@env.task
async def do_something() -> None:
    EVENTS.append("did something")


@env.task
async def sleep_for(seconds: float) -> None:
    EVENTS.append(f"sleeping {seconds}")
    try:
        await asyncio.sleep(seconds)
        await do_something()
    except asyncio.CancelledError:
        EVENTS.append("sleep_for was cancelled")
        return
    EVENTS.append("finished sleeping")


@env.task
async def main(seconds: float) -> None:
    asyncio.create_task(sleep_for(seconds))
    await asyncio.sleep(0.05)


@env.task
async def nested_sleeper(seconds: float) -> None:
    await sleep_for(seconds)


@env.task
async def main_nested(seconds: float) -> str:
    asyncio.create_task(nested_sleeper(seconds))
    await asyncio.sleep(0.05)
    return "done"


@env.task
async def main_fails(seconds: float) -> None:
    asyncio.create_task(sleep_for(seconds))
    await asyncio.sleep(0.05)
    raise ValueError("root failed")


async def plain_coroutine() -> None:
    try:
        await asyncio.sleep(30)
    except asyncio.CancelledError:
        EVENTS.append("plain coroutine cancelled")
        raise


@env.task
async def main_plain() -> int:
    asyncio.create_task(plain_coroutine())
    await asyncio.sleep(0.05)
    return 1


@env.task
def sync_sleeper(seconds: float) -> None:
    time.sleep(seconds)


@env.task
async def main_sync_child(seconds: float) -> None:
    asyncio.create_task(sync_sleeper.aio(seconds))
    await asyncio.sleep(0.05)


def _phases(run: object) -> dict[str, str]:
    return {a.action_id: a.phase for a in run.actions()}  # type: ignore[attr-defined]


def test_root_return_aborts_a_running_child() -> None:
    EVENTS.clear()
    start = time.perf_counter()
    run = flyte.run(main, 20.0)
    assert time.perf_counter() - start < 5  # the run did not wait for the 20 s child
    assert run.outputs() == (None,)
    assert EVENTS == ["sleeping 20.0", "sleep_for was cancelled"]
    assert _phases(run) == {"lifetime.main": "SUCCEEDED", "lifetime.main/c0": "ABORTED"}
    (child,) = [a for a in run.actions() if a.parent]
    assert child.error is not None and child.error.type == "ActionAbortedError"
    assert "root action ended" in child.error.message


def test_nested_descendants_are_aborted_too() -> None:
    EVENTS.clear()
    run = flyte.run(main_nested, 20.0)
    assert run.outputs() == "done"
    phases = _phases(run)
    assert phases.pop("lifetime.main_nested") == "SUCCEEDED"
    assert phases == {"lifetime.main_nested/c0": "ABORTED", "lifetime.main_nested/c0/c0": "ABORTED"}


def test_a_failing_root_aborts_its_children() -> None:
    EVENTS.clear()
    with pytest.raises(flyte.errors.RuntimeUserError) as info:
        flyte.run(main_fails, 20.0)
    run = flyte.engine.get_run(info.value.run_name)  # type: ignore[attr-defined]
    assert _phases(run) == {"lifetime.main_fails": "FAILED", "lifetime.main_fails/c0": "ABORTED"}
    assert "sleep_for was cancelled" in EVENTS


def test_plain_tasks_left_pending_are_cancelled() -> None:
    EVENTS.clear()
    assert flyte.run(main_plain).outputs() == 1
    assert EVENTS == ["plain coroutine cancelled"]


def test_a_sync_child_in_a_thread_is_recorded_aborted() -> None:
    start = time.perf_counter()
    run = flyte.run(main_sync_child, 3.0)
    assert time.perf_counter() - start < 2.5
    assert _phases(run)["lifetime.main_sync_child/c0"] == "ABORTED"


def test_no_task_is_destroyed_pending(tmp_path: Path) -> None:
    script = tmp_path / "script.py"
    script.write_text(
        textwrap.dedent(
            """
            import asyncio, gc
            import flytelike as flyte

            env = flyte.TaskEnvironment("lifetime")

            @env.task
            async def sleep_for(seconds: float) -> None:
                await asyncio.sleep(seconds)

            async def plain() -> None:
                await asyncio.sleep(30)

            @env.task
            async def main() -> None:
                asyncio.create_task(sleep_for(30.0))
                asyncio.create_task(plain())
                await asyncio.sleep(0.05)

            if __name__ == "__main__":
                flyte.run(main)
                gc.collect()
                print("ok")
            """
        )
    )
    environ = {**os.environ, "FLYTELIKE_HOME": str(tmp_path / "home")}
    proc = subprocess.run(
        [sys.executable, "-X", "dev", str(script)],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr
    assert "destroyed but it is pending" not in proc.stderr
    assert "never retrieved" not in proc.stderr
