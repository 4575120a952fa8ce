"""Smoke test of the grpc benchmark: `benchmarks/run.py grpc --quick` prints its JSON document."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

RunBenchmarks = Callable[..., subprocess.CompletedProcess[str]]  # (tests/conftest.py)


def test_quick_run_prints_the_comparison(run_benchmarks: RunBenchmarks) -> None:
    proc = run_benchmarks("grpc", "--quick", timeout=300)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    result = doc  # (run.py puts the suite's keys beside "suite", "machine" and "settings")
    workloads = result["workloads"]
    assert sorted(workloads) == ["action", "engine_1000", "map_10000"]
    for w in workloads.values():
        assert w["grpc_us_median"] > 0 and w["local_us_median"] > 0
        assert w["overhead_us"] == w["grpc_us_median"] - w["local_us_median"]
    floors = result["floors"]
    assert floors["grpc_unary_echo_us"] > 0 and floors["grpc_stream_echo_us"] > 0
    assert "engine_remote_us" in floors
    cpu = result["cpu"]  # (where a round trip's wall time goes: CPU, waits, switches)
    if "skipped" not in cpu:
        assert sorted(cpu) == ["action_grpc", "engine_grpc", "engine_local", "stream_echo"]
        assert cpu["engine_grpc"]["wall_us"] > 0
        assert cpu["engine_grpc"]["server_voluntary_switches"] > 0
        assert "server_cpu_us" not in cpu["engine_local"]
