"""Caching of subworkflow and launch-plan nodes through ``with_overrides(cache=...)``, and
overrides that disable caching without a version."""

from __future__ import annotations

from pathlib import Path

import pytest

import flytelike as fl
from flytelike import Cache
from flytelike.engine import Engine, EngineConfig, Run
from flytelike.errors import CompileError
from tests.engine import node_cache_wfs as w


def calls(log: Path) -> list[str]:
    return log.read_text().split() if log.exists() else []


def node(run: Run, action_id: str) -> tuple[str, str]:
    a = next(a for a in run.actions() if a.action_id == action_id)
    return a.phase, a.cache_status


@pytest.mark.parametrize("parent", [w.cached_sub_parent, w.cached_lp_parent])
def test_node_cache_hit_miss_and_overwrite(engine: Engine, tmp_path: Path, parent: object) -> None:
    log = tmp_path / "calls.txt"
    first = engine.run(parent, x=1, log=str(log))
    assert first.outputs() == 10 and calls(log) == ["1"]
    assert node(first, "n0") == ("SUCCEEDED", "MISS")
    second = engine.run(parent, x=1, log=str(log))
    assert second.outputs() == 10 and calls(log) == ["1"]  # the nested execution did not run
    assert node(second, "n0") == ("SUCCEEDED", "HIT")
    assert not [a for a in second.actions() if a.action_id.startswith("n0/")]
    hit = next(a for a in second.actions() if a.action_id == "n0")
    assert hit.attempts == 0
    assert second.action_outputs("n0") == first.action_outputs("n0")
    other = engine.run(parent, x=2, log=str(log))
    assert other.outputs() == 20 and calls(log) == ["1", "2"]
    again = engine.run(parent, x=1, log=str(log), overwrite_cache=True)
    assert again.outputs() == 10 and calls(log) == ["1", "2", "1"]
    assert node(again, "n0") == ("SUCCEEDED", "OVERWRITTEN")
    assert engine.run(parent, x=1, log=str(log)).outputs() == 10
    assert calls(log) == ["1", "2", "1"]


def test_node_cache_entries_are_listed(engine: Engine, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from flytelike.cli import main

    log = str(tmp_path / "calls.txt")
    engine.run(w.cached_sub_parent, x=1, log=log).outputs()
    engine.run(w.cached_lp_parent, x=1, log=log).outputs()
    names = {e.task: e.version for e in engine.cache.entries()}
    assert any(n.endswith("counted_sub") for n in names), names
    assert any(n.endswith("counted_lp") for n in names), names
    assert set(names.values()) == {"1"}
    out = CliRunner().invoke(main, ["cache", "list"])
    assert out.exit_code == 0, out.output
    assert "counted_sub" in out.stdout and "counted_lp" in out.stdout


def test_subworkflow_and_launch_plan_keys_differ(engine: Engine, tmp_path: Path) -> None:
    log = tmp_path / "calls.txt"
    engine.run(w.cached_sub_parent, x=1, log=str(log)).outputs()
    engine.run(w.cached_lp_parent, x=1, log=str(log)).outputs()
    assert calls(log) == ["1", "1"]
    assert len(engine.cache.entries()) == 2


def test_uncached_subworkflow_always_runs(engine: Engine, tmp_path: Path) -> None:
    log = tmp_path / "calls.txt"
    for _ in range(2):
        run = engine.run(w.uncached_sub_parent, x=1, log=str(log))
        assert run.outputs() == 10 and node(run, "n0") == ("SUCCEEDED", "")
    assert calls(log) == ["1", "1"]
    assert engine.cache.entries() == []


def test_serialized_node_cache(engine: Engine, tmp_path: Path) -> None:
    log = tmp_path / "calls.txt"
    assert engine.run(w.serialized_sub_parent, x=3, log=str(log)).outputs() == 30
    assert engine.run(w.serialized_sub_parent, x=3, log=str(log)).outputs() == 30
    assert calls(log) == ["3"]
    rows = engine.cache.store.db.query("SELECT key FROM cache_reservations")
    assert rows == []  # the reservation was given back


def test_local_cache_disabled_switch(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLYTELIKE_LOCAL_CACHE_ENABLED", "false")
    e = Engine(EngineConfig.from_env())
    try:
        log = tmp_path / "calls.txt"
        for _ in range(2):
            run = e.run(w.cached_sub_parent, x=1, log=str(log))
            assert run.outputs() == 10 and node(run, "n0") == ("SUCCEEDED", "")
        assert calls(log) == ["1", "1"]
    finally:
        e.close()


def test_overrides_that_disable_caching_need_no_version(engine: Engine, tmp_path: Path) -> None:
    log = tmp_path / "calls.txt"
    for _ in range(2):
        run = engine.run(w.disabled_overrides, x=1, log=str(log))
        assert run.outputs() == 3
        assert [node(run, n)[1] for n in ("n0", "n1")] == ["", ""]
    assert calls(log) == ["1", "2", "1", "2"]
    assert engine.cache.entries() == []


def test_enabling_cache_on_a_subworkflow_still_needs_a_version() -> None:
    with pytest.raises(CompileError, match="must specify cache version"):

        @fl.workflow
        def needs_version(x: int, log: str) -> int:
            return w.counted_sub(x=x, log=log).with_overrides(cache=Cache())

    with pytest.raises(CompileError, match="must specify cache version"):

        @fl.workflow
        def needs_version_too(x: int, log: str) -> int:
            return w.counted_sub(x=x, log=log).with_overrides(cache=True)


def test_disabling_cache_on_a_subworkflow_needs_no_version(engine: Engine, tmp_path: Path) -> None:
    @fl.workflow
    def off(x: int, log: str) -> int:
        a = w.counted_sub(x=x, log=log).with_overrides(cache=Cache(behavior="disable"))
        return w.counted_sub(x=a, log=log).with_overrides(cache=False)

    log = tmp_path / "calls.txt"
    assert engine.run(off, x=1, log=str(log)).outputs() == 100
    assert engine.run(off, x=1, log=str(log)).outputs() == 100
    assert calls(log) == ["1", "10", "1", "10"]


def test_map_over_a_launch_plan_caches_each_item(engine: Engine, tmp_path: Path) -> None:
    log = tmp_path / "calls.txt"
    assert engine.run(w.cached_lp_map, xs=[1, 2], log=str(log)).outputs() == [10, 20]
    assert sorted(calls(log)) == ["1", "2"]
    run = engine.run(w.cached_lp_map, xs=[1, 2, 3], log=str(log))
    assert run.outputs() == [10, 20, 30]
    assert sorted(calls(log)) == ["1", "2", "3"]  # only the new item ran
    assert node(run, "n0[0]") == ("SUCCEEDED", "HIT") and node(run, "n0[2]") == (
        "SUCCEEDED",
        "MISS",
    )
