"""The run store: SQLite (stdlib ``sqlite3``, WAL) holding runs, actions, attempts, decks,
signals and the task cache.

Writes that only record what happened (phases, outputs, attempts) go through one writer thread
per store: it drains its queue, writes everything queued in one transaction and commits, so a
chain of tiny tasks costs a few microseconds per record and a crash loses at most the last
instant. Writes that others wait on (cache entries, reservations, signals) are synchronous.
``flush()`` waits until everything queued is committed. Several processes may share one file:
WAL mode, a long busy timeout and ``BEGIN IMMEDIATE`` with retries keep them from losing records.

Tables: ``runs``, ``actions`` (node executions, map items, dynamic children; one row per
``(run_name, action_id)``), ``map_items`` (items of the fast map path, a row per batch; see
``_items``), ``closures`` (pickled closures by digest, shared by the runs of an entity),
``attempts``, ``logs`` (what each attempt printed; see ``_logs``), ``decks``, ``gates`` and
``signals``, ``cache`` and ``cache_reservations``. Reading them into records lives in ``_records``.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import queue
import sqlite3
import threading
import time
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger("flytelike.engine.store")

SCHEMA_VERSION = 5

# Columns added after version 1, by table: (column, declaration). ``_init_schema`` adds the ones an
# older database lacks (version 2: ``actions.group_name``, the v2 group path of an action;
# version 4: ``runs.cache_key``, set on runs served whole from the cache); new tables come from
# ``SCHEMA`` (version 3: ``closures``, which runs refer to by digest; version 5: ``logs``, what
# each attempt printed).
MIGRATIONS: tuple[tuple[str, str, str], ...] = (
    ("actions", "group_name", "TEXT"),
    ("runs", "cache_key", "TEXT"),
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    name TEXT PRIMARY KEY, entity TEXT, kind TEXT, phase TEXT,
    created_at REAL, started_at REAL, ended_at REAL,
    inputs BLOB, inputs_uri TEXT, outputs BLOB, outputs_uri TEXT,
    error TEXT, closure BLOB, options TEXT, parent TEXT, attempts INTEGER DEFAULT 1, pid INTEGER,
    cache_key TEXT
);
CREATE INDEX IF NOT EXISTS runs_created ON runs(created_at);
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
"""

_FLUSH = object()
_STOP = object()
_UPSERT = object()
_ROWS = object()
_NUDGE = object()
_BUSY_RETRIES = 200
BATCH_SECONDS = 0.02


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=30.0, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


def _migrate(conn: sqlite3.Connection) -> None:
    """Add the columns of ``MIGRATIONS`` an existing (older) database lacks; run inside the
    schema transaction. Columns are checked, not versions, so a database another process
    migrated meanwhile (or an older flytelike re-stamped) is left as it is."""
    for table, column, decl in MIGRATIONS:
        have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        if column not in have:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")


def _is_busy(e: sqlite3.OperationalError) -> bool:
    text = str(e).lower()
    return "locked" in text or "busy" in text


