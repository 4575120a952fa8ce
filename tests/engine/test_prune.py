"""Store hygiene: ``runs prune``/``runs delete`` (rows, closures, blobs; data the cache or another
run uses is kept), listing a store of 10,000 runs, and ``FLYTELIKE_RECORD=0`` for direct calls."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import flytelike as fl
from flytelike.cli import main
from flytelike.engine import DeleteError, Engine, EngineConfig, RunFailedError, RunNotFoundError
from flytelike.io import File

DAY = 86400.0
CALLS: list[str] = []


@fl.task
def write(text: str) -> File:
    path = Path(f"out-{text}.txt")
    path.write_text(text * 50_000)
    return File(path=str(path))


@fl.task(cache=True, cache_version="1")
def cached_write(text: str) -> File:
    CALLS.append(text)
    path = Path(f"cached-{text}.txt")
    path.write_text(text)
    return File(path=str(path))


@fl.task
def size(f: File) -> int:
    with f.open("r") as fh:
        return len(fh.read())


@fl.task
def big(n: int) -> str:
    return "x" * n


@fl.workflow
def files(text: str) -> int:
    big(n=100_000)  # an output over the inline limit: offloaded to the blob store
    return size(f=write(text=text))  # type: ignore[no-any-return]


@fl.task
def inc(x: int) -> int:
    CALLS.append(f"inc{x}")
    return x + 1


@fl.workflow
def items(xs: list[int]) -> list[int]:
    return fl.map_task(inc)(x=xs)  # type: ignore[no-any-return]


@fl.workflow
def asks(a: int) -> int:
    n = fl.wait_for_input("how_many", timeout=dt.timedelta(hours=1), expected_type=int)
    return inc(x=n)  # type: ignore[no-any-return]


def _age(engine: Engine, name: str, days: float) -> None:
    engine.store.flush()
    engine.store.db.execute(
        [("UPDATE runs SET created_at = created_at - ? WHERE name=?", (days * DAY, name))]
    )


def _count(engine: Engine, table: str, run: str) -> int:
    key = "name" if table == "runs" else "run_name"
    return int(engine.store.db.query(f"SELECT count(*) FROM {table} WHERE {key}=?", (run,))[0][0])


def _data_files(home: Path) -> set[str]:
    data = home / "data"
    return {str(p.relative_to(data)) for p in data.rglob("*") if p.is_file()}


def test_prune_removes_old_runs_rows_and_blobs_but_keeps_cached_data(
    engine: Engine, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    old = engine.run(files, text="a")
    old_items = engine.run(items, xs=[1, 2, 3])
    old_cached = engine.run(cached_write, text="c")
    new = engine.run(files, text="b")
    assert old.outputs() == new.outputs() == 50_000
    cached_uri = old_cached.outputs().path
    assert os.path.exists(cached_uri.replace("file://", ""))
    for r in (old, old_items, old_cached):
        _age(engine, r.name, 10)
    before = _data_files(home)
    assert any(f.startswith(f"runs/{old.name}/") for f in before)  # offloaded literals

    done = engine.prune(7 * DAY)

    assert sorted(done.runs) == sorted([old.name, old_items.name, old_cached.name])
    assert [r.name for r in engine.list_runs(10)] == [new.name]
    for table in ("runs", "actions", "attempts", "map_items"):
        assert _count(engine, table, old.name) == 0
        assert _count(engine, table, old_items.name) == 0
    with pytest.raises(RunNotFoundError):
        engine.get_run(old.name)
    after = _data_files(home)
    assert not any(f.startswith(f"runs/{old.name}/") for f in after)
    assert any(f.startswith(f"runs/{new.name}/") for f in after)  # a recent run: untouched
    assert done.blobs_removed >= 2 and done.bytes_freed > 100_000
    # The file the pruned run's cached task wrote is what the cache entry holds: kept, and the
    # cache still serves it.
    assert done.blobs_kept >= 1
    assert os.path.exists(cached_uri.replace("file://", ""))
    CALLS.clear()
    assert engine.run(cached_write, text="c").outputs().path == cached_uri
    assert CALLS == []
    # The newer run's data is intact: it reads back.
    assert new.outputs() == 50_000 and new.inputs() == {"text": "b"}


def test_closures_of_pruned_runs_are_written_again_when_needed(engine: Engine) -> None:
    first = engine.run(items, xs=[1])
    _age(engine, first.name, 30)
    engine.prune(DAY)
    assert engine.store.db.query("SELECT count(*) FROM closures") == [(0,)]
    again = engine.run(items, xs=[2])  # the same closure: this process wrote its row before
    engine.store.flush()
    assert engine.store.run_closure(again.name) is not None


def test_prune_keeps_recent_and_running_runs(engine: Engine) -> None:
    gate = threading.Event()

    @fl.task
    def waits() -> int:
        gate.wait(30)
        return 1

    live = engine.run(waits, wait=False)
    time.sleep(0.2)
    _age(engine, live.name, 10)
    recent = engine.run(items, xs=[1])
    try:
        assert engine.prune(DAY, dry_run=True).runs == []
        with pytest.raises(DeleteError, match="still running"):
            engine.delete_runs([live.name])
    finally:
        gate.set()
        live.wait()
    assert engine.prune(DAY).runs == [live.name]
    assert [r.name for r in engine.list_runs(10)] == [recent.name]
    with pytest.raises(RunNotFoundError):
        engine.delete_runs(["no-such-run"])


def test_interrupted_run_of_a_dead_process_is_pruned(engine: Engine) -> None:
    r = engine.run(items, xs=[1])
    engine.store.flush()
    # As a kill -9 leaves it: RUNNING, owned by a process that is gone.
    engine.store.db.execute(
        [
            (
                "UPDATE runs SET phase='RUNNING', pid=?, ended_at=NULL WHERE name=?",
                (2**22 + 7, r.name),
            )
        ]
    )
    _age(engine, r.name, 10)
    assert engine.prune(DAY).runs == [r.name]


def test_cli_delete_and_prune(engine: Engine) -> None:
    a = engine.run(items, xs=[1])
    b = engine.run(items, xs=[2])
    _age(engine, b.name, 8)
    runner = CliRunner()
    out = runner.invoke(main, ["runs", "delete", a.name])
    assert out.exit_code == 0, out.output
    assert out.output.startswith("deleted 1 run")
    out = runner.invoke(main, ["runs", "delete", a.name])
    assert out.exit_code == 1 and f"no run named '{a.name}'" in out.output
    out = runner.invoke(main, ["runs", "prune", "--older-than", "7d", "--dry-run"])
    assert out.exit_code == 0 and out.stdout.split() == [b.name]
    out = runner.invoke(main, ["runs", "prune", "--older-than", "7d"])
    assert out.exit_code == 0 and out.output.startswith("pruned 1 run")
    out = runner.invoke(main, ["runs", "prune", "--older-than", "a week"])
    assert out.exit_code == 2 and "--older-than" in out.output
    assert engine.list_runs(10) == []


def _generated_store(home: Path, n: int) -> None:
    """``n`` finished runs written straight into the store (as the engine writes them)."""
    now = time.time()
    opts = json.dumps({"raw_data_path": f"file://{home}/data", "backend": "local"})
    conn = sqlite3.connect(home / "runs.db")
    conn.executemany(
        "INSERT INTO runs (name, entity, kind, phase, created_at, started_at, ended_at, inputs, "
        "error, options, attempts, pid) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                f"gen-{i:05d}",
                f"wf.e{i % 3}",
                "workflow",
                "FAILED" if i % 5 == 0 else "SUCCEEDED",
                now - (n - i) * 120.0,
                now - (n - i) * 120.0,
                now - (n - i) * 120.0 + 1,
                os.urandom(20_000) if i % 10 == 0 else b"\x80",
                json.dumps({"kind": "USER", "message": f"bad {i}"}) if i % 5 == 0 else None,
                opts,
                1,
                1,
            )
            for i in range(n)
        ],
    )
    conn.commit()
    conn.close()


def test_a_store_of_10000_runs_lists_and_prunes(engine: Engine, home: Path) -> None:
    engine.store.flush()  # (the schema exists)
    _generated_store(home, 10_000)
    t0 = time.perf_counter()
    newest = engine.list_runs(20)
    listed = time.perf_counter() - t0
    assert [r.name for r in newest] == [f"gen-{i:05d}" for i in range(9999, 9979, -1)]
    every = engine.list_runs(10_000)
    assert len(every) == 10_000 and every[-1].name == "gen-00000"
    failed = engine.list_runs(10_000, phase="FAILED")
    assert len(failed) == 2000 and failed[0].error is not None
    assert failed[0].error.message == "bad 9995"
    assert len(engine.list_runs(10_000, entity="wf.e1")) == 3333
    # (time is not asserted, the machine is shared; it is reported with -s)
    print(f"listed 20 of 10,000 runs in {listed * 1e3:.1f} ms")
    out = CliRunner().invoke(main, ["runs", "list", "--limit", "3"])
    assert out.exit_code == 0, out.output
    assert [line.split()[0] for line in out.output.splitlines()] == [
        "gen-09999",
        "gen-09998",
        "gen-09997",
    ]
    # Runs are two minutes apart, the newest two minutes old: 7 days back is the 5040th
    # newest; prune 7 days minus a minute so that seconds spent meanwhile do not matter.
    pruned = engine.prune(7 * DAY - 60)
    assert len(pruned.runs) == 10_000 - 5039 and "gen-04960" in pruned.runs
    assert len(engine.list_runs(20_000)) == 5039


def test_direct_calls_can_skip_recording(
    home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from flytelike import engine as eng

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLYTELIKE_RECORD", "0")
    e = Engine(EngineConfig.from_env())
    old = eng.set_default_engine(e)
    try:
        assert items(xs=[1, 2]) == [2, 3]  # a direct call: computed, not recorded
        assert size(f=write(text="q")) == 50_000
        assert e.list_runs(10) == []
        CALLS.clear()
        first = cached_write(text="r")
        assert cached_write(text="r").path == first.path  # the cache still works
        assert CALLS == ["r"]
        assert e.list_runs(10) == []
        with pytest.raises(RunFailedError, match=r"needs the run store.*FLYTELIKE_RECORD=0"):
            asks(a=1)  # a gate keeps its state in the store: it says why it cannot wait
        recorded = e.run(items, xs=[5])  # runs started with run(...) are recorded
        assert [r.name for r in e.list_runs(10)] == [recorded.name]
    finally:
        eng.set_default_engine(old)
        e.close()
