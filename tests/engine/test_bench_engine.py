"""Smoke test of the ``engine`` benchmark suite (quick mode: the numbers mean nothing, the shape
does): every workload has wall and CPU per unit with the store flush included, floors, the
fan-in/fan-out sizes and ``runs list`` filters; and (valgrind being installed, as CI does)
instructions per unit from callgrind, which quick mode leaves out."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable

RunBenchmarks = Callable[..., subprocess.CompletedProcess[str]]  # (tests/conftest.py)


def test_engine_suite_reports_durable_cpu_floors_and_scaling(
    run_benchmarks: RunBenchmarks,
) -> None:
    proc = run_benchmarks("engine", "--quick", timeout=600)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["suite"] == "engine"
    for name in ("chain_100", "map_10000", "cache_hit", "cache_hit_distinct", "cache_hit_in_chain"):
        w = doc["workloads"][name]
        assert 0 < w["cpu_us_per_unit_min"] <= w["cpu_us_per_unit_median"]
        assert 0 < w["wall_us_per_unit_min"] <= w["wall_us_per_unit_median"]
        assert isinstance(w["meets_target"], bool)
    blob = doc["files"]["file_100mb"]
    assert blob["mb"] == 10 and blob["wall_ms_min"] > 0 and blob["floor_write_read_ms_min"] > 0
    assert doc["memory"]["map_1000000_peak_rss"]["items"] == 100_000
    floors = doc["floors"]
    assert floors["call_plus_row_cpu_us"] == (
        floors["python_call_cpu_us"] + floors["sqlite_row_cpu_us"]
    )
    for shape in ("fanin", "fanout"):
        assert set(doc["scale"][shape]["by_nodes"]) == {"100", "1000"}
        assert doc["scale"][shape]["scaling"]["wall_per_node_ratio"] > 0
    listing = doc["runs_list"]
    assert listing["runs"] == 5000
    assert listing["phase_failed"]["cli_ms_median"] > 0
    assert doc["instructions"] == {"skipped": "--quick"}


def test_instructions_per_unit_from_callgrind() -> None:
    from benchmarks.bench_engine import _instructions

    assert shutil.which("valgrind") is not None, "CI installs valgrind (.ci/run)"
    ins = _instructions()
    for name in (
        "chain",
        "map",
        "cache_hit",
        "cache_hit_distinct",
        "cache_hit_in_chain",
        "python_call",
        "sqlite_row",
    ):
        assert ins[name]["instructions_per_unit"] > 0
    # a recorded task costs more than calling its function and writing one row
    assert ins["chain"]["over_call_plus_row"] > 1
