"""Safe stores: private permissions, integrity seals on what is unpickled (a planted pickle is
refused and never runs), write failures recorded as FAILED runs, damaged or unusable stores
reported with the package's errors, and ``flytelike store check``/``repair``."""

from __future__ import annotations

import errno
import os
import pickle
import sqlite3
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

import flytelike as fl
from flytelike.cli import main
from flytelike.engine import Engine, EngineConfig
from flytelike.engine._blobs import pack_literals
from flytelike.engine._store import SQLiteStore
from flytelike.engine.errors import (
    StoreCorruptError,
    StoreUnavailableError,
    UntrustedDataError,
)
from typesystem import Binary, PickleFallbackWarning


class Opaque:
    """A class no transformer knows: it travels pickled (cloudpickle fallback)."""

    def __init__(self, v: int) -> None:
        self.v = v


class Payload:
    """What an attacker plants: unpickling it creates ``path`` (a stand-in for any code)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.mkdir, (self.path,))


with pytest.warns(PickleFallbackWarning):

    @fl.task(cache=True, cache_version="1")
    def make(v: int) -> Opaque:
        return Opaque(v)


@fl.task
def fails_once(path: str) -> int:
    if not os.path.exists(path):
        open(path, "w").close()
        raise ValueError("first attempt fails")
    return 1


@fl.workflow
def flaky(path: str) -> int:
    return fails_once(path=path)  # type: ignore[no-any-return]


@fl.task
def big(n: int) -> str:
    return "x" * n


@fl.task
def length(s: str) -> int:
    return len(s)


@fl.workflow
def big_chain(n: int) -> int:
    return length(s=big(n=n))  # type: ignore[no-any-return]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _fresh(home: Path) -> Engine:
    return Engine(EngineConfig.from_env(home=home))


def test_home_and_files_are_private(engine: Engine, home: Path) -> None:
    assert engine.run(big_chain, n=100_000).outputs() == 100_000
    engine.store.flush()
    assert make(v=1).v == 1
    assert _mode(home) == 0o700
    db = home / "runs.db"
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}.key")):
        assert _mode(path) == 0o600, path
    assert _mode(Path(f"{db}.cache-generation")) == 0o600
    blobs = [p for p in (home / "data" / "runs").rglob("*")]
    assert any(p.is_file() for p in blobs)
    for p in blobs:
        assert _mode(p) == (0o600 if p.is_file() else 0o700), p


def _plant_cache(engine: Engine, planted: bytes) -> None:
    engine.store.flush()
    engine.store.db.execute([("UPDATE cache SET outputs=?, outputs_uri=NULL", (planted,))])


def test_a_planted_pickle_in_the_cache_is_refused_and_never_runs(
    engine: Engine, home: Path, tmp_path: Path
) -> None:
    assert engine.run(make, v=2).outputs().v == 2
    marker = tmp_path / "pwned"
    evil = pickle.dumps(Payload(str(marker)))
    _plant_cache(engine, pack_literals({"o0": Binary("cloudpickle", evil)}))
    fresh = _fresh(home)  # another process, as it were: nothing remembered
    try:
        with pytest.raises(UntrustedDataError) as e:
            fresh.run(make, v=2)
        msg = str(e.value)
        assert "refused to load the cached outputs of" in msg and "no integrity seal" in msg
        assert "store repair --trust" in msg and str(home) in msg
        # A forged seal (someone without the key) is refused the same way.
        forged = b"\xc1\x01" + b"\x00" * 32 + pack_literals({"o0": Binary("cloudpickle", evil)})
        _plant_cache(engine, forged)
        with pytest.raises(UntrustedDataError, match="seal does not match"):
            _fresh(home).run(make, v=2)
    finally:
        fresh.close()
    assert not marker.exists(), "the planted pickle ran"


def test_a_planted_closure_is_refused_on_resume(engine: Engine, home: Path, tmp_path: Path) -> None:
    seen = tmp_path / "seen"
    run = engine.run(flaky, path=str(seen))
    assert run.phase.value == "FAILED"
    marker = tmp_path / "pwned"
    engine.store.flush()
    engine.store.db.execute([("UPDATE closures SET data=?", (pickle.dumps(Payload(str(marker))),))])
    fresh = _fresh(home)
    try:
        with pytest.raises(UntrustedDataError, match=f"the closure of run {run.name}"):
            fresh.resume(run.name)
        out = CliRunner().invoke(main, ["resume", run.name])
        assert out.exit_code == 1 and "refused to load the closure" in out.output
        rec = fresh.store.get_run(run.name)
        assert rec is not None and rec.phase == "FAILED"  # the record is unchanged
    finally:
        fresh.close()
    assert not marker.exists(), "the planted closure ran"


def test_check_reports_unsealed_pickles_and_repair_trust_seals_them(
    engine: Engine, home: Path, tmp_path: Path
) -> None:
    seen = tmp_path / "seen"
    run = engine.run(flaky, path=str(seen))
    engine.store.flush()
    data = engine.store.db.query("SELECT data FROM closures")[0][0]
    engine.store.db.execute([("UPDATE closures SET data=?", (data[34:],))])  # seal stripped
    runner = CliRunner()
    out = runner.invoke(main, ["store", "check"])
    assert out.exit_code == 1
    assert "1 stored pickle(s) lack a valid integrity seal" in out.output
    assert "store repair --trust" in out.output
    out = runner.invoke(main, ["store", "repair", "--trust"])
    assert out.exit_code == 0 and "sealed 1 stored pickle(s)" in out.output
    assert runner.invoke(main, ["store", "check"]).exit_code == 0
    resumed = _fresh(home)
    try:
        assert resumed.resume(run.name).outputs() == 1
    finally:
        resumed.close()


def test_an_older_store_is_sealed_when_opened(engine: Engine, home: Path, tmp_path: Path) -> None:
    seen = tmp_path / "seen"
    run = engine.run(flaky, path=str(seen))
    engine.store.flush()
    engine.close()
    db = home / "runs.db"
    conn = sqlite3.connect(db)
    data = conn.execute("SELECT data FROM closures").fetchone()[0]
    conn.execute("UPDATE closures SET data=?", (data[34:],))  # as version 5 wrote it
    conn.execute("PRAGMA user_version=5")
    conn.commit()
    conn.close()
    reopened = _fresh(home)
    try:
        assert reopened.resume(run.name).outputs() == 1
    finally:
        reopened.close()


def test_a_full_disk_for_blobs_fails_the_run_in_the_store(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flytelike.engine import _blobs

    def full(path: str, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", path)

    monkeypatch.setattr(_blobs, "write_private", full)
    run = engine.run(big_chain, n=100_000)
    assert run.phase.value == "FAILED"
    engine.store.flush()
    rec = engine.store.get_run(run.name)
    assert rec is not None and rec.phase == "FAILED" and rec.error is not None
    assert "no space left" in rec.error.message and "blob store" in rec.error.message


def test_a_batch_the_store_cannot_take_fails_its_run_in_the_store(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    apply = SQLiteStore._apply
    failing = [True]

    def full_once(conn: sqlite3.Connection, ops: list) -> None:  # type: ignore[type-arg]
        if failing[0] and any(sql.startswith("INSERT INTO runs") for sql, _ in ops):
            failing[0] = False  # the batch that creates the run: its row is lost
            raise sqlite3.OperationalError("database or disk is full")
        apply(conn, ops)

    monkeypatch.setattr(SQLiteStore, "_apply", staticmethod(full_once))
    run = engine.run(big_chain, n=10)
    assert run.phase.value == "FAILED"
    assert not failing[0]
    engine.store.flush()
    rec = engine.store.get_run(run.name)
    assert rec is not None, "the run was left unrecorded"
    assert rec.phase == "FAILED" and rec.entity.endswith("big_chain")
    assert rec.error is not None and "no space left for the run store" in rec.error.message
    assert "runs prune" in rec.error.message
    monkeypatch.undo()
    assert engine.run(big_chain, n=10).outputs() == 10  # the store works again once it can


def test_a_damaged_store_fails_with_a_clear_error_and_repairs(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flytelike import engine as eng

    monkeypatch.setattr(eng, "_DEFAULT", None)  # the CLI builds its engine from FLYTELIKE_HOME
    home.mkdir(mode=0o700)
    (home / "runs.db").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreCorruptError) as e:
        _fresh(home).store  # noqa: B018 (opening is what fails)
    assert str(home / "runs.db") in str(e.value) and "store repair" in str(e.value)
    assert e.value.path == str(home / "runs.db")
    runner = CliRunner()
    out = runner.invoke(main, ["runs", "list"])
    assert out.exit_code == 1 and "is damaged" in out.output and "Traceback" not in out.output
    out = runner.invoke(main, ["store", "check"])
    assert out.exit_code == 1 and "cannot be read" in out.output
    out = runner.invoke(main, ["store", "repair"])
    assert out.exit_code == 0 and "moved the damaged database aside" in out.output
    assert list(home.glob("runs.db.corrupt-*"))
    assert runner.invoke(main, ["store", "check"]).exit_code == 0
    repaired = _fresh(home)
    try:
        assert repaired.run(big_chain, n=3).outputs() == 3
    finally:
        repaired.close()


def test_repair_copies_what_a_damaged_database_still_holds(engine: Engine, home: Path) -> None:
    names = [engine.run(big_chain, n=i).name for i in range(30)]
    engine.store.flush()
    engine.close()
    db = home / "runs.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    raw = bytearray(db.read_bytes())
    page = 4096
    # Scramble the last pages (row data; the first page, the schema, stays readable).
    for at in range(len(raw) - 2 * page, len(raw)):
        raw[at] = (raw[at] * 7 + 13) % 256
    db.write_bytes(bytes(raw))
    out = CliRunner().invoke(main, ["store", "check"])
    assert out.exit_code == 1 and "PROBLEM" in out.output
    out = CliRunner().invoke(main, ["store", "repair"])
    assert out.exit_code == 0 and "started a new database with the rows" in out.output
    fresh = _fresh(home)
    try:
        kept = {r.name for r in fresh.list_runs(100)}
        assert kept <= set(names)
        assert CliRunner().invoke(main, ["store", "check"]).exit_code == 0
    finally:
        fresh.close()


def test_an_unusable_home_fails_with_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(StoreUnavailableError) as e:
        _fresh(blocker / "home").store  # noqa: B018
    assert str(blocker / "home") in str(e.value) and "FLYTELIKE_HOME" in str(e.value)


def test_check_reports_loose_permissions_and_repair_tightens_them(home: Path) -> None:
    e = _fresh(home)
    try:
        e.run(big_chain, n=2)
        e.store.flush()
    finally:
        e.close()
    os.chmod(home, 0o755)
    os.chmod(home / "runs.db", 0o644)
    runner = CliRunner()
    out = runner.invoke(main, ["store", "check"], env={"FLYTELIKE_HOME": str(home)})
    assert out.exit_code == 1
    assert "can be read by its group and others (mode 755)" in out.output
    assert "(mode 644)" in out.output
    out = runner.invoke(main, ["store", "repair"], env={"FLYTELIKE_HOME": str(home)})
    assert out.exit_code == 0 and "private to you" in out.output
    assert _mode(home) == 0o700 and _mode(home / "runs.db") == 0o600
