"""Errors as flyte 2.12 reports them (spec/v2-api.md §19; flytelike/_v2/task.py child_error,
flytelike/_v2/excepthook.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import flytelike as flyte
from flytelike import errors

env = flyte.TaskEnvironment("errs")


@env.task
async def boom(x: int) -> int:
    raise ValueError(f"bad value {x}")


@env.task
async def parent(x: int) -> int:
    return await boom(x)


@env.task
async def sees_child_error(x: int) -> str:
    try:
        await boom(x)
    except errors.RuntimeUserError as e:
        return f"{type(e).__name__}|{e.code}|{e}"
    return "not raised"


@env.task
async def custom_code() -> int:
    raise errors.CustomError("MyCode", "it broke")


@env.task
async def gives_up() -> int:
    raise errors.NonRecoverableError("give up")


@env.task
def sync_child(x: int) -> int:
    return x + 1


@env.task
async def calls_sync_without_aio(x: int) -> int:
    return sync_child(x)


@env.task
async def catches_sync_call(x: int) -> str:
    try:
        sync_child(x)
    except errors.SyncTaskCallInAsyncContextError as e:
        return e.code
    return "not raised"


@env.task
def sync_parent(x: int) -> int:
    return sync_child(x) * 10  # a sync task may call a sync task: it blocks on the child


def test_run_raises_runtime_user_error_with_the_task_message() -> None:
    with pytest.raises(errors.RuntimeUserError) as info:
        flyte.run(boom, 3)
    err = info.value
    assert type(err) is errors.RuntimeUserError
    assert str(err) == "bad value 3" and err.code == "ValueError" and err.kind == "user"
    assert isinstance(err.__cause__, ValueError)


def test_a_child_error_keeps_its_message_through_the_parent() -> None:
    assert flyte.run(sees_child_error, 4).outputs() == "RuntimeUserError|ValueError|bad value 4"
    with pytest.raises(errors.RuntimeUserError) as info:
        flyte.run(parent, 5)
    assert str(info.value) == "bad value 5" and info.value.code == "ValueError"


def test_non_recoverable_and_custom_errors_arrive_as_runtime_user_errors() -> None:
    with pytest.raises(errors.RuntimeUserError) as info:
        flyte.run(gives_up)
    assert type(info.value) is errors.RuntimeUserError
    assert (info.value.code, str(info.value)) == ("NonRecoverableError", "give up")
    assert isinstance(info.value.__cause__, errors.NonRecoverableError)
    with pytest.raises(errors.RuntimeUserError) as info:
        flyte.run(custom_code)
    assert (info.value.code, str(info.value)) == ("MyCode", "it broke")


def test_sync_task_called_without_aio_from_async_raises() -> None:
    with pytest.raises(errors.RuntimeUserError) as info:
        flyte.run(calls_sync_without_aio, 1)
    assert info.value.code == "SyncTaskCallInAsyncContextError"
    assert str(info.value) == (
        "Sync task 'errs.sync_child' was called in a blocking way from async code. This blocks "
        "the event loop and can hang the run. Use `await sync_child.aio(...)` instead."
    )
    # Inside the parent it is the specific class, catchable as such.
    assert flyte.run(catches_sync_call, 1).outputs() == "SyncTaskCallInAsyncContextError"
    assert flyte.run(sync_parent, 1).outputs() == 20


def test_an_uncaught_run_error_prints_as_a_local_flyte_run(tmp_path: Path) -> None:
    script = tmp_path / "script.py"
    script.write_text(
        textwrap.dedent(
            """
            import flytelike as flyte

            env = flyte.TaskEnvironment("errs")

            @env.task
            async def boom(x: int) -> int:
                raise ValueError(f"bad value {x}")

            if __name__ == "__main__":
                flyte.run(boom, 3)
            """
        )
    )
    environ = {**os.environ, "FLYTELIKE_HOME": str(tmp_path / "home")}
    proc = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=environ, timeout=120
    )
    assert proc.returncode == 1
    assert (
        proc.stdout
        == "Filtered traceback (most recent call last):\nRuntimeUserError: bad value 3\n\n"
    )
    # stderr: the task's own frame, the user's call site, no library frames, and the run's name.
    assert 'raise ValueError(f"bad value {x}")' in proc.stderr
    assert "flyte.run(boom, 3)" in proc.stderr and "flytelike run r" in proc.stderr
    assert f"{os.sep}flytelike{os.sep}" not in proc.stderr


def test_the_hook_leaves_another_tool_s_hook_alone(tmp_path: Path) -> None:
    code = textwrap.dedent(
        """
        import sys
        import flytelike as flyte

        def mine(*a):
            print("mine")

        sys.excepthook = mine
        env = flyte.TaskEnvironment("errs")

        @env.task
        def ok() -> int:
            return 1

        assert flyte.run(ok).outputs() == 1
        assert sys.excepthook is mine
        raise SystemExit(0)
        """
    )
    environ = {**os.environ, "FLYTELIKE_HOME": str(tmp_path / "home")}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environ, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
