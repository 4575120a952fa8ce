"""Crash and resume: kill -9 a run at random moments, resume it, count the bodies that ran twice.

The workflow has 20 nodes: a chain of 7 steps, a task making a 200-item list, a map over it
(``concurrency=2``, 10 ms per item), a cached task, a DataFrame, a total and 7 more steps. Each
kill starts ``flytelike run`` on a fresh home, kills it with SIGKILL after a random delay (uniform
over the run's length, measured first by one run to its end), then runs ``flytelike resume``
from another directory without ``PYTHONPATH`` and checks its answer. Every body appends ``start``
and ``end`` lines to a log, so a body that had ended before the kill and starts again after it is
a re-run.

Usage: ``python benchmarks/crash_resume.py [--kills 30] [--seed 1]``; prints one JSON document:
``kills`` (runs killed while running), ``resumed_right`` (resumed to the right answer),
``corrupt`` (resumes that failed), ``rerun_bodies`` (total, mean and max per resume, and how
many were map items) and ``per_kill`` (delay, bodies ended before the kill, re-runs).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# The workflow of the benchmark and of tests/engine/test_crash_resume.py: every body logs
# `start NAME` and `end NAME TIME` to bodies.log; a body named in `stop_at` (the test's
# fixed kill points; the benchmark writes none) blocks until the run is killed.
WF = """
import os
import time

import pandas as pd

import flytelike as fl

HERE = os.path.dirname(os.path.abspath(__file__))
LOG = os.path.join(HERE, "bodies.log")
STOP = os.path.join(HERE, "stop_at")


def _body(name: str, seconds: float) -> None:
    with open(LOG, "a") as f:
        f.write(f"start {name}\\n")
    try:
        with open(STOP) as f:
            stop = f.read().strip()
    except FileNotFoundError:
        stop = ""
    if stop == name:
        time.sleep(600)  # killed here
    time.sleep(seconds)
    with open(LOG, "a") as f:
        f.write(f"end {name} {time.time():.6f}\\n")


@fl.task
def step(i: int, x: int) -> int:
    _body(f"step{i}", 0.005)
    return x + i


@fl.task
def spread(n: int, x: int) -> list[int]:
    _body("spread", 0.0)
    return [x + k for k in range(n)]


@fl.task
def item(x: int) -> int:
    _body(f"item{x}", 0.01)
    return 2 * x


@fl.task(cache=True, cache_version="1")
def cached(x: int) -> int:
    _body("cached", 0.005)
    return x * 1000


@fl.task
def frame(ys: list[int]) -> pd.DataFrame:
    _body("frame", 0.0)
    return pd.DataFrame({"y": ys})


@fl.task
def total(df: pd.DataFrame, c: int, x: int) -> int:
    _body("total", 0.0)
    return int(df["y"].sum()) + c + x


@fl.workflow
def wf(n: int = 200) -> int:
    x = 0
    for i in range(7):
        x = step(i=i, x=x)
    xs = spread(n=n, x=x)
    ys = fl.map_task(item, concurrency=2)(x=xs)
    c = cached(x=x)
    df = frame(ys=ys)
    y = total(df=df, c=c, x=x)
    for i in range(7, 14):
        y = step(i=i, x=y)
    return y
"""

# 7 steps (x = 21), items 21..220 doubled (sum 48200), cached 21000, 21, then + 7..13 (70)
EXPECTED = 48200 + 21000 + 21 + 70


def env_for(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["FLYTELIKE_HOME"] = str(home)
    env["FLYTELIKE_NO_PROGRESS"] = "1"
    return env


def body_log(project: Path) -> list[list[str]]:
    path = project / "bodies.log"
    return [line.split() for line in path.read_text().splitlines()] if path.exists() else []


def _setup(root: Path) -> tuple[Path, Path, Path]:
    project, elsewhere, home = root / "project", root / "elsewhere", root / "home"
    project.mkdir(parents=True)
    elsewhere.mkdir()
    (project / "crashwf.py").write_text(WF)
    return project, elsewhere, home


def _start(project: Path, home: Path, run: str) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "flytelike", "run", "--run-name", run, "crashwf.py", "wf"]
    return subprocess.Popen(
        cmd, cwd=project, env=env_for(home), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _first_body(project: Path, proc: subprocess.Popen[bytes]) -> float:
    """Wait for the first body to start (the interpreter and imports are not what a kill
    point should sample); returns when."""
    while not body_log(project) and proc.poll() is None:
        time.sleep(0.002)
    return time.monotonic()


def measure_length(root: Path) -> float:
    """Seconds from the first body's start to the run's end, on this machine now."""
    project, _, home = _setup(root)
    proc = _start(project, home, "length")
    t0 = _first_body(project, proc)
    proc.wait()
    return time.monotonic() - t0


def one_kill(root: Path, delay: float, k: int) -> dict[str, Any]:
    project, elsewhere, home = _setup(root)
    run = f"crash-{k}"
    proc = _start(project, home, run)
    _first_body(project, proc)
    time.sleep(delay)
    if proc.poll() is not None:
        return {"delay": round(delay, 3), "killed": False}
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    before = body_log(project)
    ended = {e[1] for e in before if e[0] == "end"}
    resumed = subprocess.run(
        [sys.executable, "-m", "flytelike", "resume", run],
        cwd=elsewhere,
        env=env_for(home),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if "nothing to resume" in resumed.stderr and "succeeded" in resumed.stderr:
        # Killed while exiting: the run had already ended (recorded SUCCEEDED).
        return {"delay": round(delay, 3), "killed": False}
    right = resumed.returncode == 0 and resumed.stdout.split() == ["{", '"o0":', f"{EXPECTED}", "}"]
    again = [e[1] for e in body_log(project)[len(before) :] if e[0] == "start"]
    rerun = sorted(n for n in again if n in ended)
    out: dict[str, Any] = {
        "delay": round(delay, 3),
        "killed": True,
        "ended_before": len(ended),
        "resumed_right": right,
        "rerun": rerun,
    }
    if not right:
        out["resume_stderr"] = resumed.stderr[-2000:]
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--kills", type=int, default=30)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="flytelike-crash-") as tmp:
        length = measure_length(Path(tmp) / "length")
        per_kill: list[dict[str, Any]] = []
        k = 0
        while sum(1 for r in per_kill if r["killed"]) < args.kills and k < 3 * args.kills:
            per_kill.append(one_kill(Path(tmp) / f"k{k}", rng.uniform(0.0, length), k))
            k += 1
    killed = [r for r in per_kill if r["killed"]]
    counts = [len(r["rerun"]) for r in killed]
    return {
        "run_seconds": round(length, 3),
        "kills": len(killed),
        "finished_before_kill": len(per_kill) - len(killed),  # (not counted as kills)
        "resumed_right": sum(1 for r in killed if r["resumed_right"]),
        "corrupt": sum(1 for r in killed if not r["resumed_right"]),
        "rerun_bodies": {
            "total": sum(counts),
            "mean_per_resume": round(statistics.fmean(counts), 3) if counts else None,
            "max_per_resume": max(counts, default=0),
            "map_items": sum(1 for r in killed for n in r["rerun"] if n.startswith("item")),
        },
        "per_kill": per_kill,
    }


if __name__ == "__main__":
    print(json.dumps(main(), indent=1))
