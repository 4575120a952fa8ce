"""Map items of the fast path: stored in batches, read back as ordinary actions, reused on resume."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from flytelike.engine import Engine, EngineConfig, PhaseEvent
from flytelike.engine.errors import RunFailedError
from tests.engine import map_items_wfs as w


@pytest.fixture
def marks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "marks"
    d.mkdir()
    monkeypatch.setenv("MAP_ITEMS_DIR", str(d))
    return d


def _calls(marks: Path) -> list[int]:
    return sorted(int(x) for x in (marks / "calls").read_text().split())


def test_items_are_actions_with_phases_and_outputs(engine: Engine, marks: Path) -> None:
    run = engine.run(w.tolerant, xs=list(range(7)))
    assert run.outputs() == [None, 10, 20, None, 40, 50, None]
    items = {a.action_id: a for a in run.actions() if a.kind == "map_item"}
    assert sorted(items) == [f"n0[{i}]" for i in range(7)]
    assert {i for i, a in items.items() if a.phase == "FAILED"} == {"n0[0]", "n0[3]", "n0[6]"}
    failed = items["n0[3]"]
    assert failed.parent == "n0" and failed.node_id == "n0[3]" and failed.attempts == 1
    assert failed.error is not None and "item 3 is not ready" in failed.error.message
    assert items["n0[4]"].name.endswith("flaky") and items["n0[4]"].ended_at is not None
    # The same records from a fresh engine reading the store only.
    other = Engine(EngineConfig.from_env())
    try:
        again = {a.action_id: a.phase for a in other.get_run(run.name).actions()}
        assert {k: v for k, v in again.items() if k in items} == {
            k: a.phase for k, a in items.items()
        }
        lits = other.store.action_literals(run.name, "n0[4]", "outputs")
        assert lits is not None and lits["o0"].value == 40  # type: ignore[attr-defined]
        assert other.store.action_literals(run.name, "n0[3]", "outputs") is None
    finally:
        other.close()


def test_resume_reruns_only_the_failed_items(engine: Engine, marks: Path) -> None:
    xs = list(range(10))
    with pytest.raises(RunFailedError):
        engine.run(w.all_or_nothing, xs=xs, name="items-resume").outputs()
    assert _calls(marks) == xs
    (marks / "calls").unlink()
    (marks / "fixed").touch()
    run = engine.resume("items-resume")
    assert run.outputs() == [x * 10 for x in xs]
    assert _calls(marks) == [0, 3, 6, 9]  # the others were reused
    items = [a for a in run.actions() if a.kind == "map_item"]
    assert len(items) == 10 and all(a.phase == "SUCCEEDED" for a in items)


def test_large_item_outputs_are_offloaded(home: Path, marks: Path) -> None:
    e = Engine(EngineConfig.from_env(inline_limit=256))
    try:
        run = e.run(w.big_items, xs=[1, 2])
        assert run.outputs() == ["1" * 400, "2" * 400]
        lits = run.action_outputs("n0[1]")
        assert lits is not None and lits["o0"].value == "2" * 400  # type: ignore[attr-defined]
        assert list((home / "data").rglob("outputs.msgpack"))
    finally:
        e.close()


def test_map_reports_progress_to_event_listeners(engine: Engine, marks: Path) -> None:
    events: list[PhaseEvent] = []
    run = engine.run(w.busy_items, xs=list(range(100)), on_event=events.append)
    assert run.outputs() == list(range(100))
    node = next(a for a in run.actions() if a.action_id == "n0")
    assert node.kind == "map" and node.name.endswith("busy") and node.phase == "SUCCEEDED"
    end = [e for e in events if e.node_id == "n0" and e.phase.value == "SUCCEEDED"]
    assert len(end) == 1 and end[0].task_id.endswith("busy")
    progress = [e.message for e in events if e.node_id == "n0" and e.message.endswith(" items")]
    assert progress, "a map that runs for a while reports done/total"
    done, total = progress[-1].split()[0].split("/")
    assert total == "100" and 0 < int(done) <= 100


def test_item_output_conversion_errors_name_the_output(engine: Engine, marks: Path) -> None:
    with pytest.raises(RunFailedError, match=r"n0\[0\].*Expected `int`, got `str`") as info:
        engine.run(w.wrong_items, xs=[1, 2]).outputs()
    cause = info.value.__cause__
    assert cause is not None and any("output `o0`" in n for n in getattr(cause, "__notes__", []))


def test_items_with_records_and_bound_inputs_round_trip(engine: Engine, marks: Path) -> None:
    when = datetime.date(2026, 11, 23)
    run = engine.run(w.point_items, xs=[1, 2], when=when)
    assert run.outputs() == [w.Point(1, "2026-11-23#1"), w.Point(2, "2026-11-23#2")]
    stored = run.action_outputs("n0[1]")
    assert stored is not None and set(stored) == {"o0"}
    other = Engine(EngineConfig.from_env())
    try:
        assert other.get_run(run.name).outputs() == run.outputs()
    finally:
        other.close()
