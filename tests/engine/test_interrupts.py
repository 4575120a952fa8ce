"""Ctrl-C and SIGTERM: ``flytelike run``/``resume`` in a real subprocess, and a direct call.

The run is recorded ABORTED (with its running action), one line says how to resume it, the
command exits 130 (SIGINT) or 143 (SIGTERM), and a second Ctrl-C leaves at once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from flytelike.engine import Engine, EngineConfig

ROOT = Path(__file__).resolve().parents[2]
WFS = str(Path(__file__).parent / "stop_wfs.py")
CLI = [sys.executable, "-m", "flytelike"]


def _env(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "FLYTELIKE_HOME": str(home),
        "FLYTELIKE_NO_PROGRESS": "1",
        "PYTHONPATH": str(ROOT),
    }


def _start(home: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*CLI, *args],
        cwd=ROOT,
        env=_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(marker: Path, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"{marker.name} never started"
        time.sleep(0.02)


def _starts(marker: Path) -> int:
    return int(marker.read_text().split()[2])


def _phases(home: Path, run_name: str) -> tuple[str, dict[str, str]]:
    eng = Engine(EngineConfig.from_env(home=home))
    try:
        run = eng.get_run(run_name)
        return run.phase.value, {a.action_id: a.phase for a in run.actions()}
    finally:
        eng.close()


def test_ctrl_c_aborts_the_run_and_resume_finishes_it(tmp_path: Path) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    proc = _start(home, "run", WFS, "long_wf", "--path", str(work), "--run-name", "intr1")
    _wait_for(work / "nap", proc)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert time.monotonic() - sent < 2.0
    assert proc.returncode == 130, err
    lines = [line for line in (out + err).splitlines() if line.strip()]
    assert lines == ["Run intr1 aborted (SIGINT); resume with: flytelike resume intr1"]
    assert _phases(home, "intr1") == ("ABORTED", {"n0": "SUCCEEDED", "n1": "ABORTED"})

    (work / "go").write_text("")
    done = subprocess.run(
        [*CLI, "resume", "intr1"],
        cwd=ROOT,
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"o0": 2}
    assert _phases(home, "intr1") == ("SUCCEEDED", {"n0": "SUCCEEDED", "n1": "SUCCEEDED"})
    assert _starts(work / "prepare") == 1  # reused, not run again
    assert _starts(work / "nap") == 2


def test_sigterm_exits_143_and_records_aborted(tmp_path: Path) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    # A single task runs in place on the main thread, without an event loop.
    proc = _start(home, "run", WFS, "nap", "--path", str(work), "--n", "1", "--run-name", "term1")
    _wait_for(work / "nap", proc)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 143, err
    assert out == ""
    assert err.strip() == "Run term1 aborted (SIGTERM); resume with: flytelike resume term1"
    phase, actions = _phases(home, "term1")
    assert phase == "ABORTED" and set(actions.values()) == {"ABORTED"}


def test_a_second_ctrl_c_exits_at_once(tmp_path: Path) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    proc = _start(home, "run", WFS, "stubborn", "--path", str(work), "--run-name", "twice")
    _wait_for(work / "stubborn", proc)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.5)
    assert proc.poll() is None  # the body swallowed its stop: the run cannot end
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert time.monotonic() - sent < 1.0
    assert proc.returncode == 130
    assert err.strip() == (
        "Run twice interrupted again; exiting now. Resume with: flytelike resume twice"
    )


def test_ctrl_c_in_a_direct_call_records_aborted_and_raises_keyboard_interrupt(
    tmp_path: Path,
) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    code = (
        "from flytelike import engine\n"
        "from tests.engine import stop_wfs\n"
        "try:\n"
        f"    stop_wfs.long_wf(path={str(work)!r})\n"
        "except KeyboardInterrupt:\n"
        "    rec = engine.list_runs(limit=1)[0]\n"
        "    acts = engine.get_run(rec.name).actions()\n"
        "    print(rec.phase, sorted((a.action_id, a.phase) for a in acts))\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_for(work / "nap", proc)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert out.strip() == "ABORTED [('n0', 'SUCCEEDED'), ('n1', 'ABORTED')]"
    assert err == ""  # no "Task was destroyed but it is pending!", no "Exception ignored"
