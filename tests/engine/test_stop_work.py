"""Timeouts and aborts stop the work of sync bodies that would never return on their own.

A sync body with a timeout runs in a worker process that is killed at the deadline; a sync body
without one is stopped in its thread by an asynchronous exception (``TaskBodyStopped``). In both
cases the action ends TIMED_OUT/ABORTED at once and nothing keeps running it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from flytelike.backends import get_backend
from flytelike.engine import Engine, EngineConfig
from tests.engine import stop_wfs

ROOT = Path(__file__).resolve().parents[2]
WFS = str(Path(__file__).parent / "stop_wfs.py")
CLI = [sys.executable, "-m", "flytelike"]
DEADLINE = stop_wfs.SHORT.total_seconds()


def _env(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "FLYTELIKE_HOME": str(home),
        "FLYTELIKE_NO_PROGRESS": "1",
        "PYTHONPATH": str(ROOT),
    }


def _marker(path: Path, timeout: float = 60) -> tuple[int, int, int]:
    """(pid, thread id, starts) written by the body when it started; waits for it."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} never started"
        time.sleep(0.01)
    pid, ident, starts = path.read_text().split()
    return int(pid), int(ident), int(starts)


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _cpu_while_idle(seconds: float = 0.4) -> float:
    """CPU time this process uses while the test thread sleeps: ~0 once no body spins."""
    before = time.process_time()
    time.sleep(seconds)
    return time.process_time() - before


def _thread_ends(ident: int, within: float = 1.0) -> bool:
    deadline = time.monotonic() + within
    while any(t.ident == ident for t in threading.enumerate()):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@pytest.mark.parametrize("task", [stop_wfs.spin_timed, stop_wfs.sleep_timed])
def test_timed_out_body_is_killed_in_its_worker_process(
    engine: Engine, tmp_path: Path, task: object
) -> None:
    started = time.monotonic()
    run = engine.run(task, path=str(tmp_path))
    assert time.monotonic() - started < DEADLINE + 1.0
    assert run.phase.value == "TIMED_OUT"
    assert [a.phase for a in run.actions()] == ["TIMED_OUT"]
    pid, _, _ = _marker(tmp_path / task.name.rsplit(".", 1)[-1])  # type: ignore[attr-defined]
    assert pid != os.getpid()  # it ran in a worker process ...
    assert _process_gone(pid)  # ... which is gone: nothing runs the body any more


def test_retries_after_a_timeout_each_get_a_worker(engine: Engine, tmp_path: Path) -> None:
    run = engine.run(stop_wfs.spin_timed_retried, path=str(tmp_path))
    assert run.phase.value == "TIMED_OUT"
    (action,) = run.actions()
    assert [a.phase for a in run.attempts(action.action_id)] == ["RETRYABLE_FAILED", "FAILED"]
    pid, _, starts = _marker(tmp_path / "spin_timed_retried")
    assert starts == 2 and _process_gone(pid)


def test_a_timed_body_keeps_its_exception_across_the_worker(engine: Engine) -> None:
    # A direct call re-raises the task's own exception, as when the body runs in a thread.
    with pytest.raises(ValueError, match="bad input here") as info:
        stop_wfs.fails_timed(path="here")
    assert any("flytelike run" in note for note in info.value.__notes__)


def test_timed_out_body_in_a_thread_is_stopped(home: Path, tmp_path: Path) -> None:
    # isolate_timeouts=False (and platforms without fork): the body runs in a thread.
    e = Engine(EngineConfig.from_env(), backend=get_backend("local", isolate_timeouts=False))
    try:
        run = e.run(stop_wfs.spin_timed, path=str(tmp_path))
        assert run.phase.value == "TIMED_OUT"
        pid, ident, _ = _marker(tmp_path / "spin_timed")
        assert pid == os.getpid()
        assert _thread_ends(ident)
        assert _cpu_while_idle() < 0.15
    finally:
        e.close()


