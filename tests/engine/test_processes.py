"""Crash and concurrency safety of the run store, with real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from flytelike.engine import Engine, EngineConfig

ROOT = Path(__file__).resolve().parents[2]


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "FLYTELIKE_HOME": str(home), "PYTHONPATH": str(ROOT)}


def test_kill_9_then_resume_reuses_finished_nodes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    work = tmp_path / "work"
    work.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.engine.procs", "steps", str(work)],
        cwd=ROOT,
        env=_env(home),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    run_name = proc.stdout.readline().strip()
    deadline = time.monotonic() + 30
    while not (work / "step2").exists():
        assert time.monotonic() < deadline, "the run never reached step 2"
        time.sleep(0.02)
    time.sleep(0.3)  # let the store writer commit steps 0 and 1
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    (work / "go").write_text("")
    out = subprocess.run(
        [sys.executable, "-m", "tests.engine.procs", "resume", run_name],
        cwd=ROOT,
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "3"
    assert (work / "step0").read_text() == "x"  # not recomputed
    assert (work / "step1").read_text() == "x"
    assert (work / "step2").read_text() == "xx"  # interrupted: ran again
    eng = Engine(EngineConfig.from_env(home=home))
    try:
        assert eng.get_run(run_name).phase.value == "SUCCEEDED"
        assert eng.store.get_run(run_name).attempts == 2  # type: ignore[union-attr]
    finally:
        eng.close()


def test_four_processes_lose_no_records(tmp_path: Path) -> None:
    home = tmp_path / "home"
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.engine.procs", "many", "15"],
            cwd=ROOT,
            env=_env(home),
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    eng = Engine(EngineConfig.from_env(home=home))
    try:
        runs = eng.list_runs(limit=1000)
        assert len(runs) == 60
        assert all(r.phase == "SUCCEEDED" for r in runs)
        n = eng.store.db.query("SELECT count(*) FROM actions WHERE phase='SUCCEEDED'")[0][0]
        assert n == 60 * 5
    finally:
        eng.close()
