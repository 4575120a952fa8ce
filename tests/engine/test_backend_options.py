"""Backend options (``--backend-option``, ``FLYTELIKE_BACKEND_OPTIONS``, ``backend_options=``)
reach the backend's factory, converted against its parameters; unknown ones are refused."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import flytelike as fl
from flytelike.backends import ActionOutcome, ActionRequest, _discovery, get_backend
from flytelike.backends._options import OptionText, options_from_env, parse_options
from flytelike.cli import main
from flytelike.engine import Engine, EngineConfig
from flytelike.errors import ConfigurationError

WFS = str(Path(__file__).parent / "cli_wfs.py")
BUILT: list[dict[str, Any]] = []


class ProbeBackend:
    """Runs actions on the local backend and records the options it was built with."""

    name = "probe"

    def __init__(
        self,
        *,
        address: str | None = None,
        num_cpus: float | None = None,
        quiet: bool = False,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        BUILT.append({"address": address, "num_cpus": num_cpus, "quiet": quiet, "extra": extra})
        self.inner = get_backend("local")

    async def run_action(self, request: ActionRequest) -> ActionOutcome:
        return await self.inner.run_action(request)

    def close(self) -> None:
        self.inner.close()


@pytest.fixture
def probe(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    monkeypatch.setitem(_discovery._FACTORIES, "probe", ProbeBackend)
    monkeypatch.delenv("FLYTELIKE_BACKEND_OPTIONS", raising=False)
    BUILT.clear()
    return BUILT


def run_cli(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def test_cli_options_before_and_after_the_entity_win_over_the_environment(
    engine: Engine, probe: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLYTELIKE_BACKEND_OPTIONS", "address=127.0.0.1:6379 quiet=yes")
    r = run_cli(
        "run",
        "--backend",
        "probe",
        "--backend-option",
        "num_cpus=2.5",
        WFS,
        "pair",
        "--a",
        "1",
        "--b",
        "2",
        "--backend-option",
        'extra={"k": [1, 2]}',
        "--backend-option",
        "address=ray://head:10001",
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == {"o0": 3, "o1": 2}  # (a + b, b)
    assert probe == [
        {"address": "ray://head:10001", "num_cpus": 2.5, "quiet": True, "extra": {"k": [1, 2]}}
    ]


def test_an_unknown_option_names_it_and_the_known_ones(
    engine: Engine, probe: list[dict[str, Any]]
) -> None:
    r = run_cli(
        "run", "--backend", "probe", "--backend-option", "adress=x", WFS, "fail", "--x", "1"
    )
    assert r.exit_code == 1
    assert "backend 'probe'" in r.output and "has no option 'adress'" in r.output
    assert "its options are: address, extra, num_cpus, quiet" in r.output
    assert probe == []  # refused before the backend was built
    r = run_cli("run", "--backend-option", "noequals", WFS, "fail", "--x", "1")
    assert r.exit_code == 1 and "'noequals' is not a backend option" in r.output
    r = run_cli("run", "--backend-option", "mode=nope", WFS, "fail", "--x", "1")
    assert r.exit_code == 1
    assert "backend 'local' refused its options (mode='nope')" in r.output


def test_environment_forms_and_conversions(probe: list[dict[str, Any]]) -> None:
    assert options_from_env("") == {}
    words = options_from_env('address=auto  init=\'{"a": 1, "b": 2}\' n=3')
    assert words == {"address": "auto", "init": '{"a": 1, "b": 2}', "n": "3"}
    assert all(isinstance(v, OptionText) for v in words.values())
    assert options_from_env('{"num_cpus": 4, "address": "auto"}') == {
        "num_cpus": 4,
        "address": "auto",
    }
    for bad, said in [
        ("{nope", "not a JSON object"),
        ("[1]", "not a backend option"),
        ("a='x", "quote"),
    ]:
        with pytest.raises(ConfigurationError, match=said) as e:
            options_from_env(bad)
        assert "FLYTELIKE_BACKEND_OPTIONS" in str(e.value)
    # text for a str parameter even when it looks like JSON; JSON for the others
    get_backend("probe", **parse_options(["address=123", "num_cpus=4", "quiet=off"], "test"))
    assert probe[-1]["address"] == "123" and probe[-1]["num_cpus"] == 4
    assert probe[-1]["quiet"] is False
    with pytest.raises(ConfigurationError, match=r"option quiet='maybe' is not valid"):
        get_backend("probe", **parse_options(["quiet=maybe"], "test"))


def test_engine_config_reads_the_variable_and_pyproject(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, probe: list[dict[str, Any]]
) -> None:
    monkeypatch.setenv("FLYTELIKE_BACKEND_OPTIONS", "num_cpus=3")
    assert dict(EngineConfig.from_env().backend_options) == {"num_cpus": "3"}
    monkeypatch.delenv("FLYTELIKE_BACKEND_OPTIONS")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.flytelike]\nbackend = "probe"\nbackend_options = { address = "auto", num_cpus = 2 }\n'
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLYTELIKE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("FLYTELIKE_BACKEND", raising=False)
    config = EngineConfig.from_env()
    assert dict(config.backend_options) == {"address": "auto", "num_cpus": 2}
    engine = Engine(config)
    try:
        assert engine.backend.name == "probe"
        assert probe[-1]["address"] == "auto" and probe[-1]["num_cpus"] == 2
    finally:
        engine.close()


@fl.task
def plus_one(x: int) -> int:
    return x + 1


def test_run_and_with_runcontext_take_backend_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, probe: list[dict[str, Any]]
) -> None:
    monkeypatch.setenv("FLYTELIKE_HOME", str(tmp_path / "home"))
    ctx = fl.with_runcontext(backend="probe", backend_options={"num_cpus": 1.5})
    assert ctx.run(plus_one, x=1).outputs() == 2
    assert probe[-1]["num_cpus"] == 1.5
    # run's own option wins over the context's, key by key
    assert ctx.run(plus_one, x=2, backend_options={"address": "auto"}).outputs() == 3
    assert probe[-1]["num_cpus"] == 1.5 and probe[-1]["address"] == "auto"
    monkeypatch.setenv("FLYTELIKE_BACKEND", "probe")
    assert fl.run(plus_one, x=3, backend_options={"quiet": True}).outputs() == 4
    assert probe[-1]["quiet"] is True
    monkeypatch.delenv("FLYTELIKE_BACKEND")
    with pytest.raises(ConfigurationError, match=r"backend 'local' .* has no option 'address'"):
        fl.run(plus_one, x=1, backend_options={"address": "auto"})
