"""Suite ``engine``: local execution overhead with the run store on (on disk, default settings).

Shapes follow ``shared/anchors/bench/bench_local_exec.py``, ``bench_cache.py`` and
``bench_memory.py``: a chain of 100 trivial ``int -> int`` tasks (per task), a map over 10,000
items (per item), a cache hit of a direct task run (per call), eight independent tasks sleeping
0.25 s (wall time), and the peak RSS of a fresh process running a chain of 1,000 tasks. Every run
goes through ``flytelike.engine`` with a fresh ``FLYTELIKE_HOME`` in a temporary directory.
``floors`` gives, from the same run, what calling the plain function, writing one row to SQLite
(the engine records at least one row per action) and committing one small transaction (a chained
task's completion is committed before its dependent starts) cost per item. A chain run takes a
few milliseconds, so it is repeated ``3 * reps`` times for a stable median.
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import flytelike as fl

TARGETS_US = {"chain_100": 100.0, "map_10000": 15.0, "cache_hit": 40.0}
TARGET_SLEEPS_S = 0.4
TARGET_RSS_MB = 60.0
ANCHORS = {
    "chain_100": {"flytekit": 1061.4, "flyte2": 1008.3},
    "map_10000": {"flytekit": 60.1, "flyte2": 1321.0},
    "cache_hit": {"flytekit": 327.7, "flyte2": 1439.3},
    "chain_1000_peak_rss_mb": {"flytekit": 81.0, "flyte2": 61.8},
}


@fl.task
def inc(x: int) -> int:
    return x + 1


@fl.task(cache=True, cache_version="1")
def cached_inc(x: int) -> int:
    return x + 1


@fl.task
def nap(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def _chain(n: int) -> Any:
    def chain(x: int) -> int:
        for _ in range(n):
            x = inc(x=x)
        return x

    chain.__qualname__ = chain.__name__ = f"chain_{n}"
    return fl.workflow(chain)


chain_100 = _chain(100)
chain_1000 = _chain(1000)


@fl.workflow
def mapped(xs: list[int]) -> list[int]:
    return fl.map_task(inc)(x=xs)  # type: ignore[no-any-return]


@fl.workflow
def sleeps(seconds: float) -> list[float]:
    return [nap(seconds=seconds) for _ in range(8)]  # type: ignore[return-value]


def _timed(fn: Any, reps: int) -> list[float]:
    out = []
    for _ in range(reps):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def _stats(xs: list[float], per: int, target: float | None = None) -> dict[str, Any]:
    med = statistics.median(xs) / per * 1e6
    out: dict[str, Any] = {
        "per_item_us_min": min(xs) / per * 1e6,
        "per_item_us_median": med,
        "n": len(xs),
    }
    if target is not None:
        out["target_us"] = target
        out["meets_target"] = med <= target
    return out


def _vm_hwm_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _memory(scenario: str, reps: int) -> dict[str, Any]:
    root = Path(__file__).resolve().parent.parent
    values = []
    for _ in range(reps):
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "FLYTELIKE_HOME": home, "PYTHONPATH": str(root)}
            out = subprocess.run(
                [sys.executable, "-m", "benchmarks.bench_engine", scenario],
                cwd=root,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            values.append(json.loads(out.stdout.strip().splitlines()[-1])["peak_rss_mb"])
    return {
        "peak_rss_mb_min": min(values),
        "peak_rss_mb_median": statistics.median(values),
        "n": len(values),
    }


def _floors(reps: int) -> dict[str, float]:
    """What the same work costs without the engine, on this machine, in this run: calling the
    task's plain function, inserting one action-like row into SQLite (WAL, on disk,
    ``executemany`` in one transaction), and one row per transaction, per item, minimum over
    ``reps``."""
    import sqlite3

    fn = inc.task_function
    n = 10_000
    call = min(_timed(lambda: [fn(x=i) for i in range(n)], reps)) / n * 1e6
    with tempfile.TemporaryDirectory() as d:
        conn = sqlite3.connect(os.path.join(d, "floor.db"), isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(
            "CREATE TABLE a (run TEXT, id TEXT, parent TEXT, phase TEXT, t0 REAL, t1 REAL, "
            "inputs BLOB, outputs BLOB, attempts INTEGER, PRIMARY KEY (run, id)) WITHOUT ROWID"
        )
        batch = [0]

        def insert() -> None:
            batch[0] += 1
            rows = [
                (
                    f"r-{batch[0]}",
                    f"n{i}",
                    "",
                    "SUCCEEDED",
                    1.0,
                    2.0,
                    b"\x81\xa1x\x01",
                    b"\x81\xa2o0\x02",
                    1,
                )
                for i in range(n)
            ]
            conn.execute("BEGIN")
            conn.executemany("INSERT INTO a VALUES (?,?,?,?,?,?,?,?,?)", rows)
            conn.execute("COMMIT")

        row = min(_timed(insert, reps)) / n * 1e6
        commits = 2000

        def commit_each() -> None:
            # One transaction per row: what a chained task's durability costs at least (its
            # completion is committed before its dependent starts).
            batch[0] += 1
            for i in range(commits):
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(
                    "INSERT INTO a VALUES (?,?,?,?,?,?,?,?,?)",
                    (f"c-{batch[0]}", f"n{i}", "", "SUCCEEDED", 1.0, 2.0, b"\x81", b"\x82", 1),
                )
                conn.execute("COMMIT")

        commit = min(_timed(commit_each, reps)) / commits * 1e6
        conn.close()
    return {"python_call_us": call, "sqlite_row_us": row, "sqlite_commit_us": commit}


def run(options: Any) -> dict[str, Any]:
    from flytelike import engine as eng

    reps = max(1, options.reps)
    quick = options.quick
    with tempfile.TemporaryDirectory() as home:
        os.environ["FLYTELIKE_HOME"] = home
        engine = eng.Engine(eng.EngineConfig.from_env())
        old = eng.set_default_engine(engine)
        try:
            res: dict[str, Any] = {}
            assert engine.run(chain_100, x=0).outputs() == 100
            res["chain_100"] = _stats(
                _timed(lambda: engine.run(chain_100, x=0), 3 * reps), 100, TARGETS_US["chain_100"]
            )
            n = 1000 if quick else 10_000
            xs = list(range(n))
            assert engine.run(mapped, xs=xs).outputs()[-1] == n
            res["map_10000"] = _stats(
                _timed(lambda: engine.run(mapped, xs=xs), max(1, reps - 2)),
                n,
                TARGETS_US["map_10000"],
            )
            engine.run(cached_inc, x=1)
            calls = 100 if quick else 1000
            res["cache_hit"] = _stats(
                _timed(lambda: [engine.run(cached_inc, x=1) for _ in range(calls)], reps),
                calls,
                TARGETS_US["cache_hit"],
            )
            t = _timed(lambda: engine.run(sleeps, seconds=0.25).outputs(), max(1, reps // 2))
            res["sleeps_8x0.25s"] = {
                "wall_s_median": statistics.median(t),
                "wall_s_min": min(t),
                "target_s": TARGET_SLEEPS_S,
                "meets_target": statistics.median(t) <= TARGET_SLEEPS_S,
            }
        finally:
            eng.set_default_engine(old)
            engine.close()
            os.environ.pop("FLYTELIKE_HOME", None)
    mem = _memory("chain_1000", 1 if quick else 3)
    mem["target_mb"] = TARGET_RSS_MB
    mem["meets_target"] = mem["peak_rss_mb_median"] <= TARGET_RSS_MB
    res["chain_1000_peak_rss"] = mem
    not_met = [k for k, v in res.items() if v.get("meets_target") is False]
    floors = _floors(max(1, reps // 2))
    return {"workloads": res, "floors": floors, "anchors": ANCHORS, "targets_not_met": not_met}


if __name__ == "__main__":
    from flytelike import engine as _eng

    if sys.argv[1:] == ["chain_1000"]:
        assert _eng.run(chain_1000, x=0).outputs() == 1000
    elif sys.argv[1:] != ["baseline"]:
        raise SystemExit(f"unknown scenario {sys.argv[1:]}")
    print(json.dumps({"peak_rss_mb": _vm_hwm_mb()}))
