"""Smoke test of the benchmark harness: `benchmarks/run.py typesystem --quick` prints valid JSON.

Quick mode measures nothing meaningful; this checks that the harness runs and that its JSON keeps
the shape that readers of the results rely on.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
RunBenchmarks = Callable[..., subprocess.CompletedProcess[str]]  # (tests/conftest.py)
WORKLOADS = ("int", "str", "list_int_10k", "dict_str_float_10k", "nested_dataclass")


@pytest.fixture(scope="module")
def quick_result(run_benchmarks: RunBenchmarks) -> dict[str, Any]:
    proc = run_benchmarks("typesystem", "--quick")
    assert proc.returncode == 0, proc.stderr
    doc: dict[str, Any] = json.loads(proc.stdout)  # fails if stdout holds anything else
    return doc


def test_top_level_keys(quick_result: dict[str, Any]) -> None:
    assert quick_result["suite"] == "typesystem"
    assert {"python", "cpu_count"} <= quick_result["machine"].keys()
    assert quick_result["settings"] == {"reps": 1, "min_time_s": 0.002, "quick": True}
    assert {"workloads", "imports", "targets_not_met", "anchors"} <= quick_result.keys()


@pytest.mark.parametrize("name", WORKLOADS)
def test_workload_keys(quick_result: dict[str, Any], name: str) -> None:
    w = quick_result["workloads"][name]
    for side in ("ours", "floor"):
        assert w[side]["s_per_op_min"] > 0
        assert w[side]["s_per_op_median"] >= w[side]["s_per_op_min"]
    assert w["ratio_ours_over_floor"] > 0
    assert {"anchor", "target", "meets_target"} <= w.keys()
    if w["anchor"] is not None:
        assert w["anchor"]["ratio_anchor_over_ours"] > 0
    # quick mode never runs flytekit: the fields are there, empty.
    assert w["flytekit_same_run"] is None
    assert w["ratio_flytekit_over_ours"] is None


def test_quick_mode_skips_flytekit(quick_result: dict[str, Any]) -> None:
    assert quick_result["flytekit_same_run"] == {"status": "skipped", "reason": "--quick"}
    assert quick_result["not_faster_than_flytekit_same_run"] is None


def test_targets_are_judged(quick_result: dict[str, Any]) -> None:
    workloads = quick_result["workloads"]
    for name in ("int", "list_int_10k", "dict_str_float_10k", "nested_dataclass"):
        assert isinstance(workloads[name]["meets_target"], bool)
    assert workloads["str"]["target"] is None


def test_nested_dataclass_extras(quick_result: dict[str, Any]) -> None:
    w = quick_result["workloads"]["nested_dataclass"]
    assert w["msgpack_bytes"] > 0
    assert w["object_count"] > w["dataclass_count"] == 412


@pytest.mark.parametrize("requested", ["flytelike", "typesystem"])
def test_import_keys(quick_result: dict[str, Any], requested: str) -> None:
    entry = quick_result["imports"][requested]
    assert entry["module"] in ("flytelike", "typesystem")
    assert entry["module"] == requested or entry["fallback_reason"]
    assert entry["wall_s"]["median"] > 0
    assert entry["modules_loaded"] > 0
    assert set(entry["heavy_modules_loaded"]) >= {"pandas", "pyarrow", "polars", "grpc", "ray"}
    assert isinstance(entry["meets_target"], bool)


def test_missing_flytekit_python_is_an_error(run_benchmarks: RunBenchmarks) -> None:
    proc = run_benchmarks("typesystem", "--flytekit", str(ROOT / "no-such-python"))
    assert proc.returncode != 0
    assert proc.stdout == ""
    assert "--flytekit" in proc.stderr


def test_unknown_suite_lists_known_ones(run_benchmarks: RunBenchmarks) -> None:
    proc = run_benchmarks("no-such-suite")
    assert proc.returncode != 0
    assert proc.stdout == ""
    assert "typesystem" in proc.stderr


def test_engine_suite_quick(run_benchmarks: RunBenchmarks) -> None:
    proc = run_benchmarks("engine", "--quick", "--no-flytekit")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    work = doc["workloads"]
    assert set(work) == {
        "chain_100",
        "map_10000",
        "cache_hit",
        "cache_hit_distinct",
        "cache_hit_in_chain",
        "sleeps_8x0.25s",
        "chain_1000_peak_rss",
    }
    for name in ("chain_100", "map_10000", "cache_hit", "cache_hit_distinct", "cache_hit_in_chain"):
        assert work[name]["per_item_us_median"] > 0 and "meets_target" in work[name]
    assert doc["floors"]["python_call_us"] > 0 and doc["floors"]["sqlite_row_us"] > 0