def test_abort_stops_a_spinning_sync_body(engine: Engine, tmp_path: Path) -> None:
    run = engine.run(stop_wfs.spin, path=str(tmp_path), wait=False)
    _, ident, _ = _marker(tmp_path / "spin")
    asked = time.monotonic()
    run.abort(reason="enough")
    run.wait(5)
    assert time.monotonic() - asked < 1.0
    assert run.phase.value == "ABORTED"
    assert [a.phase for a in run.actions()] == ["ABORTED"]
    assert _thread_ends(ident)
    assert _cpu_while_idle() < 0.15


def test_abort_stops_a_spinning_node_of_a_workflow(engine: Engine, tmp_path: Path) -> None:
    run = engine.run(stop_wfs.spin_wf, path=str(tmp_path), wait=False)
    _marker(tmp_path / "spin")
    (node,) = [a.action_id for a in run.actions()]
    asked = time.monotonic()
    run.abort(node)
    run.wait(5)
    assert time.monotonic() - asked < 1.0
    assert run.phase.value == "ABORTED"
    assert {a.action_id: a.phase for a in run.actions()} == {node: "ABORTED"}
    assert _cpu_while_idle() < 0.15


@pytest.mark.parametrize("how", ["spin", "sleep"])  # items in place / on worker threads
def test_abort_stops_fast_path_map_items(engine: Engine, tmp_path: Path, how: str) -> None:
    started = tmp_path / "items"
    run = engine.run(stop_wfs.busy_map, path=str(tmp_path), how=how, xs=list(range(40)), wait=False)
    deadline = time.monotonic() + 30
    while not started.exists() or len(started.read_text().split()) < 4:
        assert time.monotonic() < deadline, "the items never started"
        time.sleep(0.01)
    asked = time.monotonic()
    run.abort(reason="enough")
    run.wait(5)
    assert time.monotonic() - asked < 1.0
    assert run.phase.value == "ABORTED"
    at_end = len(started.read_text().split())
    assert at_end < 12  # no item was handed out after the abort (40 would take 4 s)
    assert _cpu_while_idle() < 0.15
    assert len(started.read_text().split()) == at_end


def test_cli_run_exits_soon_after_the_deadline(tmp_path: Path) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    proc = subprocess.Popen(
        [*CLI, "run", WFS, "spin_timed", "--path", str(work), "--run-name", "t1"],
        cwd=ROOT,
        env=_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    pid, _, _ = _marker(work / "spin_timed")
    body_started = time.monotonic()
    _, err = proc.communicate(timeout=60)
    assert time.monotonic() - body_started < DEADLINE + 2.0
    assert proc.returncode == 1 and "TIMED_OUT" in err
    assert pid != proc.pid and _process_gone(pid)
    e = Engine(EngineConfig.from_env(home=home))
    try:
        assert e.get_run("t1").phase.value == "TIMED_OUT"
    finally:
        e.close()


def test_runs_abort_from_another_process_stops_a_sleeping_body(tmp_path: Path) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    # No timeout: the body sleeps in place on the main thread of `flytelike run`.
    proc = subprocess.Popen(
        [*CLI, "run", WFS, "nap", "--path", str(work), "--n", "1", "--run-name", "a1"],
        cwd=ROOT,
        env=_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _marker(work / "nap")
    abort = subprocess.run(
        [*CLI, "runs", "abort", "a1", "--reason", "from a test"],
        cwd=ROOT,
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert abort.returncode == 0, abort.stderr
    asked = time.monotonic()
    _, err = proc.communicate(timeout=60)
    assert time.monotonic() - asked < 2.0
    assert proc.returncode == 1 and "ABORTED" in err
    e = Engine(EngineConfig.from_env(home=home))
    try:
        run = e.get_run("a1")
        assert run.phase.value == "ABORTED"
        assert {a.phase for a in run.actions()} == {"ABORTED"}
    finally:
        e.close()
