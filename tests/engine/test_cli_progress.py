"""The live progress display of ``flytelike run``/``resume``: state, rendering, when it shows."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from flytelike.cli import main
from flytelike.cli._progress import Progress, ProgressState, elapsed, render
from flytelike.engine import Engine
from flytelike.engine._events import ATTEMPT, NODE, RUN, PhaseEvent
from flytelike.engine._phases import NodePhase, TaskPhase, WorkflowPhase

WFS = str(Path(__file__).parent / "cli_wfs.py")


class Clock:
    def __init__(self, t: float = 100.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def text(state: ProgressState, now: float, max_rows: int = 15) -> str:
    console = Console(file=io.StringIO(), force_terminal=True, width=100, color_system=None)
    with console.capture() as cap:
        console.print(render(state, now, max_rows))
    return cap.get()


def node(phase: NodePhase, aid: str, task: str = "", message: str = "") -> PhaseEvent:
    return PhaseEvent(NODE, "r1", phase, aid, task, message=message)


def attempt(phase: TaskPhase, aid: str, task: str, n: int, message: str = "") -> PhaseEvent:
    return PhaseEvent(ATTEMPT, "r1", phase, aid, task, n, message=message)


def fold(*events: PhaseEvent, now: float = 0.0) -> ProgressState:
    state = ProgressState()
    for e in events:
        state.apply(e, now)
    return state


def test_counts_and_running_nodes() -> None:
    state = fold(
        PhaseEvent(RUN, "r1", WorkflowPhase.RUNNING),
        node(NodePhase.QUEUED, "n0", "wf.prep"),
        node(NodePhase.RUNNING, "n0", "wf.prep"),
        node(NodePhase.SUCCEEDED, "n0", "wf.prep"),
        node(NodePhase.RUNNING, "n1", "wf.train"),
        node(NodePhase.RUNNING, "n2", "wf.score"),
        node(NodePhase.SKIPPED, "n3", "wf.other"),
    )
    out = text(state, 65.0)
    assert "run r1  RUNNING  1m05s" in out
    assert "2 running · 1 succeeded · 1 skipped" in out
    lines = out.splitlines()
    assert any("n1" in ln and "wf.train" in ln and "1m05s" in ln for ln in lines)
    assert any("n2" in ln and "wf.score" in ln for ln in lines)
    assert "wf.prep" not in out and "attempt" not in out and "failure" not in out


def test_retries_show_the_attempt_and_the_failure() -> None:
    state = fold(
        node(NodePhase.RUNNING, "n0", "wf.flaky"),
        attempt(TaskPhase.RUNNING, "n0", "wf.flaky", 0),
        attempt(TaskPhase.RETRYABLE_FAILED, "n0", "wf.flaky", 0, "ConnectionError: try\nagain"),
        attempt(TaskPhase.RUNNING, "n0", "wf.flaky", 1),
    )
    out = text(state, 2.0)
    assert "attempt 2" in out and "1 retried" in out
    assert "last failure: n0 (wf.flaky) will retry: ConnectionError: try again" in out


def test_failed_node_message_and_count() -> None:
    state = fold(
        node(NodePhase.RUNNING, "n0", "wf.fail"),
        node(NodePhase.FAILED, "n0", "wf.fail", "ValueError: bad input 1"),
        PhaseEvent(RUN, "r1", WorkflowPhase.FAILING),
    )
    out = text(state, 1.0)
    assert "FAILING" in out and "1 failed" in out
    assert "last failure: n0 (wf.fail) failed: ValueError: bad input 1" in out


def test_map_progress_parses_done_over_total() -> None:
    state = ProgressState()
    state.apply(node(NodePhase.RUNNING, "n1", "wf.square"), now=0.0)
    assert "/" not in text(state, 1.0).splitlines()[1]  # no progress reported yet
    state.apply(node(NodePhase.RUNNING, "n1", "wf.square", "37/100 items"), now=5.0)
    out = text(state, 6.0)
    assert "37/100" in out and "6.0s" in out  # the start time is the first RUNNING event
    state.apply(node(NodePhase.RUNNING, "n1", "wf.square", "something else"), now=7.0)
    assert "37/100" in text(state, 7.0)


def test_rows_are_capped() -> None:
    state = fold(*(node(NodePhase.RUNNING, f"n{i}", "wf.t") for i in range(20)))
    out = text(state, 1.0, max_rows=15)
    assert "n14 " in out and "n15 " not in out
    assert "... and 5 more running" in out


def test_elapsed_formats() -> None:
    assert [elapsed(x) for x in (-1, 4.25, 65, 3725)] == ["0.0s", "4.2s", "1m05s", "1h02m"]


def test_nothing_without_a_terminal_or_when_turned_off() -> None:
    assert Progress(stream=io.StringIO(), environ={}).callback is None
    assert Progress(stream=Tty(), environ={"FLYTELIKE_NO_PROGRESS": "1"}).callback is None
    assert Progress(stream=Tty(), environ={"FLYTELIKE_PROGRESS": "never"}).callback is None
    assert Progress(stream=Tty(), environ={}).callback is not None
    assert Progress(stream=io.StringIO(), environ={"FLYTELIKE_PROGRESS": "always"}).enabled
    stream = io.StringIO()
    with Progress(stream=stream, environ={}) as p:
        assert not p.maybe_show()
    assert stream.getvalue() == ""


def test_shows_only_after_the_delay() -> None:
    clock = Clock()
    stream = Tty()
    p = Progress("r1", stream=stream, environ={}, clock=clock, delay=0.5, tick=0.001)
    with p:
        clock.t += 0.4
        assert not p.maybe_show() and p.live is None
        p.on_event(node(NodePhase.RUNNING, "n0", "wf.slow"))
        clock.t += 0.2
        assert p.maybe_show() and p.live is not None
        assert "wf.slow" in text(p.state, clock.t)
    assert "run r1" in stream.getvalue()


def test_quick_run_prints_nothing() -> None:
    stream = Tty()
    with Progress("r1", stream=stream, environ={}, clock=Clock(), tick=0.001) as p:
        p.on_event(node(NodePhase.SUCCEEDED, "n0", "wf.quick"))
    assert p.live is None and stream.getvalue() == ""


def test_cli_run_and_resume_with_progress_forced(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FLYTELIKE_NO_PROGRESS", raising=False)
    monkeypatch.setenv("FLYTELIKE_PROGRESS", "always")
    args = ["run", "--run-name", "prog1", WFS, "pair", "--a", "2", "--b", "3"]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, (r.output, r.exception)
    assert json.loads(r.stdout) == {"o0": 5, "o1": 6}
    assert "run prog1: SUCCEEDED" in r.stderr
    # the display's frames (one, or more when the run outlasts a refresh on a busy machine),
    # then the final line once
    assert r.stderr.count("run prog1") >= 2 and r.stderr.count("run prog1: SUCCEEDED") == 1
    r = CliRunner().invoke(main, ["run", "--run-name", "prog2", WFS, "fail", "--x", "1"])
    assert r.exit_code == 1 and "bad input 1" in r.stderr
    r = CliRunner().invoke(main, ["resume", "prog2"])
    assert r.exit_code == 1 and "bad input 1" in r.stderr


def test_importing_the_module_does_not_import_rich() -> None:
    code = "import sys, flytelike.cli._progress; print('rich' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
