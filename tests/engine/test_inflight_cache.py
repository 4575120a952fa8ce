"""Nodes of one run with equal cache keys (``engine/_inflight``): the node that finds the key in
flight waits and records a hit; after a failure it runs itself; waiting never deadlocks."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from flytelike.engine import Engine, Run
from flytelike.engine._inflight import InFlight
from tests.engine import inflight_wfs as w


def calls(log: Path) -> list[str]:
    return log.read_text().split() if log.exists() else []


def statuses(run: Run, ids: tuple[str, ...]) -> list[tuple[str, str, int]]:
    found = {a.action_id: a for a in run.actions()}
    return [(found[i].phase, found[i].cache_status, found[i].attempts) for i in ids]


def test_equal_independent_nodes_run_the_body_once(engine: Engine, tmp_path: Path) -> None:
    log = tmp_path / "calls.txt"
    run = engine.run(w.twice, x=5, log=str(log))
    assert run.outputs() == (10, 10)
    assert calls(log) == ["5"]
    got = sorted(statuses(run, ("n0", "n1")), key=lambda s: s[1])
    assert got == [("SUCCEEDED", "HIT", 0), ("SUCCEEDED", "MISS", 1)]
    # a later run hits the stored entry for both nodes, as before
    again = engine.run(w.twice, x=5, log=str(log))
    assert again.outputs() == (10, 10) and calls(log) == ["5"]
    assert statuses(again, ("n0", "n1")) == [("SUCCEEDED", "HIT", 0)] * 2


def test_waiter_runs_itself_when_the_first_fails(engine: Engine, tmp_path: Path) -> None:
    log = tmp_path / "calls.txt"
    run = engine.run(w.first_fails, x=1, log=str(log))
    with pytest.raises(Exception, match="the first invocation fails"):
        run.outputs()
    assert calls(log) == ["1", "1"]  # the waiter ran the body itself
    got = sorted(statuses(run, ("n0", "n1")))
    assert got == [("FAILED", "MISS", 1), ("SUCCEEDED", "MISS", 1)]


def test_equal_map_items_compute_once(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "calls.txt"
    monkeypatch.setenv("INFLIGHT_LOG", str(log))
    run = engine.run(w.mapped, xs=[1, 2, 1, 1, 2])
    assert run.outputs() == [2, 4, 2, 2, 4]
    assert sorted(calls(log)) == ["1", "2"]
    items = [a for a in run.actions() if a.action_id.startswith("n0[")]
    assert sorted(a.cache_status for a in items) == ["HIT", "HIT", "HIT", "MISS", "MISS"]


def test_equal_cached_subworkflows_run_once(engine: Engine, tmp_path: Path) -> None:
    log = tmp_path / "calls.txt"
    run = engine.run(w.subs_twice, x=3, log=str(log))
    assert run.outputs() == (30, 30)
    assert calls(log) == ["3"]
    got = sorted(statuses(run, ("n0", "n1")), key=lambda s: s[1])
    assert [g[:2] for g in got] == [("SUCCEEDED", "HIT"), ("SUCCEEDED", "MISS")]


def test_a_node_never_waits_for_an_ancestor_or_a_cycle() -> None:
    async def scenario() -> list[object]:
        f = InFlight()
        f.hold("K", "n0")
        # a descendant of the holder (a dynamic's node, a child call) runs itself, unregistered
        inner = await f.wait("K", "n0/n1")
        inner_child = await f.wait("K", "n0/c0")
        assert f.holders["K"][0] == "n0"
        # a sibling with a similar id is no descendant: it waits, and takes the outputs
        sibling = asyncio.ensure_future(f.wait("K", "n0x"))
        await asyncio.sleep(0)
        # cross keys: a/x waits for b's key; b/y must not wait for a's key
        f.hold("K1", "a")
        f.hold("K2", "b")
        ax = asyncio.ensure_future(f.wait("K2", "a/x"))
        await asyncio.sleep(0)
        by = await f.wait("K1", "b/y")
        f.done("K", "n0", {})
        f.done("K2", "b", None)  # b failed: a/x takes K2 and runs
        return [inner, inner_child, await sibling, by, await ax, f.holders["K2"][0]]

    assert asyncio.run(scenario()) == [None, None, {}, None, None, "a/x"]


def test_equal_child_calls_of_a_v2_task_compute_once(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "calls.txt"
    monkeypatch.setenv("INFLIGHT_LOG", str(log))
    run = engine.run(w.gathered)
    assert run.outputs() == [9, 9, 16]
    assert sorted(calls(log)) == ["3", "4"]  # (flyte 2's local run runs square(3) twice)
    children = [a for a in run.actions() if "/" in a.action_id]
    assert sorted(a.cache_status for a in children) == ["HIT", "MISS", "MISS"]
