"""The documentation site (``docs/``, ``mkdocs.yml``) builds without warnings, every Python
example in it runs, and the reference tables cover what the code has."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

from flytelike import engine

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))


def _python_blocks(page: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)\n```", page.read_text(), re.S)


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    # strict: a broken link, a missing anchor, a page outside the nav or a reference that does
    # not resolve fails the build.
    out = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert (tmp_path / "site" / "index.html").exists()
    assert (tmp_path / "site" / "reference" / "engine" / "index.html").stat().st_size > 10_000


@pytest.mark.parametrize(
    "page", [p for p in PAGES if _python_blocks(p)], ids=lambda p: str(p.relative_to(DOCS))
)
def test_every_example_runs(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A page's examples run in order in one namespace, as a reader would paste them, with their
    # own FLYTELIKE_HOME and working directory.
    monkeypatch.setenv("FLYTELIKE_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    module = types.ModuleType(f"docs_{page.stem.replace('-', '_')}")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    previous = engine.set_default_engine(None)
    try:
        for i, code in enumerate(_python_blocks(page)):
            where = f"{page.relative_to(ROOT)} (example {i + 1})"
            exec(compile(code, where, "exec", dont_inherit=True), module.__dict__)
    finally:
        built = engine.set_default_engine(previous)
        if built is not None:
            built.close()


def test_every_command_is_documented() -> None:
    import click

    from flytelike.cli import main

    text = (DOCS / "cli.md").read_text()
    missing = []
    for name, cmd in main.commands.items():
        subs = cmd.commands if isinstance(cmd, click.Group) else {}
        for path in [f"flytelike {name} {s}" for s in subs] or [f"flytelike {name}"]:
            if path not in text:
                missing.append(path)
    assert not missing, f"commands missing from docs/cli.md: {missing}"


def test_every_environment_variable_is_documented() -> None:
    used = set()
    for base in ("flytelike", "typesystem"):
        for f in (ROOT / base).rglob("*.py"):
            used |= set(re.findall(r"FLYTELIKE_[A-Z][A-Z_]*[A-Z]", f.read_text()))
    documented = set(re.findall(r"`(FLYTELIKE_[A-Z_]+)`", (DOCS / "configuration.md").read_text()))
    # Not variables: the secrets variables' prefix, and a value the conformance tasks set.
    missing = sorted(used - documented - {"FLYTELIKE_SECRETS", "FLYTELIKE_CONFORMANCE_VAR"})
    assert not missing, f"FLYTELIKE_* variables missing from docs/configuration.md: {missing}"
