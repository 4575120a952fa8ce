"""The run store: SQLite (stdlib ``sqlite3``, WAL) holding runs, actions, attempts, decks,
signals and the task cache.

Writes that only record what happened (phases, outputs, attempts) are queued: one writer thread
per store commits everything queued as one transaction every ``BATCH_SECONDS`` (``_batch`` turns
a batch into few statements). ``barrier()`` is the durability point: the engine calls it before
starting what depends on a finished action, and it returns once everything queued so far is
committed (the calling thread commits the batch itself, so a kill -9 loses no finished work that
anything was built on). ``flush()`` commits everything queued and held back. Writes that others
wait on (cache entries, reservations, signals) are synchronous. Several processes may share one
file: WAL mode, a long busy timeout and ``BEGIN IMMEDIATE`` with retries keep them from losing
records.

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
import os
import sqlite3
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from flytelike.engine._batch import ROWS, UPSERT, Ops, drain, insert_many

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

_BUSY_RETRIES = 200
BATCH_SECONDS = 0.02


# The write-ahead log is checkpointed by the writer thread once it holds this many bytes, never
# by a commit: with ``synchronous=NORMAL`` a checkpoint is the only write that waits for the
# disk (fsync, milliseconds), and the commits the engine waits for (``barrier``) must not pay it.
CHECKPOINT_BYTES = 4 << 20


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=30.0, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
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
        # Queued writes. Only a holder of ``_lock`` takes items out (the writer thread, or any
        # thread committing on its own in ``flush``/``barrier``), so batches commit in order.
        self._items: deque[Any] = deque()
        self._lock = threading.Lock()
        self._committing = False  # a batch is being taken or committed (under ``_lock``)
        self._writer: threading.Thread | None = None
        self._writer_lock = threading.Lock()
        self._wake = threading.Event()
        self._signalled = False  # the writer was woken for what is queued
        self._stopping = threading.Event()
        self._pending: Callable[[], Any] | None = None
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
    def _put(self, item: Any) -> None:
        self._items.append(item)
        if not self._signalled:
            self._signal()

    def _signal(self) -> None:
        self._signalled = True
        if self._writer is None:
            self._start_writer()
        self._wake.set()

    def write(self, sql: str, params: Sequence[Any]) -> None:
        """Queue a write; the writer thread commits it shortly."""
        self._put((sql, params))

    def upsert(self, table: str, keys: tuple[str, ...], row: dict[str, Any]) -> None:
        """Queue an insert-or-update of ``row`` (a dict of columns) keyed by ``keys``.

        Upserts of one key queued together merge into one row (later values win), so an
        action's start and end written in the same batch cost one statement.
        """
        self._put((UPSERT, table, keys, row))

    def write_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._put((sql, rows, True))

    def write_rows(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> None:
        """Queue several single-row writes as one item (each statement's rows are batched
        with the same statement's rows from other items)."""
        self._put((ROWS, statements))

    def flush(self, timeout: float | None = 60.0) -> None:
        """Commit every queued write (and every row held back) now, on the calling thread."""
        if not self._lock.acquire(timeout=-1 if timeout is None else timeout):
            log.warning("run store flush timed out after %ss", timeout)
            return
        try:
            self._commit_queued(self.connection())
        finally:
            self._lock.release()

    def barrier(self) -> None:
        """Return once every write queued so far is committed: the durability point before the
        engine starts what depends on a finished action. Free when nothing is queued or being
        committed; otherwise the calling thread commits the batch itself (no hand-off to the
        writer thread)."""
        # (``_committing`` is set before a batch is taken from ``_items``: an item is always
        # either still queued or in a batch whose commit ``_lock`` waits for.)
        if not self._items and not self._committing:
            return
        with self._lock:
            self._commit_queued(self.connection())

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
        self._pending = take

    def nudge(self) -> None:
        """Make sure a batch runs soon (for rows held back with ``set_pending``)."""
        if not self._signalled:
            self._signal()

    def _write_loop(self) -> None:
        conn = _connect(self.path)
        stopping = self._stopping
        while True:
            self._wake.wait()
            # Let records accumulate: fewer, larger transactions and far fewer thread wake-ups
            # (each costs the producing thread a GIL hand-off). ``barrier`` and ``flush`` do not
            # wait for this: they commit on their own thread.
            stopping.wait(BATCH_SECONDS)
            # Clear before re-arming ``_signalled``: a producer that sees it unset after this
            # sets the event again, so nothing queued is left waiting.
            self._wake.clear()
            self._signalled = False
            with self._lock:
                self._commit_queued(conn)
            if stopping.is_set():
                conn.close()
                return
            self._checkpoint(conn)

    def _checkpoint(self, conn: sqlite3.Connection) -> None:
        """Checkpoint the write-ahead log once it is large (on the writer thread; concurrent
        commits go on meanwhile)."""
        try:
            big = os.stat(f"{self.path}-wal").st_size >= CHECKPOINT_BYTES
        except OSError:
            return
        if big:
            try:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.Error as e:  # busy or failing: the next wake-up tries again
                log.debug("run store checkpoint skipped: %s", e)

    def _commit_queued(self, conn: sqlite3.Connection) -> None:
        """Take everything queued or held back and commit it (the caller holds ``_lock``)."""
        self._committing = True
        try:
            ops = drain(self._items, self._pending)
            if ops:
                self._commit(conn, ops)
        finally:
            self._committing = False

    def _commit(self, conn: sqlite3.Connection, ops: Ops) -> None:
        for attempt in range(_BUSY_RETRIES):
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    for sql, rows in ops:
                        if len(rows) == 1:
                            conn.execute(sql, rows[0])
                        else:
                            insert_many(conn, sql, rows)
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

    def _forget_parent(self) -> None:
        """In a forked child: drop the parent's connections, queue, held rows and threads."""
        self._local = threading.local()
        self._items = deque()
        self._lock = threading.Lock()
        self._committing = False
        self._writer = None
        self._writer_lock = threading.Lock()
        self._wake = threading.Event()
        self._signalled = False
        self._stopping = threading.Event()
        self._pending = None

    def close(self) -> None:
        if self._writer is not None:
            self._stopping.set()
            self._wake.set()
            self._writer.join(30)
            self._writer = None
            self._stopping.clear()
        self.flush()
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
        _OPEN.discard(self)


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


def _after_fork_in_child() -> None:
    # A forked child must neither use the parent's connections (SQLite forbids carrying one
    # across fork) nor commit what the parent queued or holds back (the parent does): the
    # stores it inherited start over empty, with new locks, and are not flushed at its exit.
    for store in list(_OPEN):
        store._forget_parent()
    _OPEN.clear()


os.register_at_fork(after_in_child=_after_fork_in_child)
