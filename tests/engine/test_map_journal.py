"""Map item journals (``_journal``): finished items survive a kill -9 without waiting for a batch.

A map that ends removes its journal; a journal left by a killed process is read back on resume
(whole records only, pickles only with a valid seal) and removed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flytelike.engine import Engine
from flytelike.engine._journal import MapJournal, ingest, journal_root, run_folder, split_items
from flytelike.engine._run_store import RunStore
from tests.engine import map_items_wfs as w


@pytest.fixture
def marks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "marks"
    d.mkdir()
    monkeypatch.setenv("MAP_ITEMS_DIR", str(d))
    (d / "fixed").write_text("")
    return d


def _journal(store: RunStore, run: str, items: dict[int, int]) -> MapJournal:
    j = MapJournal(store.db.path, run, "n0", "n0", "flaky")
    for i, value in items.items():
        j.append(store.encode_item(run, "n0", (i, 1.0, 2.0, {"o0": value}, None, 1)))
    return j


def test_a_finished_map_leaves_no_journal(engine: Engine, marks: Path) -> None:
    run = engine.run(w.all_or_nothing, xs=list(range(50)))
    assert run.outputs() == [10 * x for x in range(50)]
    root = journal_root(engine.store.db.path)
    assert root.is_dir() and oct(root.stat().st_mode & 0o777) == "0o700"
    assert not run_folder(engine.store.db.path, run.name).exists()


def test_ingest_keeps_whole_records_and_removes_the_journal(engine: Engine) -> None:
    store = engine.store
    j = _journal(store, "r1", {0: 5, 1: 6, 2: 7})
    path = Path(j.path)
    j.close()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    with open(path, "r+b") as f:  # the kill hit the last write
        f.truncate(path.stat().st_size - 3)
    assert ingest(store, "r1") == 2
    assert not run_folder(store.db.path, "r1").exists()
    got = {it.action_id: it.literals(store.codec) for _, _, _, it in store._items("r1")}
    assert {k: v["o0"].value for k, v in got.items() if v} == {"n0[0]": 5, "n0[1]": 6}


def test_a_planted_pickle_in_a_journal_is_refused(engine: Engine) -> None:
    store = engine.store
    j = _journal(store, "r2", {0: 1})
    # A record that claims to hold a pickle, without a seal: skipped, never unpickled.
    j.append(store.encode_item("r2", "n0", (1, 1.0, 2.0, {"o0": 2}, None, 1)) + b"cloudpickle")
    j.close()
    assert ingest(store, "r2") == 1
    assert [it.action_id for _, _, _, it in store._items("r2")] == ["n0[0]"]


def test_a_journal_of_another_run_or_garbage_is_ignored(engine: Engine) -> None:
    store = engine.store
    folder = run_folder(store.db.path, "r3")
    _journal(store, "r3", {0: 1}).close()
    (folder / "junk.items").write_bytes(os.urandom(64))
    assert ingest(store, "r3") == 1
    assert ingest(store, "r3") == 0  # (gone once read)


def test_a_journal_left_open_by_a_kill_reads_back_to_its_last_whole_record(
    engine: Engine,
) -> None:
    # (appends are memory copies into the mapped file: what a kill -9 leaves is the records
    # written so far, then zeros)
    store = engine.store
    j = _journal(store, "r4", {i: i for i in range(3)})
    assert Path(j.path).stat().st_size >= 1 << 20  # (grown in steps, zero-filled)
    assert ingest(store, "r4") == 3
    j.close()


def test_a_journal_grows_past_its_first_step_and_reopens_after_its_records(
    engine: Engine,
) -> None:
    store = engine.store
    big = "x" * 1000
    j = _journal(store, "r5", {})
    for i in range(1500):  # (about 1.5 MiB of records)
        j.append(store.encode_item("r5", "n0", (i, 1.0, 2.0, {"o0": big}, None, 1)))
    j.close()
    size = Path(j.path).stat().st_size
    with open(j.path, "r+b") as f:  # the kill hit the last write
        f.truncate(size - 3)
    again = MapJournal(store.db.path, "r5", "n0", "n0", "flaky")  # (a resume of the run)
    again.append(store.encode_item("r5", "n0", (1499, 1.0, 2.0, {"o0": "again"}, None, 2)))
    again.close()
    assert ingest(store, "r5") == 1500
    got = {it.index: it for _, _, _, it in store._items("r5")}
    assert len(got) == 1500 and got[1499].attempts == 2


def test_ingest_skips_records_a_committed_batch_already_holds(engine: Engine) -> None:
    store = engine.store
    first = store.encode_item("r5", "n0", (0, 1.0, 2.0, {"o0": 1}, None, 1))
    second = store.encode_item("r5", "n0", (1, 1.0, 2.0, {"o0": 2}, None, 1))
    j = MapJournal(store.db.path, "r5", "n0", "n0", "flaky")
    j.append(first)
    j.append(second)
    j.close()
    store.map_items("r5", "n0", "n0", "flaky", [first])  # (its batch was committed, then a kill)
    assert ingest(store, "r5") == 1
    rows = store.db.query("SELECT data FROM map_items WHERE run_name='r5'", ())
    assert sorted(len(split_items(data)) for (data,) in rows) == [1, 1]
    got = {it.action_id: it.literals(store.codec) for _, _, _, it in store._items("r5")}
    assert {k: v["o0"].value for k, v in got.items() if v} == {"n0[0]": 1, "n0[1]": 2}
