"""Map items run in place as chunks (``backends._item_chunks``, ``engine._map_inplace``): each
item still sees its own context and gets its own retries; a chunk is one record in the store and
in the journal, read back as ordinary item actions."""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

import pytest

import typesystem
from flytelike.backends._item_chunks import ChunkRunner
from flytelike.engine import Engine
from flytelike.engine._items import encode_chunk, expand
from flytelike.engine._journal import MapJournal, ingest
from tests.engine import map_chunks_wfs as w


@pytest.fixture
def marks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "marks"
    d.mkdir()
    monkeypatch.setenv("MAP_CHUNKS_DIR", str(d))
    return d


@pytest.fixture
def chunks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many items each chunk that ran held (so a test knows its items ran as chunks)."""
    ran: list[int] = []
    real = ChunkRunner.run

    def run(self: ChunkRunner, *args: Any) -> Any:
        got = real(self, *args)
        if got is not None:
            ran.append(got.count)
        return got

    monkeypatch.setattr(ChunkRunner, "run", run)
    return ran


def _map_id(run: object) -> str:
    return next(a.action_id for a in run.actions() if a.kind == "map")  # type: ignore[attr-defined]


def test_each_item_sees_its_own_action(engine: Engine, chunks: list[int]) -> None:
    run = engine.run(w.ids, xs=list(range(300)))
    aid = _map_id(run)
    assert run.outputs() == [f"{aid}[{i}]" for i in range(300)]
    assert chunks  # (the first items at least; a loaded machine may send the rest to threads)


def test_items_on_worker_threads_run_as_chunks_and_see_their_own_action(
    engine: Engine, chunks: list[int]
) -> None:
    run = engine.run(w.ids_beside_a_pause, xs=list(range(3000)))
    aid = _map_id(run)
    assert run.outputs() == [f"{aid}[{i}]" for i in range(3000)]
    assert chunks
    items = [a for a in run.actions() if a.kind == "map_item"]
    assert sorted(a.action_id for a in items) == sorted(f"{aid}[{i}]" for i in range(3000))


def test_each_item_gets_its_own_working_directory_removed_after_it(
    engine: Engine, chunks: list[int]
) -> None:
    run = engine.run(w.scratches, xs=list(range(40)))
    assert chunks
    dirs = run.outputs()
    assert len(set(dirs)) == 40
    assert not any(Path(d).exists() for d in dirs)


def test_a_failing_item_is_retried_alone_and_the_rest_run_once(
    engine: Engine, marks: Path, chunks: list[int]
) -> None:
    run = engine.run(w.retried, xs=list(range(50)))
    assert chunks
    assert run.outputs() == [2 * x for x in range(50)]
    calls = sorted(int(x) for x in (marks / "calls").read_text().split())
    assert calls == sorted([*range(50), *range(0, 50, 5)])
    items = {a.action_id: a for a in run.actions() if a.kind == "map_item"}
    aid = _map_id(run)
    assert len(items) == 50
    assert all(a.phase == "SUCCEEDED" for a in items.values())
    assert items[f"{aid}[5]"].attempts == 2 and items[f"{aid}[6]"].attempts == 1


def test_each_item_writes_its_own_decks(engine: Engine, home: Path, chunks: list[int]) -> None:
    run = engine.run(w.decked, xs=list(range(12)))
    assert run.outputs() == list(range(12))
    assert chunks
    pages = {p.parent.parent.name: p.read_text() for p in home.rglob("decks/deck.html")}
    aid = _map_id(run)
    assert len(pages) == 12
    for i in range(12):
        page = pages[f"{aid}_{i}"]
        assert f"item {i}</p>" in page and f"action {aid}[{i}]" in page


def test_items_with_dataclasses_and_a_bound_list_convert_item_by_item(
    engine: Engine, chunks: list[int]
) -> None:
    ps = [w.Pair(key=f"k{i}", value=i) for i in range(60)]
    run = engine.run(w.bumped, ps=ps, seen=[0])
    assert run.outputs() == [w.Pair(key=f"K{i}", value=i + 1) for i in range(60)]
    assert chunks


def test_items_returning_files_from_their_working_directories(
    engine: Engine, chunks: list[int]
) -> None:
    run = engine.run(w.files, xs=list(range(20)))
    got = run.outputs()
    assert [Path(os.fspath(f)).read_text() for f in got] == [f"content {x}" for x in range(20)]
    assert chunks


def test_items_publish_their_artifact_versions(engine: Engine, chunks: list[int]) -> None:
    from flytelike.remote import Artifact

    run = engine.run(w.shards, xs=list(range(4)))
    assert [Path(os.fspath(f)).read_text() for f in run.outputs()] == ["0", "1", "2", "3"]
    assert chunks
    assert sorted(Artifact.partition_values("chunk-shards", "i")) == ["0", "1", "2", "3"]


def test_items_run_with_the_task_environment_and_leave_it(
    engine: Engine, chunks: list[int]
) -> None:
    run = engine.run(w.env_items, xs=list(range(5)))
    assert chunks
    assert run.outputs() == [f"{x}:set" for x in range(5)]
    assert "CHUNK_VAR" not in os.environ


def test_a_bound_input_and_a_float_output(engine: Engine, chunks: list[int]) -> None:
    run = engine.run(w.scaled_items, xs=list(range(9)), factor=3)
    assert chunks
    assert run.outputs() == [x * 3 / 2 for x in range(9)]


def test_two_mapped_inputs(engine: Engine, chunks: list[int]) -> None:
    run = engine.run(w.pairs, xs=list(range(30)), names=[f"n{i}-" for i in range(30)])
    assert run.outputs() == [f"n{i}-{i}" for i in range(30)]
    assert chunks


def test_a_chunk_record_reads_back_as_items_except_its_skipped_ones() -> None:
    when = datetime.date(2024, 5, 1)
    outputs = {"o0": [when, None, when]}
    packed, large = encode_chunk(7, [1.0, 2.0, 3.0, 4.0], outputs, [1], 1024)
    assert large == []
    data = b"\x91" + packed  # (a batch of one record)
    got = {it.action_id: it for _, _, _, it in expand([("m", "n0", "t", data)])}
    assert sorted(got) == ["m[7]", "m[9]"]
    nine = got["m[9]"]
    assert (nine.index, nine.started, nine.ended, nine.attempts, nine.error) == (
        9,
        3.0,
        4.0,
        1,
        None,
    )
    lits = nine.literals(None)
    assert lits is not None and typesystem.unbox(lits["o0"]) == when


def test_an_output_too_large_for_a_chunk_record_is_left_to_its_own() -> None:
    outputs = {"o0": ["a", "b" * 50, "c"]}
    packed, large = encode_chunk(0, [1.0, 2.0, 3.0, 4.0], outputs, [], 10)
    assert large == [1]
    assert outputs["o0"][1] == "b" * 50  # (the caller's values are left alone)
    got = {it.action_id for _, _, _, it in expand([("m", "n0", "t", b"\x91" + packed)])}
    assert got == {"m[0]", "m[2]"}


def test_a_journaled_chunk_is_ingested_with_its_items(engine: Engine) -> None:
    store = engine.store
    j = MapJournal(store.db.path, "r1", "n0", "n0", "t")
    packed, _ = encode_chunk(0, [1.0, 2.0, 3.0, 4.0], {"o0": [5, None, 7]}, [1], 1024)
    j.append(packed)
    j.append(store.encode_item("r1", "n0", (1, 1.5, 2.5, {"o0": 6}, None, 2)))
    j.close()
    assert ingest(store, "r1") == 3
    got = {it.action_id: it for _, _, _, it in store._items("r1")}
    assert {k: typesystem.unbox(v.literals(store.codec)["o0"]) for k, v in got.items()} == {
        "n0[0]": 5,
        "n0[1]": 6,
        "n0[2]": 7,
    }
    assert got["n0[1]"].attempts == 2


KILLED_MAP = """
import os
from pathlib import Path

