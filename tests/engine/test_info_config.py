"""``flytelike info`` and invalid ``FLYTELIKE_*`` values (named, with the expected form)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import flytelike
from flytelike.cli import main
from flytelike.engine import EngineConfig
from flytelike.errors import ConfigurationError


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("FLYTELIKE_MAX_PARALLELISM", "four", "a whole number >= 1"),
        ("FLYTELIKE_MAX_PARALLELISM", "0", "a whole number >= 1"),
        ("FLYTELIKE_SYSTEM_RETRIES", "-1", "a whole number >= 0"),
        ("FLYTELIKE_INLINE_LIMIT", "64k", "a whole number >= 0"),
        ("FLYTELIKE_LOCAL_CACHE_ENABLED", "maybe", "a boolean"),
        ("FLYTELIKE_LOCAL_CACHE_OVERWRITE", "2", "a boolean"),
    ],
)
def test_a_bad_value_names_the_variable_and_the_expected_form(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError) as info:
        EngineConfig.from_env()
    message = str(info.value)
    assert f"{name}={value!r}" in message
    assert expected in message
    assert f"unset {name}" in message


def test_good_values_and_spellings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLYTELIKE_MAX_PARALLELISM", " 4 ")
    monkeypatch.setenv("FLYTELIKE_LOCAL_CACHE_ENABLED", "Off")
    monkeypatch.setenv("FLYTELIKE_LOCAL_CACHE_OVERWRITE", "yes")
    monkeypatch.setenv("FLYTELIKE_SYSTEM_RETRIES", "")
    config = EngineConfig.from_env()
    assert config.max_parallelism == 4
    assert config.cache_enabled is False
    assert config.overwrite_cache is True
    assert config.system_retries == 3


def test_info_shows_version_home_backends_plugins_and_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLYTELIKE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FLYTELIKE_MAX_PARALLELISM", "7")
    out = CliRunner().invoke(main, ["info"])
    assert out.exit_code == 0, out.output
    assert out.output.startswith(f"flytelike {flytelike.__version__}\n")
    assert f"home       {tmp_path / 'home'} (not created yet)" in out.output
    assert re.search(r"^backends   (.+, )?local(, .+)?$", out.output, re.M)
    assert "plugin     positive_int (flytelike-testplugin): loaded" in out.output
    assert "  max_parallelism = 7" in out.output
    assert "  FLYTELIKE_MAX_PARALLELISM=7" in out.output

    facts = json.loads(CliRunner().invoke(main, ["info", "--json"]).output)
    assert facts["version"] == flytelike.__version__
    assert facts["config"]["raw_data_prefix"] == f"file://{tmp_path / 'home' / 'data'}"
    assert "local" in facts["backends"]


def test_info_with_a_bad_value_fails_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLYTELIKE_MAX_PARALLELISM", "four")
    out = CliRunner().invoke(main, ["info"])
    assert out.exit_code == 1
    assert out.output.strip().splitlines() == [
        "Error: environment variable FLYTELIKE_MAX_PARALLELISM='four' is not valid: expected a "
        "whole number >= 1 (default 32); fix or unset it (`unset FLYTELIKE_MAX_PARALLELISM`)"
    ]


def _project(tmp_path: Path, table: str) -> Path:
    root = tmp_path / "proj"
    (root / "src").mkdir(parents=True)
    (root / "pyproject.toml").write_text(f"[project]\nname = 'x'\n\n[tool.flytelike]\n{table}\n")
    return root


def test_pyproject_settings_apply_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("FLYTELIKE_HOME", "FLYTELIKE_MAX_PARALLELISM", "FLYTELIKE_BACKEND"):
        monkeypatch.delenv(var, raising=False)
    root = _project(
        tmp_path,
        'home = ".state"\nmax_parallelism = 5\nlocal_cache_enabled = false\nbackend = "local"',
    )
    monkeypatch.chdir(root / "src")  # found from a subdirectory
    config = EngineConfig.from_env()
    assert config.home == root / ".state"
    assert config.max_parallelism == 5
    assert config.cache_enabled is False
    monkeypatch.setenv("FLYTELIKE_MAX_PARALLELISM", "7")
    assert EngineConfig.from_env().max_parallelism == 7


def test_pyproject_mistakes_name_the_file_and_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FLYTELIKE_MAX_PARALLELISM", raising=False)
    root = _project(tmp_path, "max_paralelism = 5")
    monkeypatch.chdir(root)
    with pytest.raises(ConfigurationError, match=r"unknown key 'max_paralelism'; the keys are"):
        EngineConfig.from_env()
    (root / "pyproject.toml").write_text("[tool.flytelike]\nmax_parallelism = 'four'\n")
    with pytest.raises(ConfigurationError) as info:
        EngineConfig.from_env()
    assert str(info.value) == (
        f"{root / 'pyproject.toml'}: [tool.flytelike] max_parallelism = 'four' is not valid: "
        "expected a whole number >= 1 (default 32)"
    )
    (root / "pyproject.toml").write_text("[tool.flytelike]\nbackend = ['a']\n")
    with pytest.raises(ConfigurationError, match="expected a string, a whole number or a boolean"):
        EngineConfig.from_env()
