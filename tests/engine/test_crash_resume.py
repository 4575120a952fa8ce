"""kill -9 at several points of a 20-node workflow (a chain, a 200-item map, a cached task, a
DataFrame), then ``flytelike resume`` from another directory, in a fresh environment without
PYTHONPATH: the resumed run gives the right answer and re-runs only the work that was in flight
(finished map items are in their map's journal as they finish, see ``_journal``: a kill while
items flow re-runs at most the items whose body had returned but not yet been journaled, one
per worker).

Every task body appends ``start NAME`` and ``end NAME TIME`` lines to ``bodies.log`` next to the
workflow file, so the test counts which bodies ran twice. A body named in ``stop_at`` (first run
only) blocks until killed, which pins the kill point exactly.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks.crash_resume import EXPECTED, WF, body_log, env_for

# The map's concurrency: items whose body had returned when the kill hit, not yet journaled.
WORKERS = 2


def _wait(cond: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.005)


def _started(project: Path, name: str) -> bool:
    return any(e[:2] == ["start", name] for e in body_log(project))


def _all_items_but(project: Path, name: str) -> bool:
    ended = {e[1] for e in body_log(project) if e[0] == "end" and e[1].startswith("item")}
    return len(ended - {name}) == 199


def _ends(project: Path, k: int) -> bool:
    return sum(1 for e in body_log(project) if e[0] == "end") >= k


# (kill point, body that blocks, when to kill, seconds to wait then, finished bodies a resume
# may run again). A body that starts right after its upstream finished is killed at once: its
# upstream's completion must already be committed.
POINTS = [
    ("chain", "step4", lambda p: _started(p, "step4"), 0.0, 0),
    ("downstream", "total", lambda p: _started(p, "total"), 0.0, 0),
    # The other items finished while one blocks: their rows reach the store by time.
    ("map-blocked-item", "item120", lambda p: _all_items_but(p, "item120"), 0.5, 0),
    ("map-early", "", lambda p: _ends(p, 8 + 10), 0.0, WORKERS),
    ("map-flowing", "", lambda p: _ends(p, 8 + 120), 0.0, WORKERS),
]


@pytest.mark.parametrize(
    ("point", "stop", "ready", "settle", "allowed"), POINTS, ids=[p[0] for p in POINTS]
)
def test_kill_9_then_resume_from_elsewhere(
    tmp_path: Path,
    point: str,
    stop: str,
    ready: Callable[[Path], bool],
    settle: float,
    allowed: int,
) -> None:
    project = tmp_path / "project"
    elsewhere = tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    (project / "crashwf.py").write_text(WF)
    if stop:
        (project / "stop_at").write_text(stop)
    home = tmp_path / "home"
    run_name = f"crash-{point}"
    first = subprocess.Popen(
        [sys.executable, "-m", "flytelike", "run", "--run-name", run_name, "crashwf.py", "wf"],
        cwd=project,
        env=env_for(home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait(lambda: ready(project) or first.poll() is not None, f"kill point {point}")
        time.sleep(settle)
        assert first.poll() is None, f"the run ended before the kill: {first.stderr.read()}"  # type: ignore[union-attr]
        os.kill(first.pid, signal.SIGKILL)
    finally:
        first.wait()
        assert first.stderr is not None
        first.stderr.close()
    before = body_log(project)
    (project / "stop_at").unlink(missing_ok=True)
    resumed = subprocess.run(
        [sys.executable, "-m", "flytelike", "resume", run_name],
        cwd=elsewhere,
        env=env_for(home),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.split() == ["{", '"o0":', f"{EXPECTED}", "}"]
    assert f"run {run_name}: SUCCEEDED" in resumed.stderr

    ended = {e[1]: float(e[2]) for e in before if e[0] == "end"}
    in_flight = {e[1] for e in before if e[0] == "start"} - ended.keys()
    again = [e[1] for e in body_log(project)[len(before) :] if e[0] == "start"]
    rerun = [name for name in again if name in ended]
    # Every body runs once, except the ones re-run now.
    assert sorted(set(again) | ended.keys()) == sorted(
        {f"step{i}" for i in range(14)}
        | {f"item{x}" for x in range(21, 221)}
        | {"spread", "cached", "frame", "total"}
    )
    assert in_flight <= set(again)
    assert len(rerun) <= allowed, f"finished bodies ran again: {rerun}"
    assert all(n.startswith("item") for n in rerun), rerun
