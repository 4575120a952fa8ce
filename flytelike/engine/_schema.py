"""The run store's schema: its tables (``SCHEMA``), its version and the steps that bring an older
database up to date (``upgrade``), run by ``SQLiteStore`` in one transaction when it opens a
database whose ``user_version`` is older than ``SCHEMA_VERSION``.

Versions: 1 the first tables; 2 ``actions.group_name`` (the v2 group path of an action); 3
``closures`` (pickled closures by digest, which runs refer to); 4 ``runs.cache_key`` (runs served
whole from the cache); 5 ``logs`` (what each attempt printed); 6 integrity seals: the pickles an
older store holds (closures, gate types, literal maps with a pickled value) are sealed with the
home's key (``_integrity``) when the database belongs to the user opening it, so runs recorded
before seals existed still resume; 7 indexes for every ``runs list`` filter (phase, entity, both),
newest first, so listing stays fast on a store of 100,000 runs; 8 ``runs.project``/``runs.domain``
(the run's namespace, ``_namespace``; older rows get theirs from their recorded options, else the
defaults) with indexes for the ``runs list --project [--domain]`` filters; 9 ``pending_marks``
(how far each process's pending journal is committed, ``_pending``). Each step is idempotent:
columns and tables are checked, not assumed, and sealed payloads are left as they are.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable

from flytelike.engine._namespace import DEFAULT_DOMAIN, DEFAULT_PROJECT

SCHEMA_VERSION = 9

# Columns added after version 1, by table: (column, declaration); new tables come from ``SCHEMA``.
MIGRATIONS: tuple[tuple[str, str, str], ...] = (
    ("actions", "group_name", "TEXT"),
    ("runs", "cache_key", "TEXT"),
    ("runs", "project", "TEXT"),
    ("runs", "domain", "TEXT"),
)

# Version 8: the namespace of runs recorded before it (their options, else the defaults).
_FILL_NAMESPACE = (
    "UPDATE runs SET project = coalesce(project, CASE WHEN json_valid(options) THEN "
    "json_extract(options, '$.project') END, ?), domain = coalesce(domain, CASE WHEN "
    "json_valid(options) THEN json_extract(options, '$.domain') END, ?) "
    "WHERE project IS NULL OR domain IS NULL"
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    name TEXT PRIMARY KEY, entity TEXT, kind TEXT, phase TEXT,
    created_at REAL, started_at REAL, ended_at REAL,
    inputs BLOB, inputs_uri TEXT, outputs BLOB, outputs_uri TEXT,
    error TEXT, closure BLOB, options TEXT, parent TEXT, attempts INTEGER DEFAULT 1, pid INTEGER,
    cache_key TEXT, project TEXT, domain TEXT
);
CREATE INDEX IF NOT EXISTS runs_created ON runs(created_at);
CREATE INDEX IF NOT EXISTS runs_phase ON runs(phase, created_at);
CREATE INDEX IF NOT EXISTS runs_entity ON runs(entity, created_at);
CREATE INDEX IF NOT EXISTS runs_entity_phase ON runs(entity, phase, created_at);
CREATE INDEX IF NOT EXISTS runs_project ON runs(project, created_at);
CREATE INDEX IF NOT EXISTS runs_project_domain ON runs(project, domain, created_at);
CREATE TABLE IF NOT EXISTS actions (
    run_name TEXT, action_id TEXT, parent TEXT, node_id TEXT, kind TEXT, name TEXT, phase TEXT,
    queued_at REAL, started_at REAL, ended_at REAL,
    inputs BLOB, inputs_uri TEXT, outputs BLOB, outputs_uri TEXT, error TEXT,
    cache_key TEXT, cache_status TEXT, attempts INTEGER DEFAULT 0, group_name TEXT,
    PRIMARY KEY (run_name, action_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS attempts (
    run_name TEXT, action_id TEXT, attempt INTEGER, phase TEXT,
    started_at REAL, ended_at REAL, error_kind TEXT, error_type TEXT, message TEXT, traceback TEXT,
    PRIMARY KEY (run_name, action_id, attempt)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS decks (
    run_name TEXT, action_id TEXT, name TEXT, uri TEXT,
    PRIMARY KEY (run_name, action_id, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS gates (
    run_name TEXT, action_id TEXT, name TEXT, kind TEXT, type BLOB, phase TEXT, created_at REAL,
    PRIMARY KEY (run_name, action_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS signals (
    run_name TEXT, name TEXT, value TEXT, created_at REAL,
    PRIMARY KEY (run_name, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cache (
    key TEXT PRIMARY KEY, task TEXT, version TEXT, outputs BLOB, outputs_uri TEXT,
    created_at REAL, run_name TEXT, action_id TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS closures (digest TEXT PRIMARY KEY, data BLOB);
CREATE TABLE IF NOT EXISTS logs (
    run_name TEXT, action_id TEXT, attempt INTEGER, created_at REAL, data BLOB, dropped INTEGER,
    PRIMARY KEY (run_name, action_id, attempt)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS map_items (
    run_name TEXT, action_id TEXT, node_id TEXT, name TEXT, data BLOB
);
CREATE INDEX IF NOT EXISTS map_items_run ON map_items(run_name, action_id);
CREATE TABLE IF NOT EXISTS cache_reservations (
    key TEXT PRIMARY KEY, owner TEXT, expires_at REAL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pending_marks (owner TEXT PRIMARY KEY, seq INTEGER) WITHOUT ROWID;
"""


def upgrade(
    conn: sqlite3.Connection,
    old_version: int,
    path: str,
    seal: Callable[[sqlite3.Connection], int] | None = None,
) -> None:
    """Bring the database at ``path`` from ``old_version`` to ``SCHEMA_VERSION``, inside the
    caller's transaction. ``seal``: the version 6 step (``_seals.seal_all``), run for a database
    this user owns."""
    _add_columns(conn)  # (first: an index of SCHEMA may name a column added since)
    for stmt in SCHEMA.split(";"):
        if stmt.strip():
            conn.execute(stmt)
    if old_version < 8:
        conn.execute(_FILL_NAMESPACE, (DEFAULT_PROJECT, DEFAULT_DOMAIN))
    if old_version < 6 and seal is not None and _owned(path):
        seal(conn)


def _owned(path: str) -> bool:
    try:
        return os.stat(path).st_uid == os.getuid()
    except OSError:
        return False


def _add_columns(conn: sqlite3.Connection) -> None:
    """Add the columns of ``MIGRATIONS`` an existing (older) database lacks; run inside the
    schema transaction. Columns are checked, not versions, so a database another process
    migrated meanwhile (or an older flytelike re-stamped) is left as it is."""
    for table, column, decl in MIGRATIONS:
        if not conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,)
        ).fetchone():
            continue  # (a new database: SCHEMA creates the table with the column)
        have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        if column not in have:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")
