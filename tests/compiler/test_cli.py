"""``flytelike compile`` and ``flytelike graph`` on the shipped example."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from flytelike import serialization
from flytelike.cli import main
from flytelike.ir import BranchNode

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = str(ROOT / "examples" / "ml_pipeline.py")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_compile_json_and_proto(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["compile", EXAMPLE, "training_pipeline"])
    assert result.exit_code == 0, result.output
    closure = serialization.from_json(result.stdout)
    assert closure.primary.name == "examples.ml_pipeline.training_pipeline"
    assert any(isinstance(n.target, BranchNode) for n in closure.workflows[-1].nodes)

    out = tmp_path / "wf.pb"
    result = runner.invoke(
        main, ["compile", EXAMPLE, "training_pipeline", "--format", "proto", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert serialization.from_proto_bytes(out.read_bytes()) == closure


def test_compile_a_module_and_a_launch_plan(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(main, ["compile", "examples.ml_pipeline", "nightly"])
    assert result.exit_code == 0, result.output
    closure = serialization.from_json(result.stdout)
    assert closure.launch_plans[0].schedule is not None


def test_graph_formats(runner: CliRunner) -> None:
    mermaid = runner.invoke(main, ["graph", EXAMPLE, "training_pipeline"])
    assert mermaid.exit_code == 0, mermaid.output
    assert mermaid.output.startswith("flowchart TD")
    assert 'n0["n0: load_data"]' in mermaid.output and "n0 --> n1" in mermaid.output
    assert "subgraph n5" in mermaid.output
    dot = runner.invoke(main, ["graph", EXAMPLE, "training_pipeline", "--format", "dot"])
    assert dot.exit_code == 0 and dot.output.startswith(
        'digraph "examples.ml_pipeline.training_pipeline"'
    )
    assert "n0 -> n1;" in dot.output and dot.output.rstrip().endswith("}")


def test_helpful_errors(runner: CliRunner) -> None:
    missing = runner.invoke(main, ["compile", EXAMPLE, "nope"])
    assert missing.exit_code != 0 and "training_pipeline" in missing.output
    not_wf = runner.invoke(main, ["graph", EXAMPLE, "train"])
    assert not_wf.exit_code != 0 and "not a workflow" in not_wf.output
    no_file = runner.invoke(main, ["compile", "no/such/file.py", "x"])
    assert no_file.exit_code != 0


def test_compile_with_a_version(runner: CliRunner) -> None:
    result = runner.invoke(main, ["compile", EXAMPLE, "nightly", "--version", "v1"])
    assert result.exit_code == 0, result.output
    closure = serialization.from_json(result.stdout)
    assert {w.id.version for w in closure.workflows} == {"v1"}