class SQLiteStore:
    """Connections, the writer thread and the schema of one ``runs.db``."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        self._writer_lock = threading.Lock()
        self._urgent = threading.Event()
        self._pending: tuple[str, tuple[str, ...], Any] | None = None
        self._nudged = False
        self._init_schema()
        _register_exit_flush()
        _OPEN.add(self)

    # ------------------------------------------------------------------ connections
    def _init_schema(self) -> None:
        conn = self.connection()
        for attempt in range(_BUSY_RETRIES):
            try:
                if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    conn.execute("PRAGMA journal_mode=WAL")
                if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                    conn.execute("BEGIN IMMEDIATE")
                    try:
                        for stmt in SCHEMA.split(";"):
                            if stmt.strip():
                                conn.execute(stmt)
                        _migrate(conn)
                        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                        conn.execute("COMMIT")
                    except BaseException:
                        conn.execute("ROLLBACK")
                        raise
                return
            except sqlite3.OperationalError as e:
                if not _is_busy(e) or attempt == _BUSY_RETRIES - 1:
                    raise
                time.sleep(0.01)

    def connection(self) -> sqlite3.Connection:
        """This thread's connection."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = _connect(self.path)
            self._local.conn = conn
        return conn

    # ------------------------------------------------------------------ reads
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.connection().execute(sql, params).fetchall()

    # ------------------------------------------------------------------ synchronous writes
    def execute(self, ops: Sequence[tuple[str, Sequence[Any]]]) -> list[int]:
        """Run ``ops`` in one immediate transaction now; returns each one's rowcount."""
        conn = self.connection()
        for attempt in range(_BUSY_RETRIES):
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as e:
                if not _is_busy(e) or attempt == _BUSY_RETRIES - 1:
                    raise
                time.sleep(0.005 * (1 + attempt % 10))
                continue
            try:
                counts = [conn.execute(sql, params).rowcount for sql, params in ops]
                conn.execute("COMMIT")
                return counts
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        raise AssertionError("unreachable")

    # ------------------------------------------------------------------ queued writes
    def write(self, sql: str, params: Sequence[Any]) -> None:
        """Queue a write; the writer thread commits it shortly."""
        if self._writer is None:
            self._start_writer()
        self._queue.put((sql, params))

    def upsert(self, table: str, keys: tuple[str, ...], row: dict[str, Any]) -> None:
        """Queue an insert-or-update of ``row`` (a dict of columns) keyed by ``keys``.

        Upserts of one key queued together merge into one row (later values win), so an
        action's start and end written in the same batch cost one statement.
        """
        if self._writer is None:
            self._start_writer()
        self._queue.put((_UPSERT, table, keys, row))

    def write_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if self._writer is None:
            self._start_writer()
        self._queue.put((sql, rows, True))

    def write_rows(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> None:
        """Queue several single-row writes as one item (each statement's rows are batched
        with the same statement's rows from other items)."""
        if self._writer is None:
            self._start_writer()
        self._queue.put((_ROWS, statements))

    def flush(self, timeout: float | None = 60.0) -> None:
        """Wait until every queued write is committed."""
        if self._writer is None:
            return
        done = threading.Event()
        self._queue.put((_FLUSH, done))
        self._urgent.set()
        if not done.wait(timeout):
            log.warning("run store flush timed out after %ss", timeout)

    def _start_writer(self) -> None:
        with self._writer_lock:
            if self._writer is None:
                t = threading.Thread(target=self._write_loop, name="flytelike-store", daemon=True)
                t.start()
                self._writer = t

    def set_pending(self, table: str, keys: tuple[str, ...], take: Any) -> None:
        """Rows held back by their producer (``take()`` hands them over and forgets them, as
        ``(table, keys, row)`` upserts): taken at the start of every batch, before what is
        queued, so a producer that finds its row still held can replace it by a whole row."""
        self._pending = (table, keys, take)

    def nudge(self) -> None:
        """Make sure a batch runs soon (for rows held back with ``set_pending``)."""
        if not self._nudged:
            self._nudged = True
            if self._writer is None:
                self._start_writer()
            self._queue.put((_NUDGE,))

    def _write_loop(self) -> None:
        conn = _connect(self.path)
        while True:
            first = self._queue.get()
            # Let records accumulate: fewer, larger transactions and far fewer thread wake-ups
            # (each costs the producing thread a GIL hand-off). flush() cuts the wait short.
            if first is not _STOP and first[0] is not _FLUSH:
                self._urgent.wait(BATCH_SECONDS)
            self._urgent.clear()
            self._nudged = False
            merged: dict[tuple[str, tuple[str, ...]], dict[tuple[Any, ...], dict[str, Any]]] = {}
            if self._pending is not None:
                # Taken before draining the queue: what producers queue after this point
                # (whole rows replacing held ones, or later upserts) is written after it.
                for table, keys, row in self._pending[2]():
                    _merge(merged, table, keys, row)
            batch = [first]
            while True:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            events: list[threading.Event] = []
            # Statements in order of first appearance, each with its rows in queue order.
            grouped: dict[str, list[Sequence[Any]]] = {}
            stop = False
            for item in batch:
                if item is _STOP:
                    stop = True
                    continue
                kind = item[0]
                if kind is _UPSERT:
                    _merge(merged, item[1], item[2], item[3])
                elif kind is _ROWS:
                    for sql, params in item[1]:
                        rows_of = grouped.get(sql)
                        if rows_of is None:
                            grouped[sql] = [params]
                        else:
                            rows_of.append(params)
                elif kind is _FLUSH:
                    events.append(item[1])
                elif kind is _NUDGE:
                    pass
                elif len(item) == 3:  # write_many
                    grouped.setdefault(kind, []).extend(item[1])
                else:
                    grouped.setdefault(kind, []).append(item[1])
            ops = list(grouped.items())
            for (table, keys), rows in merged.items():
                ops.extend(_upsert_ops(table, keys, list(rows.values())))
            if ops:
                self._commit(conn, ops)
            for ev in events:
                ev.set()
            if stop:
                conn.close()
                return

    def _commit(self, conn: sqlite3.Connection, ops: list[tuple[str, list[Sequence[Any]]]]) -> None:
        for attempt in range(_BUSY_RETRIES):
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    for sql, rows in ops:
                        if len(rows) == 1:
                            conn.execute(sql, rows[0])
                        else:
                            _insert_many(conn, sql, rows)
                    conn.execute("COMMIT")
                    return
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            except sqlite3.OperationalError as e:
                if _is_busy(e) and attempt < _BUSY_RETRIES - 1:
                    time.sleep(0.005 * (1 + attempt % 10))
                    continue
                log.exception("run store: could not write %d statements", len(ops))
                return
            except Exception:
                log.exception("run store: could not write %d statements", len(ops))
                return

    def close(self) -> None:
        if self._writer is not None:
            self._queue.put(_STOP)
            self._urgent.set()
            self._writer.join(30)
            self._writer = None
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
        _OPEN.discard(self)


# Multi-row statements: ``INSERT ... VALUES (?,..),(?,..),...`` inserts many rows in one
# ``sqlite3_step``. ``executemany`` steps once per row, and every step releases the GIL: with the
# engine's thread busy, each re-acquisition waits for a forced switch (milliseconds), so a writer
# thread stepping row by row falls far behind. Keyed by (statement, rows per statement).
_MULTI: dict[tuple[str, int], str] = {}
MAX_ROWS_PER_STATEMENT = 256


def _multi_row_sql(sql: str, k: int) -> str | None:
    """``sql`` (one ``VALUES (...)`` group) rewritten to insert ``k`` rows, or ``None``."""
    found = _MULTI.get((sql, k))
    if found is not None:
        return found
    at = sql.find(" VALUES (")
    if at < 0 or not sql.startswith("INSERT"):
        return None
    end = sql.index(")", at)
    group = sql[at + len(" VALUES ") : end + 1]
    multi = sql[:at] + " VALUES " + ",".join([group] * k) + sql[end + 1 :]
    if len(_MULTI) > 512:
        _MULTI.clear()
    _MULTI[(sql, k)] = multi
    return multi


def _insert_many(conn: sqlite3.Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    width = len(rows[0])
    limit = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    k = max(1, min(MAX_ROWS_PER_STATEMENT, limit // max(1, width)))
    if k == 1 or _multi_row_sql(sql, 2) is None:
        conn.executemany(sql, rows)
        return
    for start in range(0, len(rows), k):
        chunk = rows[start : start + k]
        if len(chunk) == 1:
            conn.execute(sql, chunk[0])
            continue
        multi = _multi_row_sql(sql, len(chunk))
        assert multi is not None
        conn.execute(multi, [p for row in chunk for p in row])


def _merge(
    merged: dict[tuple[str, tuple[str, ...]], dict[tuple[Any, ...], dict[str, Any]]],
    table: str,
    keys: tuple[str, ...],
    row: dict[str, Any],
) -> None:
    rows = merged.get((table, keys))
    if rows is None:
        rows = merged[(table, keys)] = {}
    k = (row[keys[0]], row[keys[1]]) if len(keys) == 2 else tuple(row[c] for c in keys)
    found = rows.get(k)
    if found is None:
        rows[k] = row
    else:
        found.update(row)


def _upsert_ops(
    table: str, keys: tuple[str, ...], rows: list[dict[str, Any]]
) -> list[tuple[str, list[Sequence[Any]]]]:
    """One ``INSERT ... ON CONFLICT DO UPDATE`` per distinct column set, with its rows."""
    groups: dict[tuple[str, ...], list[Sequence[Any]]] = {}
    for row in rows:
        cols = tuple(row)
        groups.setdefault(cols, []).append(tuple(row.values()))
    out = []
    for cols, values in groups.items():
        updates = ", ".join(f"{c}=excluded.{c}" for c in cols if c not in keys)
        sql = (
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
            f"ON CONFLICT({', '.join(keys)}) DO "
            + (f"UPDATE SET {updates}" if updates else "NOTHING")
        )
        out.append((sql, values))
    return out


_OPEN: weakref.WeakSet[SQLiteStore] = weakref.WeakSet()
_EXIT_REGISTERED: list[bool] = []


def _register_exit_flush() -> None:
    if not _EXIT_REGISTERED:
        _EXIT_REGISTERED.append(True)
        atexit.register(_flush_all)


def _flush_all() -> None:
    for store in list(_OPEN):
        with contextlib.suppress(Exception):  # best effort at exit
            store.flush(10)
