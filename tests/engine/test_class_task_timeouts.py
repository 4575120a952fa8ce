"""``timeout=`` holds for class-based tasks (ShellTask, sensors, SQLite3Task, PythonTask) as for
``@task`` functions: a direct call and a workflow node both end TIMED_OUT at the deadline, and
what the task started (a shell script's processes) is stopped with it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flytelike.backends import get_backend
from flytelike.engine import Engine, EngineConfig
from flytelike.errors import TaskTimeoutError
from tests.engine import class_task_wfs as wfs

ROOT = Path(__file__).resolve().parents[2]
DEADLINE = wfs.SHORT.total_seconds()


def _pid(marker: Path, within: float = 30) -> int:
    deadline = time.monotonic() + within
    while not marker.exists() or not marker.read_text().strip():
        assert time.monotonic() < deadline, "the script never started"
        time.sleep(0.01)
    return int(marker.read_text())


def _gone(pid: int, within: float = 2.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.02)
    return False


def test_a_direct_call_of_a_shell_task_stops_at_its_timeout(engine: Engine, tmp_path: Path) -> None:
    marker = tmp_path / "pid"
    started = time.monotonic()
    with pytest.raises(TaskTimeoutError, match="timed out after 1s"):
        wfs.slow_shell(marker=str(marker))
    assert time.monotonic() - started < DEADLINE + 2.0
    assert _gone(_pid(marker))  # the script's own child process is stopped too


def test_a_shell_task_node_times_out_in_a_workflow(engine: Engine, tmp_path: Path) -> None:
    marker = tmp_path / "pid"
    run = engine.run(wfs.shell_wf, marker=str(marker))
    assert run.phase.value == "TIMED_OUT"
    assert [a.phase for a in run.actions()][-1] == "TIMED_OUT"
    assert _gone(_pid(marker))


def test_a_shell_task_in_a_thread_is_stopped_too(home: Path, tmp_path: Path) -> None:
    # isolate_timeouts=False (and platforms without fork): the body runs in a thread.
    e = Engine(EngineConfig.from_env(), backend=get_backend("local", isolate_timeouts=False))
    try:
        marker = tmp_path / "pid"
        run = e.run(wfs.slow_shell, marker=str(marker))
        assert run.phase.value == "TIMED_OUT"
        assert _gone(_pid(marker))
    finally:
        e.close()


def test_a_sensor_times_out_in_a_workflow(engine: Engine) -> None:
    started = time.monotonic()
    run = engine.run(wfs.sensor_wf, topic="x")
    assert run.phase.value == "TIMED_OUT"
    assert time.monotonic() - started < DEADLINE + 2.0


def test_a_sqlite_task_with_an_endless_query_times_out(engine: Engine, tmp_path: Path) -> None:
    pytest.importorskip("pandas", reason="SQLite3Task returns a pandas DataFrame")
    endless = wfs.endless_query(wfs.endless_db(tmp_path / "t.db"))
    started = time.monotonic()
    with pytest.raises(TaskTimeoutError, match="endless_query"):
        endless(floor=0)
    assert time.monotonic() - started < DEADLINE + 2.0


def test_flytelike_run_times_out_a_shell_workflow(tmp_path: Path) -> None:
    marker = tmp_path / "pid"
    env = {**os.environ, "FLYTELIKE_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT)}
    env["FLYTELIKE_NO_PROGRESS"] = "1"
    argv = [sys.executable, "-m", "flytelike", "run", str(Path(wfs.__file__)), "shell_wf"]
    proc = subprocess.run(
        [*argv, "--marker", str(marker)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1 and "TIMED_OUT" in proc.stderr, proc.stderr
    assert _gone(_pid(marker))
