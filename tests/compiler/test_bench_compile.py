"""Smoke test of the ``compile`` benchmark suite (quick mode: the numbers mean nothing)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

RunBenchmarks = Callable[..., subprocess.CompletedProcess[str]]  # (tests/conftest.py)


def test_compile_suite_runs_and_reports_its_targets(run_benchmarks: RunBenchmarks) -> None:
    proc = run_benchmarks("compile", "--quick")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["suite"] == "compile"
    assert set(doc["judged"]) == {"chain_1000", "fanin_1000", "task_decorate"}
    for shape in ("chain", "fanin"):
        for n in (10, 100, 1000):
            phases = doc["results"][f"{shape}_{n}"]
            assert set(phases) >= {"define_s", "compile_s", "serialize_s", "total_s", "spec_bytes"}
    assert doc["targets_not_met"] == []  # quick mode judges nothing
