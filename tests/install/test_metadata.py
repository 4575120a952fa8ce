"""Package metadata a user expects: one version everywhere, a licence, classifiers."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from click.testing import CliRunner

import flytelike
from flytelike.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_one_version_in_the_package_the_metadata_and_the_cli() -> None:
    assert flytelike.__version__ == metadata.version("flytelike")
    for flag in ("--version", "-V"):
        out = CliRunner().invoke(main, [flag])
        assert out.exit_code == 0
        assert out.output.strip() == f"flytelike, version {flytelike.__version__}"


def test_licence_classifiers_and_changelog() -> None:
    meta = metadata.metadata("flytelike")
    classifiers = meta.get_all("Classifier") or []
    assert meta["License-Expression"] == "Apache-2.0"
    assert "Typing :: Typed" in classifiers
    assert "Programming Language :: Python :: 3.11" in classifiers
    assert meta["Requires-Python"] == ">=3.11"
    assert "Apache License" in (ROOT / "LICENSE").read_text()
    assert f"## {flytelike.__version__}" in (ROOT / "CHANGELOG.md").read_text()


def test_the_core_requires_no_optional_stack() -> None:
    core = [r for r in metadata.requires("flytelike") or [] if "extra ==" not in r]
    names = {r.split(">")[0].split("=")[0].split("<")[0].strip().lower() for r in core}
    assert not names & {"pandas", "pyarrow", "polars", "s3fs", "grpcio", "ray", "pydantic"}
    assert "pyyaml" in names  # `--inputs-file x.yaml` works on the core install
