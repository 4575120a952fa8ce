"""Runs mypy on ``typed_usage.py`` (clean) and on a wrongly typed workflow (an error)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def _mypy(*paths: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--follow-imports=silent",
            *paths,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_typed_usage_passes_strict_mypy() -> None:
    out = _mypy(str(HERE / "typed_usage.py"))
    assert out.returncode == 0, out.stdout + out.stderr


def test_wrongly_typed_call_in_a_workflow_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad_usage.py"
    bad.write_text(
        "from flytelike import task, workflow\n"
        "\n"
        "@task\n"
        "def add(a: int, b: int) -> int:\n"
        "    return a + b\n"
        "\n"
        "@workflow\n"
        "def wf(x: str) -> int:\n"
        "    return add(a=x, b=1)\n"
        "\n"
        "@workflow\n"
        "def wf2(x: int) -> int:\n"
        "    return add(x, c=2)\n"
    )
    out = _mypy(str(bad))
    assert out.returncode == 1
    assert (
        'Argument "a" to "__call__" of "PythonFunctionTask" has incompatible type "str"'
        in out.stdout
    )
    assert 'Unexpected keyword argument "c"' in out.stdout