import flytelike as fl
from flytelike.engine import _map_inplace

HERE = Path(__file__).parent
# (the items stay in place, in chunks, however loaded the machine is)
_map_inplace.SLOW_ITEM = _map_inplace.INLINE_AVG_BUDGET = 3600.0


@fl.task
def spread(n: int) -> list[int]:
    return list(range(n))


@fl.task
def quick(x: int) -> int:
    with open(HERE / "calls", "a") as f:
        f.write(f"{x}\\n")
    if x == 2500 and not (HERE / "killed").exists():
        (HERE / "killed").write_text("")
        os.kill(os.getpid(), 9)
    return x + 1


@fl.workflow
def wf(n: int = 3000) -> list[int]:
    return fl.map_task(quick)(x=spread(n=n))
"""


def test_a_kill_9_in_a_chunk_reruns_only_that_chunk_and_records_each_item_once(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys

    import msgpack

    from flytelike.engine import EngineConfig

    project, home = tmp_path / "project", tmp_path / "home"
    project.mkdir()
    (project / "killedmap.py").write_text(KILLED_MAP)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(FLYTELIKE_HOME=str(home), FLYTELIKE_NO_PROGRESS="1")
    cli = [sys.executable, "-m", "flytelike"]
    first = subprocess.run(
        [*cli, "run", "--run-name", "killed", "killedmap.py", "wf"],
        cwd=project,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert first.returncode == -9, first.stderr
    resumed = subprocess.run(
        [*cli, "resume", "killed"], cwd=project, env=env, capture_output=True, timeout=120
    )
    assert resumed.returncode == 0, resumed.stderr
    calls = [int(x) for x in (project / "calls").read_text().split()]
    twice = sorted(x for x in set(calls) if calls.count(x) == 2)
    assert sorted(set(calls)) == list(range(3000)) and len(calls) == 3000 + len(twice)
    # Only the chunk that was running when the kill hit ran again: items before 2500 in it.
    assert 2500 in twice and len(twice) <= 512
    assert twice == list(range(twice[0], twice[0] + len(twice)))
    engine = Engine(EngineConfig.from_env(home=home))
    try:
        assert engine.get_run("killed").outputs() == [x + 1 for x in range(3000)]
        rows = engine.store.db.query("SELECT data FROM map_items WHERE run_name='killed'", ())
        held: list[int] = []
        for (data,) in rows:
            for raw in msgpack.unpackb(data, raw=False):
                if raw[0] == "chunk":
                    skip = set(raw[4])
                    held += [raw[1] + k for k in range(len(raw[2]) - 1) if k not in skip]
                else:
                    held.append(raw[0])
        assert sorted(held) == list(range(3000))  # (each item recorded once)
    finally:
        engine.close()


def test_abort_stops_a_spinning_item_in_a_chunk(engine: Engine, tmp_path: Path) -> None:
    import time

    flag = tmp_path / "spinning"
    run = engine.run(w.spinning, xs=list(range(4000)), path=str(flag), wait=False)
    deadline = time.monotonic() + 30
    while not flag.exists():
        assert time.monotonic() < deadline, "item 3000 never started"
        time.sleep(0.01)
    asked = time.monotonic()
    run.abort(reason="enough")
    run.wait(5)
    assert time.monotonic() - asked < 1.0
    assert run.phase.value == "ABORTED"
    items = {a.action_id: a for a in run.actions() if a.kind == "map_item"}
    aid = _map_id(run)
    assert items[f"{aid}[2999]"].phase == "SUCCEEDED"  # (its chunk's items before it are kept)
    assert items[f"{aid}[3000]"].phase != "SUCCEEDED"
    assert f"{aid}[3001]" not in items
