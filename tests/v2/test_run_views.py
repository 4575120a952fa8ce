"""flyte 2's run handle beyond outputs (``flytelike._v2.run_view``): ``run.action``,
``details()``, ``first_failure()``, logs, typed values, ``watch``, ``raw_phase``, ``sync``; the
same on ``flytelike.remote.Run``; names with no local meaning raise ``NotProvidedError``."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta
from typing import Any

import pytest

import flytelike as flyte
from flytelike.errors import NotProvidedError
from flytelike.models import ActionPhase

env = flyte.TaskEnvironment("views")


@dataclasses.dataclass
class Point:
    a: int


@env.task
def child(x: int) -> int:
    print("child got", x)
    if x < 0:
        raise ValueError("negative input")
    return x


@env.task
def parent(x: int) -> Point:
    print("first line")
    print("second line", x)
    return Point(a=child(x) + 1)


@env.task
def failing_parent(x: int) -> int:
    return child(-x)


def _failed_run_name() -> str:
    with pytest.raises(flyte.errors.RuntimeUserError) as info:
        flyte.run(failing_parent, x=2)
    return str(info.value.run_name)  # type: ignore[attr-defined]


def test_the_root_action_is_a_view_of_the_run_with_coroutine_wait_and_details(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run = flyte.run(parent, x=1)
    action = run.action
    assert action.run_name == run.name and action.task_name == "views.parent"
    assert action.phase == ActionPhase.SUCCEEDED and action.raw_phase == "SUCCEEDED"
    assert action.attempts == 1 and action.parent_name is None and action.done()

    async def look() -> Any:
        assert await action.wait() is None  # a coroutine, as flyte's Action.wait
        return await action.details()

    details = asyncio.run(look())
    said = capsys.readouterr().out  # (not quiet: how it ended, as flyte says it)
    assert f"Action '{action.name}' in run '{run.name}' completed successfully." in said
    asyncio.run(action.wait(quiet=True))
    assert capsys.readouterr().out == ""
    assert details.name == action.name and details.error_message == ""
    assert details.error_info is None and isinstance(details.runtime, timedelta)
    assert asyncio.run(details.inputs()) == {"x": 1}
    assert asyncio.run(details.outputs())[0] == Point(a=2)
    assert set(asyncio.run(details.output_literals())) == {"o0"}


def test_details_typed_values_raw_phase_and_sync() -> None:
    run = flyte.run(parent, x=1)
    details = run.details()
    assert details.name == run.name and details.task_name == "views.parent" and details.done()
    assert asyncio.run(run.details.aio()).action_details.name == run.action.name
    assert run.raw_phase == "SUCCEEDED" and run.sync() is run
    assert run.typed_outputs({"o0": Point}) == {"o0": Point(a=2)}
    assert run.typed_outputs({"o0": dict}) == {"o0": {"a": 2}}
    assert run.typed_inputs({"x": float, "missing": int}) == {"x": 1.0}
    raw = run.typed_outputs({"o0": Point}, {Point: lambda payload: ("raw", payload)})
    assert raw == {"o0": ("raw", {"a": 2})}
    assert asyncio.run(run.typed_outputs.aio({"o0": Point})) == {"o0": Point(a=2)}
    assert set(run.input_literals()) == {"x"}
    assert run.first_failure() is None


def test_logs_are_what_the_root_action_printed() -> None:
    run = flyte.run(parent, x=4)
    assert list(run.get_logs()) == ["first line", "second line 4"]

    async def lines() -> list[str]:
        return [line async for line in run.get_logs.aio()]

    assert asyncio.run(lines()) == ["first line", "second line 4"]
    assert list(run.get_logs(attempt=2)) == []  # (no second attempt)
    with pytest.raises(NotProvidedError, match="show_ts"):
        run.get_logs(show_ts=True)


def test_show_logs_prints_the_last_lines(capsys: pytest.CaptureFixture[str]) -> None:
    run = flyte.run(parent, x=5)
    capsys.readouterr()
    run.show_logs(max_lines=1)
    assert capsys.readouterr().out == "second line 5\n"
    run.show_logs(max_lines=0)
    assert capsys.readouterr().out == "first line\nsecond line 5\n"


def test_watch_yields_the_terminal_details_of_an_ended_run() -> None:
    run = flyte.run(parent, x=1)

    async def watch() -> list[Any]:
        return [d async for d in run.watch()]

    seen = asyncio.run(watch())
    assert [d.phase for d in seen] == [ActionPhase.SUCCEEDED]


def test_watch_follows_a_background_run_to_its_end() -> None:
    run = flyte.run(parent, x=1, wait=False)

    async def watch() -> list[Any]:
        return [d.phase async for d in run.watch()]

    seen = asyncio.run(watch())
    assert seen[-1] == ActionPhase.SUCCEEDED
    assert len(seen) == len(set(seen))  # (one per change)


def test_the_action_of_a_background_run_is_there_at_once() -> None:
    run = flyte.run(parent, x=1, wait=False)
    action = run.action  # (the root may be recorded just after the run starts)
    asyncio.run(action.wait())
    assert action.phase == ActionPhase.SUCCEEDED and run.wait().phase == ActionPhase.SUCCEEDED


def test_first_failure_is_the_failed_child_with_its_error() -> None:
    from flytelike._v2.run import _as_v2
    from flytelike.engine import get_run

    run = _as_v2(get_run(_failed_run_name()))
    failure = run.first_failure()
    assert failure is not None and failure.task_name == "views.child"
    assert failure.parent_name == run.action.name
    assert "negative input" in failure.error_message and failure.phase == ActionPhase.FAILED
    assert asyncio.run(failure.inputs()) == {"x": -2}


def test_remote_run_has_the_same_readers() -> None:
    run = flyte.run(parent, x=3)
    remote = flyte.remote.Run.get(run.name)
    assert list(remote.get_logs()) == ["first line", "second line 3"]
    assert remote.typed_outputs({"o0": Point}) == {"o0": Point(a=4)}
    assert remote.typed_inputs({"x": int}) == {"x": 3}
    assert remote.first_failure() is None
    failed = flyte.remote.Run.get(_failed_run_name()).first_failure()
    assert failed.task_name == "views.child"


def test_names_without_a_local_meaning_raise_not_provided() -> None:
    run = flyte.run(parent, x=1)
    with pytest.raises(NotProvidedError, match="debugger"):
        run.get_debug_url()
    with pytest.raises(NotProvidedError, match="code bundle"):
        run.download_code()
    assert run.code_bundle() is None and asyncio.run(run.code_bundle.aio()) is None


def test_typed_values_need_a_dict_of_types() -> None:
    run = flyte.run(parent, x=1)
    with pytest.raises(TypeError, match="typed_outputs"):
        run.typed_outputs(Point)  # type: ignore[arg-type]
