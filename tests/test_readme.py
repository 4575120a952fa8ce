"""The README's commands and .ci/run stay in sync."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    blocks = re.findall(r"```bash\n(.*?)\n```", (ROOT / "README.md").read_text(), re.S)
    assert len(blocks) >= 2
    setup_and_test = blocks[1].strip()
    ci_lines = [
        line
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line and not line.startswith(("#", "set ", "cd "))
    ]
    assert ci_lines == [setup_and_test]


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
