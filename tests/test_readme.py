"""The README's commands and .ci/run stay in sync."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)\n```", (ROOT / "README.md").read_text(), re.S)
    assert len(blocks) >= 2
    return [b.strip() for b in blocks[:2]]


def test_ci_runs_exactly_the_readme_test_command_in_a_new_venv() -> None:
    setup_and_test = _readme_commands()[1]
    lines = [
        line
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    # The README's test command is the last line, run once, after a new virtualenv in a
    # temporary directory was created and activated (never the machine's site-packages).
    assert lines[-1] == setup_and_test
    assert lines.count(setup_and_test) == 1
    venv = next(i for i, line in enumerate(lines) if " -m venv " in line)
    activate = next(
        i for i, line in enumerate(lines) if line.startswith("source ") and "activate" in line
    )
    assert venv < activate < len(lines) - 1
    assert "mktemp -d" in lines[venv - 2] or any("mktemp -d" in line for line in lines[:venv])


def test_the_example_command_installs_only_the_core() -> None:
    run_example = _readme_commands()[0]
    assert "[dev]" not in run_example and "flytelike-jsonl" not in run_example
    assert run_example.endswith(
        "flytelike run examples/ml_pipeline.py training_pipeline --epochs 30"
    )


def test_readme_python_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLYTELIKE_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.*?)\n```", (ROOT / "README.md").read_text(), re.S)
    assert blocks
    for code in blocks:
        namespace: dict[str, object] = {"__name__": "readme_example"}
        exec(compile(code, "README.md", "exec"), namespace)
        if "PositiveIntTransformer" in namespace:
            import typesystem as ts

            registry = ts.TypeRegistry(plugins=False)
            namespace["register"](registry)  # type: ignore[operator]
            cls = namespace["PositiveInt"]
            value = cls(3)  # type: ignore[operator]
            assert registry.to_python(registry.to_literal(value, cls), cls).value == 3
