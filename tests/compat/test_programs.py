"""Programs written for flytekit 1.16 or flyte 2.12 (``programs/``, our own, in the shapes real
ones take) run on flytelike with only their import lines changed (``_convert.convert``). Each
program checks its own results with ``assert``s whose expected values are what the reference
SDK gives for the same program (run with flytekit 1.16 / flyte 2.12.1 when it was written);
a program's last line of output is ``OK``. Each runs in a fresh interpreter under its own
FLYTELIKE_HOME."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.compat._convert import convert

PROGRAMS = sorted((Path(__file__).parent / "programs").glob("*.py"))


def run_program(path: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    target = tmp_path / path.name
    target.write_text(convert(path.read_text()))
    env = {**os.environ, "FLYTELIKE_HOME": str(tmp_path / "home"), "PYTHONPATH": str(tmp_path)}
    return subprocess.run(
        [sys.executable, str(target)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("path", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_program_runs_with_its_imports_changed(path: Path, tmp_path: Path) -> None:
    proc = run_program(path, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "OK", proc.stdout + proc.stderr


def test_convert_changes_only_import_lines() -> None:
    src = (
        "import flyte\nimport flyte.errors\nimport flytekit as fk\nfrom flytekit import task\n"
        "from flyte.io import File\nimport flytekit.types.file as ff\nx = 'import flyte'\n"
    )
    assert convert(src) == (
        "import flytelike as flyte\nimport flytelike as flyte\nimport flytelike.errors\n"
        "import flytelike as fk\nfrom flytelike import task\nfrom flytelike.io import File\n"
        "import flytelike.types.file as ff\nx = 'import flyte'\n"
    )
