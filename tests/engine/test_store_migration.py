"""A run store made by schema version 1 (no ``actions.group_name``, no ``closures``) is migrated
in place when opened, and its rows still read."""

from __future__ import annotations

import pickle
import sqlite3
from pathlib import Path

from flytelike.engine._run_store import RunStore
from flytelike.engine._store import SCHEMA_VERSION

# The version-1 tables that changed or are read here, as version 1 created them.
V1_SCHEMA = """
CREATE TABLE runs (
    name TEXT PRIMARY KEY, entity TEXT, kind TEXT, phase TEXT,
    created_at REAL, started_at REAL, ended_at REAL,
    inputs BLOB, inputs_uri TEXT, outputs BLOB, outputs_uri TEXT,
    error TEXT, closure BLOB, options TEXT, parent TEXT, attempts INTEGER DEFAULT 1, pid INTEGER
);
CREATE INDEX runs_created ON runs(created_at);
CREATE TABLE actions (
    run_name TEXT, action_id TEXT, parent TEXT, node_id TEXT, kind TEXT, name TEXT, phase TEXT,
    queued_at REAL, started_at REAL, ended_at REAL,
    inputs BLOB, inputs_uri TEXT, outputs BLOB, outputs_uri TEXT, error TEXT,
    cache_key TEXT, cache_status TEXT, attempts INTEGER DEFAULT 0,
    PRIMARY KEY (run_name, action_id)
) WITHOUT ROWID;
CREATE TABLE cache (
    key TEXT PRIMARY KEY, task TEXT, version TEXT, outputs BLOB, outputs_uri TEXT,
    created_at REAL, run_name TEXT, action_id TEXT
) WITHOUT ROWID;
"""


def _v1_db(path: Path) -> None:
    conn = sqlite3.connect(str(path))
    conn.executescript(V1_SCHEMA)
    conn.execute(
        "INSERT INTO actions (run_name, action_id, parent, node_id, kind, name, phase, queued_at, "
        "started_at, ended_at, cache_status, attempts) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        ("old-run", "n0", "", "n0", "task", "mod.t", "SUCCEEDED", 1.0, 1.0, 2.0, "MISS", 1),
    )
    conn.execute(
        "INSERT INTO runs (name, entity, kind, phase, closure) VALUES (?,?,?,?,?)",
        ("old-run", "mod.t", "task", "SUCCEEDED", pickle.dumps({"closure": "as v1 stored it"})),
    )
    conn.execute("PRAGMA user_version=1")
    conn.commit()
    conn.close()


def _columns(path: Path) -> list[str]:
    conn = sqlite3.connect(str(path))
    try:
        return [r[1] for r in conn.execute("PRAGMA table_info(actions)")]
    finally:
        conn.close()


def _version(path: Path) -> int:
    conn = sqlite3.connect(str(path))
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def test_version_1_database_is_migrated(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    _v1_db(db)
    assert "group_name" not in _columns(db)
    store = RunStore(db, str(tmp_path / "data"))
    try:
        assert _version(db) == SCHEMA_VERSION
        assert "group_name" in _columns(db)
        (old,) = store.actions("old-run")
        assert (old.action_id, old.name, old.phase, old.cache_status, old.attempts) == (
            "n0",
            "mod.t",
            "SUCCEEDED",
            "MISS",
            1,
        )
        assert old.group == ""
        # Version 1 stored each run's pickled closure in its row; later ones refer to a shared
        # ``closures`` row. Both read back.
        assert store.run_closure("old-run") == {"closure": "as v1 stored it"}
        store.set_action_group("new-run", "a/c0", "g/h")
        store.start_action("new-run", "a/c0", "a", "c0", "task", "mod.t", None)
        store.flush()
        (new,) = store.actions("new-run")
        assert (new.name, new.phase, new.group) == ("mod.t", "RUNNING", "g/h")
        # tables version 1 lacked are created too
        assert store.db.query("SELECT count(*) FROM signals") == [(0,)]
    finally:
        store.close()
    reopened = RunStore(db, str(tmp_path / "data"))  # opening a migrated store changes nothing
    try:
        assert [a.group for a in reopened.actions("new-run")] == ["g/h"]
        assert _columns(db).count("group_name") == 1
    finally:
        reopened.close()


def test_fresh_database_has_the_group_column(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    store = RunStore(db, str(tmp_path / "data"))
    try:
        assert "group_name" in _columns(db) and _version(db) == SCHEMA_VERSION
    finally:
        store.close()


def test_group_written_after_start_is_kept(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.db", str(tmp_path / "data"))
    try:
        store.start_action("r", "x", "", "x", "task", "t", None)
        store.flush()
        store.set_action_group("r", "x", "g")
        store.finish_action("r", "x", "SUCCEEDED")
        store.flush()
        (a,) = store.actions("r")
        assert (a.phase, a.group) == ("SUCCEEDED", "g")
    finally:
        store.close()
