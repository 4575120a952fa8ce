"""The run store: SQLite (stdlib ``sqlite3``, WAL) holding runs, actions, attempts, decks,
signals and the task cache.

Writes that only record what happened (phases, outputs, attempts) are queued: one writer thread
per store commits everything queued as one transaction every ``BATCH_SECONDS`` (``_batch`` turns
a batch into few statements). ``barrier()`` is the durability point: the engine calls it before
starting what depends on a finished action, and it returns once everything queued so far would
survive a kill -9: appended to this process's pending journal (``_pending``, a memory copy) and
committed by the writer's next batch; the next process to open the store applies what a killed
one journaled but never committed. Once a store has a journal, the writer journals each batch it
takes before committing it outside the queue's lock, so a durability point never waits for the
writer's transaction (``_write_batch``). History nothing is built on (attempt rows, ``write_later``)
is not journaled. ``flush()`` commits everything queued, journaled and held back. Writes that others
wait on (cache entries, reservations, signals) are synchronous. Several processes may share one
file: WAL mode, a long busy timeout and ``BEGIN IMMEDIATE`` with retries keep them from losing
records.

Tables: ``runs``, ``actions`` (node executions, map items, dynamic children; one row per
``(run_name, action_id)``), ``map_items`` (items of the fast map path, a row per batch; see
``_items``), ``closures`` (pickled closures by digest, shared by the runs of an entity),
``attempts``, ``logs`` (what each attempt printed; see ``_logs``), ``decks``, ``gates`` and
``signals``, ``cache`` and ``cache_reservations``, ``pending_marks`` (``_pending``), declared (with the schema versions and the
steps that upgrade an older database) in ``_schema``. Reading them into records lives in
``_run_store``.
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

from flytelike.engine._batch import ROWS, UPSERT, Ops, coalesce, drain, insert_many, runs_of
from flytelike.engine._faults import is_busy, store_error
from flytelike.engine._pending import PendingJournal, replay
from flytelike.engine._private import private_dir, private_file
from flytelike.engine._schema import SCHEMA as SCHEMA  # (re-exported: older imports)
from flytelike.engine._schema import SCHEMA_VERSION, upgrade
from flytelike.engine.errors import StoreError

log = logging.getLogger("flytelike.engine.store")

_BUSY_RETRIES = 200
BATCH_SECONDS = 0.02


# The write-ahead log is checkpointed by the writer thread once it holds this many bytes, never
# by a commit: with ``synchronous=NORMAL`` a checkpoint is the only write that waits for the
# disk (fsync, milliseconds), and the commits the engine waits for (``barrier``) must not pay it.
CHECKPOINT_BYTES = 4 << 20


def _plain_parameters() -> None:
    """Bind ``bytes`` and ``None`` parameters without sqlite3's adaptation search.

    sqlite3 binds ``int``, ``float`` and ``str`` as they are, but looks every other parameter up
    in its adapter registry, then asks the protocol for ``__adapt__`` and the value for
    ``__conform__``: two failed attribute lookups, one of which formats an ``AttributeError``
    message, for every blob and every empty column (a finished action's row has seven). An
    adapter registered for the exact type is found first, at a third of that cost: identity
    adapters for ``bytes`` and ``None``, both C callables, bind the same values (a ``bytes`` is a
    BLOB, ``None`` is NULL). The ``bytes`` one is ``bytes.__bytes__``, which hands back the
    object itself: ``bytes(b)`` first tries ``b`` as an integer size, which formats and drops a
    ``TypeError`` per blob (about 1,800 instructions). Registered only where nobody registered one
    (process-wide, like any ``sqlite3.register_adapter``)."""
    found = sqlite3.adapters.get((bytes, sqlite3.PrepareProtocol))
    if found is None or found is bytes:  # (``bytes``: what earlier versions registered)
        sqlite3.register_adapter(bytes, bytes.__bytes__)
    if (type(None), sqlite3.PrepareProtocol) not in sqlite3.adapters:
        nothing: dict[None, None] = {}
        sqlite3.register_adapter(type(None), nothing.get)  # (``{}.get(None)`` is None)


_plain_parameters()


def _connect(path: Path) -> sqlite3.Connection:
    # (room in the statement cache for every statement's multi-row shapes, ``_batch``)
    conn = sqlite3.connect(
        str(path),
        timeout=30.0,
        isolation_level=None,
        check_same_thread=False,
        cached_statements=512,
    )
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    # (a write that restarts the log after a complete checkpoint cuts the file to this size;
    # else it keeps its largest size and every batch after the first CHECKPOINT_BYTES would
    # checkpoint again, ``_checkpoint``)
    conn.execute(f"PRAGMA journal_size_limit={CHECKPOINT_BYTES // 4}")
    return conn


class SQLiteStore:
    """Connections, the writer thread and the schema of one ``runs.db``.

    A new home is created 0700 and a new database 0600 (``_private``; SQLite gives the
    write-ahead log and shared-memory files the database's permissions). ``seal``: the schema's
    version 6 step (``_schema.upgrade``). Errors opening, reading or writing it are
    ``StoreError``s naming the file (``_faults``). A queued batch that cannot be written (disk
    full) is not lost silently: the runs it held go into ``failed`` and ``on_write_failure`` is
    called with them, to record them ``FAILED`` (``RunStore`` does).
    """

    def __init__(self, path: Path, seal: Callable[[sqlite3.Connection], int] | None = None) -> None:
        self.path = Path(path)
        self._seal = seal
        self.failed: dict[str, StoreError] = {}
        self.on_write_failure: Callable[[set[str], StoreError], None] | None = None
        try:
            private_dir(str(self.path.parent))
            private_file(str(self.path))
        except OSError as e:
            raise store_error(e, self.path.parent, "create the run store") from e
        self._local = threading.local()
        # Queued writes. Only a holder of ``_lock`` takes items out (the writer thread, or any
        # thread committing on its own in ``flush``/``barrier``), so batches commit in order.
        self._items: deque[Any] = deque()
        # Taken at a durability point and journaled (``_pending``), for the next commit.
        self._ready: Ops = []
        self._journal: PendingJournal | None = None
        self._journal_ok = True
        # History nothing is built on (attempt rows): committed with the writer's batches and
        # ``flush``, never by ``barrier``, so a durability point writes one table less.
        self._later: deque[Any] = deque()
        self._lock = threading.Lock()
        self._committing = False  # a batch is being taken or committed (under ``_lock``)
        # Held by whoever commits a batch, taken under ``_lock``: batches commit in the order
        # they were taken, and the writer commits its batch without ``_lock`` (``_write_batch``).
        self._commit_lock = threading.Lock()
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
        try:
            conn = self.connection()
            for attempt in range(_BUSY_RETRIES):
                try:
                    if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                        conn.execute("PRAGMA journal_mode=WAL")
                    version = conn.execute("PRAGMA user_version").fetchone()[0]
                    if version < SCHEMA_VERSION:
                        conn.execute("BEGIN IMMEDIATE")
                        try:
                            upgrade(conn, version, str(self.path), self._seal)
                            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                            conn.execute("COMMIT")
                        except BaseException:
                            conn.execute("ROLLBACK")
                            raise
                    # What processes killed before their writer committed left (``_pending``).
                    replay(conn, self.path, lambda ops: self._apply(conn, ops))
                    return
                except sqlite3.OperationalError as e:
                    if not is_busy(e) or attempt == _BUSY_RETRIES - 1:
                        raise
                    time.sleep(0.01)
        except (sqlite3.Error, OSError) as e:
            raise store_error(e, self.path, "open the run store") from e

    def connection(self) -> sqlite3.Connection:
        """This thread's connection."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = _connect(self.path)
            except sqlite3.Error as e:
                raise store_error(e, self.path, "open the run store") from e
            self._local.conn = conn
        return conn

    # ------------------------------------------------------------------ reads
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            return self.connection().execute(sql, params).fetchall()
        except sqlite3.OperationalError as e:
            if is_busy(e):
                raise
            raise store_error(e, self.path, "read the run store") from e
        except sqlite3.DatabaseError as e:
            raise store_error(e, self.path, "read the run store") from e

    # ------------------------------------------------------------------ synchronous writes
    def execute(self, ops: Sequence[tuple[str, Sequence[Any]]]) -> list[int]:
        """Run ``ops`` in one immediate transaction now; returns each one's rowcount."""
        conn = self.connection()
        for attempt in range(_BUSY_RETRIES):
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as e:
                if not is_busy(e) or attempt == _BUSY_RETRIES - 1:
                    raise store_error(e, self.path, "write the run store") from e
                time.sleep(0.005 * (1 + attempt % 10))
                continue
            try:
                counts = [conn.execute(sql, params).rowcount for sql, params in ops]
                conn.execute("COMMIT")
                return counts
            except sqlite3.DatabaseError as e:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                if isinstance(e, sqlite3.IntegrityError | sqlite3.ProgrammingError):
                    raise
                raise store_error(e, self.path, "write the run store") from e
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
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

    def write_later(self, sql: str, params: Sequence[Any]) -> None:
        """Queue a write nothing depends on (a record of history): committed by the writer
        thread's next batch or ``flush``, not by ``barrier``. A kill -9 before then loses it."""
        self._later.append((ROWS, ((sql, params),)))
        if not self._signalled:
            self._signal()

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
            self._commit_queued(self.connection(), later=True)
        finally:
            self._lock.release()

    def barrier(self) -> None:
        """Return once every write queued so far survives a kill -9: the durability point
        before the engine starts what depends on a finished action. Free when nothing is queued
        or being committed; otherwise what is queued is appended to this process's pending
        journal (``_pending``: a memory copy) and committed by the writer thread's next batch, or,
        when the journal cannot be written, committed here and now."""
        # (``_committing`` is set before a batch is taken from ``_items``: an item is always
        # either still queued or in a batch whose commit ``_lock`` waits for.)
        if not self._items and not self._committing:
            return
        with self._lock:
            ops = drain(self._items, self._pending)
            if ops:
                self._make_durable(ops)

    def write_durable(self, sql: str, params: Sequence[Any]) -> None:
        """``write_rows(((sql, params),))`` then ``barrier()``, for a caller holding no rows back
        (``set_pending``) that must go first: when nothing else is queued, the row goes to the
        journal as it is, without the queue's round trip (the in-place chain's action rows)."""
        if self._items or self._committing:
            self._put((ROWS, ((sql, params),)))
            self.barrier()
            return
        lock = self._lock  # (acquire/release: half the cost of ``with``, once per action)
        lock.acquire()
        try:
            if self._items:  # (queued meanwhile by another thread: theirs first)
                ops = drain(self._items, None)
                ops.append((sql, [params]))
                self._make_durable(ops)
                return
            ops = [(sql, [params])]
            journal = self._journal
            if journal is None or not self._journal_ok:
                self._make_durable(ops)  # (the first record, or no journal: the general way)
                return
            self._ready += ops
            try:
                journal.append(ops)
            except (OSError, TypeError, ValueError) as e:
                log.warning("run store: pending journal unusable, committing instead: %s", e)
                self._journal_ok = False
                self._commit_queued(self.connection())
                return
            if not self._signalled:
                self._signal()
        finally:
            lock.release()

    def _make_durable(self, ops: Ops) -> None:
        """Journal ``ops`` (taken from the queue, in order) for the writer's next commit, or
        commit them now when the journal cannot be written (the caller holds ``_lock``)."""
        self._ready += ops  # (before anything queued later: commits keep queue order)
        if self._journal_ok:
            try:
                if self._journal is None:
                    self._journal = PendingJournal(self.path)
                self._journal.append(ops)
            except (OSError, TypeError, ValueError) as e:
                log.warning("run store: pending journal unusable, committing instead: %s", e)
                self._journal_ok = False
            else:
                if not self._signalled:
                    self._signal()
                return
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
            self._write_batch(conn)
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

    def _write_batch(self, conn: sqlite3.Connection) -> None:
        """The writer thread's batch. What it takes from the queue is appended to the pending
        journal first, as ``barrier`` does, and committed after ``_lock`` is released (under
        ``_commit_lock``): a durability point meanwhile (the engine's thread, before its next
        action starts or its next request goes out) journals what was queued since and goes on,
        instead of waiting for the writer's SQLite transaction. Without a usable journal, the
        batch is committed under ``_lock`` as ``flush`` does."""
        with self._lock:
            journal = self._journal
            if not self._journal_ok or journal is None:
                self._commit_queued(conn, later=True)
                return
            self._committing = True
            try:
                ops, self._ready = self._ready, []
                fresh = drain(self._items, self._pending)
                if fresh:
                    try:
                        journal.append(fresh)
                    except (OSError, TypeError, ValueError) as e:
                        log.warning(
                            "run store: pending journal unusable, committing instead: %s", e
                        )
                        self._journal_ok = False
                        self._ready = ops + fresh  # (in queue order, for the commit below)
                        self._commit_queued(conn, later=True)
                        return
                    ops += fresh
                if self._later:
                    ops += drain(self._later, None)
                seq = journal.seq
                if journal.dirty:
                    ops.append(journal.mark())  # (the journal's records are in this commit)
                self._commit_lock.acquire()
            finally:
                self._committing = False
        try:
            done = bool(ops) and self._commit(conn, coalesce(ops))
        finally:
            self._commit_lock.release()
        if done:
            with self._lock:
                if journal.seq == seq:  # (nothing journaled since: all of it is committed)
                    journal.committed()

    def _commit_queued(self, conn: sqlite3.Connection, later: bool = False) -> None:
        """Take everything queued or held back (and, with ``later``, the history queued with
        ``write_later``) and commit it (the caller holds ``_lock``; a batch the writer took
        before is committed first, ``_commit_lock``)."""
        self._committing = True
        try:
            ops, self._ready = self._ready, []
            ops += drain(self._items, self._pending)
            if later and self._later:
                ops += drain(self._later, None)
            journal = self._journal
            if journal is not None and journal.dirty:
                ops.append(journal.mark())  # (the journal's records are in this commit)
            with self._commit_lock:  # (also when empty: ``flush`` returns after the writer's)
                if ops and self._commit(conn, coalesce(ops)) and journal is not None:
                    journal.committed()
        finally:
            self._committing = False

    def _commit(self, conn: sqlite3.Connection, ops: Ops) -> bool:
        """Commit ``ops`` in one transaction; False when it could not be (``_write_failed``)."""
        for attempt in range(_BUSY_RETRIES):
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    self._apply(conn, ops)
                    conn.execute("COMMIT")
                    return True
                except BaseException:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                    raise
            except sqlite3.OperationalError as e:
                if is_busy(e) and attempt < _BUSY_RETRIES - 1:
                    time.sleep(0.005 * (1 + attempt % 10))
                    continue
                self._write_failed(ops, e)
                return False
            except Exception as e:
                self._write_failed(ops, e)
                return False
        return False

    @staticmethod
    def _apply(conn: sqlite3.Connection, ops: Ops) -> None:
        for sql, rows in ops:
            if len(rows) == 1:
                conn.execute(sql, rows[0])
            else:
                insert_many(conn, sql, rows)

    def _write_failed(self, ops: Ops, e: BaseException) -> None:
        """A batch could not be written: its runs are failed (``failed``, then
        ``on_write_failure`` records them FAILED if the store takes that much)."""
        err = store_error(e, self.path, "record runs in the run store")
        runs = runs_of(ops)
        log.error("%s (%d statements for runs %s were lost)", err, len(ops), sorted(runs))
        for run in runs:
            self.failed.setdefault(run, err)
        hook = self.on_write_failure
        if hook is not None and runs:
            try:
                hook(runs, err)
            except Exception as again:  # the store takes nothing more: say so, keep going
                log.error("run store: could not record runs %s as FAILED: %s", sorted(runs), again)

    def _forget_parent(self) -> None:
        """In a forked child: drop the parent's connections, queue, held rows and threads."""
        self._local = threading.local()
        self._items = deque()
        self._ready = []
        self._journal = None  # (the parent's: the parent commits it)
        self._later = deque()
        self._lock = threading.Lock()
        self._committing = False
        self._commit_lock = threading.Lock()
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
        journal = self._journal
        if journal is not None and not self._ready and not journal.dirty:
            # (the file first: it keeps committed records, which only its mark keeps a replay
            # from applying again; a mark left alone is harmless)
            journal.close()
            with contextlib.suppress(StoreError):
                self.execute([journal.forget()])
            self._journal = None
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
