"""Projects and domains (issue 13, item 10): every run is recorded with its namespace, the cache
never serves a hit across namespaces, ``runs list`` filters by them through an index, stores of
schema 7 are migrated, and the defaults come from the environment and ``[tool.flytelike]``."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import flytelike as fl
from flytelike.cli import main
from flytelike.engine import Engine, EngineConfig
from flytelike.engine._run_store import RunStore
from flytelike.engine._schema import SCHEMA_VERSION
from flytelike.errors import ConfigurationError

CALLS: list[int] = []


@fl.task(cache=True, cache_version="1")
def counted(x: int) -> int:
    CALLS.append(x)
    return x + 1


@fl.workflow
def counted_wf(x: int) -> int:
    return counted(x=x)


def _literals(x: int) -> dict[str, Any]:
    from flytelike.engine._convert import inputs_to_literals
    from flytelike.engine._index import ClosureIndex, to_closure

    closure = to_closure(counted_wf)
    iface = ClosureIndex(closure).primary().interface
    return {"closure": closure, "inputs": inputs_to_literals("counted_wf", iface, None, {"x": x})}


def _run(engine: Engine, x: int, **ns: str) -> Any:
    args = _literals(x)
    return engine.run_literals(args["closure"], args["inputs"], **ns)


def test_runs_record_their_namespace_and_the_cache_stays_inside_it(engine: Engine) -> None:
    CALLS.clear()
    a = _run(engine, 7, project="alpha", domain="staging")
    b = _run(engine, 7, project="beta", domain="staging")
    a2 = _run(engine, 7, project="alpha", domain="staging")
    prod = _run(engine, 7, project="alpha", domain="production")
    default = _run(engine, 7)
    assert CALLS == [7, 7, 7, 7]  # one hit: the second run in alpha/staging
    assert [x.cache_status for x in a2.actions() if x.kind == "task"] == ["HIT"]
    assert {r.outputs() for r in (a, b, a2, prod, default)} == {8}
    recs = {r.name: r for r in engine.list_runs(limit=10)}
    assert (recs[a.name].project, recs[a.name].domain) == ("alpha", "staging")
    assert (recs[prod.name].project, recs[prod.name].domain) == ("alpha", "production")
    assert (recs[default.name].project, recs[default.name].domain) == (
        "flytesnacks",
        "development",
    )
    assert [r.name for r in engine.list_runs(project="alpha")] == [prod.name, a2.name, a.name]
    assert [r.name for r in engine.list_runs(project="alpha", domain="staging")] == [
        a2.name,
        a.name,
    ]
    assert [r.name for r in engine.list_runs(domain="staging")] == [a2.name, b.name, a.name]
    assert engine.list_runs(project="nobody") == []


def test_cached_single_task_runs_are_namespaced_by_the_config(home: Path) -> None:
    CALLS.clear()
    one = Engine(EngineConfig.from_env(project="one"))
    two = Engine(EngineConfig.from_env(project="two"))
    try:
        assert one.run(counted, x=1).outputs() == 2
        assert two.run(counted, x=1).outputs() == 2  # not one's entry
        hit = one.run(counted, x=1)  # one's entry: the fast path records the hit
        assert CALLS == [1, 1]
        assert (hit.record().project, hit.record().domain) == ("one", "development")
        assert one.list_runs(project="one")[0].name == hit.name
    finally:
        one.close()
        two.close()


def test_resume_keeps_the_namespace(engine: Engine) -> None:
    run = _run(engine, 3, project="gamma", domain="production")
    rec = engine.store.get_run(run.name)
    assert rec is not None and (rec.project, rec.domain) == ("gamma", "production")
    assert rec.options["project"] == "gamma"


def test_schema_7_store_is_migrated(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    store = RunStore(db, str(tmp_path / "data"))
    store.close()
    conn = sqlite3.connect(str(db))  # back to a version 7 store: no namespace columns
    conn.execute("DROP INDEX runs_project")
    conn.execute("DROP INDEX runs_project_domain")
    conn.execute("ALTER TABLE runs DROP COLUMN project")
    conn.execute("ALTER TABLE runs DROP COLUMN domain")
    rows = [
        ("old", "m.t", "task", "SUCCEEDED", 1.0, None),
        ("old-ns", "m.t", "task", "SUCCEEDED", 2.0, json.dumps({"project": "p", "domain": "d"})),
        ("old-list", "m.t", "task", "FAILED", 3.0, "[1]"),
    ]
    conn.executemany(
        "INSERT INTO runs (name, entity, kind, phase, created_at, options) VALUES (?,?,?,?,?,?)",
        rows,
    )
    conn.execute("PRAGMA user_version=7")
    conn.commit()
    conn.close()
    store = RunStore(db, str(tmp_path / "data"))
    try:
        got = {r.name: (r.project, r.domain) for r in store.list_runs()}
        assert got == {
            "old": ("flytesnacks", "development"),
            "old-ns": ("p", "d"),
            "old-list": ("flytesnacks", "development"),
        }
        assert [r.name for r in store.list_runs(project="p")] == ["old-ns"]
        version = store.db.query("PRAGMA user_version")[0][0]
        assert version == SCHEMA_VERSION
    finally:
        store.close()


def test_defaults_from_environment_and_pyproject(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FLYTELIKE_PROJECT", raising=False)
    monkeypatch.delenv("FLYTELIKE_DOMAIN", raising=False)
    assert EngineConfig.from_env().namespace == ("flytesnacks", "development")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.flytelike]\nproject = "from-file"\ndomain = "staging"\n'
    )
    assert EngineConfig.from_env().namespace == ("from-file", "staging")
    monkeypatch.setenv("FLYTELIKE_PROJECT", "from-env")
    assert EngineConfig.from_env().namespace == ("from-env", "staging")
    monkeypatch.setenv("FLYTELIKE_DOMAIN", "bad domain")
    with pytest.raises(ConfigurationError, match=r"FLYTELIKE_DOMAIN: domain 'bad domain'"):
        EngineConfig.from_env()
    monkeypatch.delenv("FLYTELIKE_DOMAIN")
    (tmp_path / "pyproject.toml").write_text('[tool.flytelike]\ndomain = "no/slash"\n')
    with pytest.raises(ConfigurationError, match=r"pyproject.toml: \[tool.flytelike\] domain"):
        EngineConfig.from_env()


def test_a_bad_name_given_to_a_run_is_refused(engine: Engine) -> None:
    with pytest.raises(ConfigurationError, match=r"project '' is not a valid project name"):
        _run(engine, 1, project="")
    assert engine.list_runs() == []


def test_cli_run_and_runs_list_take_project_and_domain(engine: Engine) -> None:
    runner = CliRunner()
    wfs = "tests.engine.wfs"
    ran = runner.invoke(
        main, ["run", "--project", "cli-p", wfs, "add", "--a", "1", "--b", "2", "--domain", "qa"]
    )
    assert ran.exit_code == 0, ran.output
    runner.invoke(main, ["run", wfs, "add", "--a", "1", "--b", "3"])
    listed = runner.invoke(main, ["runs", "list", "--project", "cli-p", "--json"])
    assert listed.exit_code == 0, listed.output
    (row,) = json.loads(listed.output)
    assert (row["project"], row["domain"]) == ("cli-p", "qa")
    assert runner.invoke(main, ["runs", "list", "--project", "cli-p", "--domain", "x"]).output == (
        "no runs\n"
    )
    got = runner.invoke(main, ["runs", "get", row["name"]])
    assert "project:  cli-p   domain: qa" in got.output
    bad = runner.invoke(main, ["run", "--project", "a b", wfs, "add", "--a", "1", "--b", "2"])
    assert bad.exit_code != 0 and "not a valid project name" in bad.output
