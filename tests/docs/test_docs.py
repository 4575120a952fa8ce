"""The documentation site (``docs/``, ``mkdocs.yml``) builds without warnings and the reference
tables cover what the code has (``test_blocks`` checks every code block, ``test_links`` every
link)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))


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
    api = (tmp_path / "site" / "reference" / "flytelike" / "index.html").read_text()
    assert 'id="flytelike.task"' in api and 'id="flytelike.TaskEnvironment"' in api
    assert "Make a task from a function" in api  # (the docstring, not only the signature)


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
    # Not settings: the secrets variables' prefix, and the values the backend conformance suite
    # sets for its own tasks (a secret it makes, its variables).
    own = {"FLYTELIKE_SECRETS", "FLYTELIKE_SECRETS_CONF_TOKEN"}
    missing = sorted(
        v for v in used - documented - own if not v.startswith("FLYTELIKE_CONFORMANCE_")
    )
    assert not missing, f"FLYTELIKE_* variables missing from docs/configuration.md: {missing}"


def test_every_pyproject_key_is_documented() -> None:
    from flytelike.engine._pyproject import KEYS  # (the keys the loader reads)

    text = (DOCS / "configuration.md").read_text()
    table = text.split("[tool.flytelike]", 1)[1]
    missing = [k for k in KEYS if not re.search(rf"^{k} = ", table, re.M)]
    assert not missing, f"[tool.flytelike] keys missing from docs/configuration.md: {missing}"
