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
