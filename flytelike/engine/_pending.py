"""The run store's pending journal: a durability point without a commit on the engine's thread.

Before the engine starts what depends on a finished action, what the store holds queued must
survive a kill -9 (``SQLiteStore.barrier``). Committing it there costs the engine's thread a
SQLite transaction per step of a chain; instead the queued statements are appended, as one
length-prefixed msgpack record ``[seq, ops]``, to this process's journal (0600, written through
a shared memory map, ``_mapped``: two memory copies, no system call; no fsync: the kernel's page
cache outlives the process, as SQLite's own WAL writes do with ``synchronous=NORMAL``) and
handed to the writer thread, which commits them within ``BATCH_SECONDS``. The commit also
records the journal's last ``seq`` in ``pending_marks`` (same transaction): a replay skips the
records up to it, and the file is cut once it holds ``CUT_BYTES``.

A process killed before its writer committed leaves its journal behind: the next process to
open the store (``replay``) applies every record after the committed mark, in order, in one
transaction, and removes the file. A process that closes its store normally removes its journal
and its mark (the file first). A torn record at the end (the kill hit mid-write) and anything
after it are ignored, as is the unwritten (zero) rest of the file; a journal whose process is
still alive is left to it.

Files live in ``<home>/pending/`` as ``<pid>-<token>.journal``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgpack

from flytelike.engine._mapped import MappedRecords, records
from flytelike.engine._private import FILE_MODE, private_dir

log = logging.getLogger("flytelike.engine.store")

# A journal holding this many bytes of committed records is cut to nothing after a commit.
CUT_BYTES = 1 << 20
MARK_SQL = "INSERT OR REPLACE INTO pending_marks (owner, seq) VALUES (?, ?)"

Ops = list[tuple[str, list[Any]]]

# One packer for every thread (as ``_items``): records hold plain values only, so ``pack`` runs
# no Python code and no two calls interleave under the GIL; ``packb`` makes a packer per call.
_PACK = msgpack.Packer(use_bin_type=True).pack


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists (on this machine) and is not a zombie (killed, not yet
    reaped by its parent: it will write nothing more)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            state = f.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # (no /proc: trust kill)
    return state != b"Z"


def folder(db_path: str | Path) -> Path:
    return Path(db_path).parent / "pending"


class PendingJournal:
    """This process's journal for one store (opened on first ``append``)."""

    def __init__(self, db_path: str | Path) -> None:
        self.folder = folder(db_path)
        self.owner = f"{os.getpid()}-{os.urandom(6).hex()}"
        self.path = self.folder / f"{self.owner}.journal"
        self._out: MappedRecords | None = None  # (opened on the first append)
        self.seq = 0  # of the last record appended
        self.dirty = False  # records appended since the journal was last emptied

    def append(self, ops: Ops) -> None:
        """Append ``ops`` as one record (raises ``OSError`` when it cannot be written)."""
        out = self._out
        if out is None:
            private_dir(str(self.folder))
            flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
            fd = os.open(self.path, flags, FILE_MODE)
            out = self._out = MappedRecords(fd)
        self.seq += 1
        out.append(_PACK([self.seq, ops]))
        self.dirty = True

    def mark(self) -> tuple[str, list[Any]]:
        """The statement that records, in a commit, that every record so far is committed."""
        return (MARK_SQL, [(self.owner, self.seq)])

    def forget(self) -> tuple[str, tuple[str]]:
        """The statement (and its parameters) that drops this journal's mark (on a normal
        close)."""
        return ("DELETE FROM pending_marks WHERE owner=?", (self.owner,))

    def committed(self) -> None:
        """Every record so far is committed (the mark says so: a replay skips them). The file
        is cut once it holds ``CUT_BYTES``; until then later records follow the committed ones
        (no write at all per commit)."""
        if self._out is not None and self.dirty and self._out.pos >= CUT_BYTES:
            self._out.clear()
        self.dirty = False

    def close(self) -> None:
        """Everything is committed and the store is closing: remove the journal (its mark is
        deleted by the store's last commit, ``forget``)."""
        out = self._out
        if out is not None:
            out.unmap()
            with contextlib.suppress(OSError):
                os.close(out.fd)
            with contextlib.suppress(OSError):
                os.unlink(self.path)
            self._out = None


def _records(data: bytes) -> list[tuple[int, Ops]]:
    out = []
    for body in records(data):
        try:
            seq, ops = msgpack.unpackb(body, raw=False)
        except ValueError:
            break
        out.append((int(seq), ops))
    return out


def replay(conn: sqlite3.Connection, db_path: str | Path, apply: Callable[[Ops], None]) -> int:
    """Apply the uncommitted records of the journals dead processes left (``apply`` runs a
    record's ops on ``conn``), one journal per transaction, and remove the journals; returns how
    many records were applied. Openers racing for one journal serialise on the store's write
    lock: the second finds the mark at its end and applies nothing."""
    where = folder(db_path)
    try:
        names = sorted(p.name for p in where.iterdir() if p.name.endswith(".journal"))
    except OSError:
        return 0
    applied = 0
    for name in names:
        owner = name[: -len(".journal")]
        try:
            if alive(int(owner.split("-", 1)[0])):
                continue  # its process commits it (or leaves it for a later open)
        except ValueError:
            continue
        path = where / name
        conn.execute("BEGIN IMMEDIATE")
        try:
            try:
                records = _records(path.read_bytes())
            except FileNotFoundError:
                records = []  # (replayed by another opener meanwhile)
            row = conn.execute("SELECT seq FROM pending_marks WHERE owner=?", (owner,)).fetchone()
            done = int(row[0]) if row else 0
            todo = [ops for seq, ops in records if seq > done]
            for ops in todo:
                apply(ops)
            if records:
                conn.execute(MARK_SQL, (owner, records[-1][0]))
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise
        applied += len(todo)
        with contextlib.suppress(OSError):
            os.unlink(path)
    return applied
