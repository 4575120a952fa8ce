"""Smoke test of the ``compile`` benchmark suite (quick mode: the numbers mean nothing)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_compile_suite_runs_and_reports_its_targets() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "compile", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["suite"] == "compile"
    assert set(doc["judged"]) == {"chain_1000", "fanin_1000", "task_decorate"}
    for shape in ("chain", "fanin"):
        for n in (10, 100, 1000):
            phases = doc["results"][f"{shape}_{n}"]
            assert set(phases) >= {"define_s", "compile_s", "serialize_s", "total_s", "spec_bytes"}
    assert doc["targets_not_met"] == []  # quick mode judges nothing
