"""The pending journal (``_pending``): a durability point appends what is queued to this
process's journal instead of committing it; a process killed before its writer thread committed
leaves the journal, and the next process to open the store applies it (once), so nothing a
dependent was built on is lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from flytelike.engine._pending import PendingJournal, folder
from flytelike.engine._store import SQLiteStore

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import os, signal, sys
from flytelike.engine import _store
_store.BATCH_SECONDS = 3600  # the writer thread never gets to commit
db = _store.SQLiteStore(sys.argv[1])
db.execute([("CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, v INTEGER)", ())])
for i in range(3):
    db.write("INSERT OR REPLACE INTO t (k, v) VALUES (?, ?)", (f"k{i}", i))
    db.barrier()  # a durability point: journaled, not committed
db.write("INSERT OR REPLACE INTO t (k, v) VALUES (?, ?)", ("late", 9))  # queued only
print(len(db.query("SELECT * FROM t")), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def _kill_after_barriers(path: Path) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CHILD), str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    return proc.stdout.strip()


def test_a_killed_process_journal_is_applied_by_the_next_opener(tmp_path: Path) -> None:
    db_path = tmp_path / "runs.db"
    assert _kill_after_barriers(db_path) == "0"  # nothing was committed before the kill
    (journal,) = folder(db_path).glob("*.journal")
    db = SQLiteStore(db_path)
    try:
        rows = dict(db.query("SELECT k, v FROM t"))  # type: ignore[arg-type]
        assert rows == {"k0": 0, "k1": 1, "k2": 2}  # what the barriers covered, not "late"
        assert not journal.exists()
        owner = journal.name[: -len(".journal")]
        assert db.query("SELECT seq FROM pending_marks WHERE owner=?", (owner,)) == [(3,)]
    finally:
        db.close()
    again = SQLiteStore(db_path)  # a second open applies nothing twice
    try:
        assert len(again.query("SELECT * FROM t")) == 3
    finally:
        again.close()


def test_a_torn_record_and_what_follows_are_ignored(tmp_path: Path) -> None:
    db_path = tmp_path / "runs.db"
    SQLiteStore(db_path).close()
    first = SQLiteStore(db_path)
    first.execute([("CREATE TABLE t (k TEXT PRIMARY KEY)", ())])
    first.close()
    j = PendingJournal(db_path)
    j.owner = "999999999-dead"  # (no such process)
    j.path = j.folder / f"{j.owner}.journal"
    j.append([("INSERT INTO t (k) VALUES (?)", [("whole",)])])
    j.append([("INSERT INTO t (k) VALUES (?)", [("torn",)])])
    data = j.path.read_bytes()
    end = j._out.pos if j._out is not None else len(data)  # (the file is mapped: zeros after)
    j.path.write_bytes(data[: end - 3])  # the kill hit the last write
    db = SQLiteStore(db_path)
    try:
        assert db.query("SELECT k FROM t") == [("whole",)]
    finally:
        db.close()


def test_the_journal_of_a_live_process_is_left_to_it(tmp_path: Path) -> None:
    db_path = tmp_path / "runs.db"
    db = SQLiteStore(db_path)
    db.execute([("CREATE TABLE t (k TEXT PRIMARY KEY)", ())])
    db.close()
    j = PendingJournal(db_path)  # this process: alive
    j.append([("INSERT INTO t (k) VALUES (?)", [("mine",)])])
    other = SQLiteStore(db_path)
    try:
        assert other.query("SELECT k FROM t") == []
        assert j.path.exists()
    finally:
        other.close()


def test_a_normal_close_removes_the_journal_and_its_mark(tmp_path: Path) -> None:
    db_path = tmp_path / "runs.db"
    db = SQLiteStore(db_path)
    db.execute([("CREATE TABLE t (k TEXT PRIMARY KEY)", ())])
    db.write("INSERT INTO t (k) VALUES (?)", ("a",))
    db.barrier()
    db.close()
    assert not list(folder(db_path).glob("*.journal"))
    again = SQLiteStore(db_path)
    try:
        assert again.query("SELECT k FROM t") == [("a",)]
        assert again.query("SELECT count(*) FROM pending_marks") == [(0,)]
    finally:
        again.close()


def test_a_killed_but_unreaped_process_counts_as_dead() -> None:
    import os
    import time

    from flytelike.engine._pending import alive

    p = subprocess.Popen(["sleep", "30"])
    try:
        assert alive(p.pid)
        os.kill(p.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while alive(p.pid) and time.monotonic() < deadline:  # (a zombie until reaped)
            time.sleep(0.01)
        assert not alive(p.pid)
    finally:
        p.wait()
    assert alive(os.getpid())


def test_committed_records_stay_until_the_journal_is_cut(tmp_path: Path) -> None:
    from flytelike.engine._pending import CUT_BYTES, _records

    j = PendingJournal(tmp_path / "runs.db")
    try:
        j.append([("INSERT INTO t (k) VALUES (?)", [("a",)])])
        j.append([("INSERT INTO t (k) VALUES (?)", [("b" * 500,)])])
        j.committed()  # (their mark skips them in a replay: nothing is written)
        assert [seq for seq, _ in _records(j.path.read_bytes())] == [1, 2]
        j.append([("INSERT INTO t (k) VALUES (?)", [("c",)])])
        assert _records(j.path.read_bytes())[-1] == (3, [["INSERT INTO t (k) VALUES (?)", [["c"]]]])
        # Once it holds CUT_BYTES, a commit cuts it to nothing; it grows again after.
        while j._out is not None and j._out.pos < CUT_BYTES:
            j.append([("INSERT INTO t (k) VALUES (?)", [("x" * (300 << 10),)])])
        j.committed()
        assert j.path.stat().st_size == 0
        j.append([("INSERT INTO t (k) VALUES (?)", [("d",)])])
        assert [seq for seq, _ in _records(j.path.read_bytes())] == [j.seq]
    finally:
        j.close()
    assert not j.path.exists()


def test_a_replay_skips_the_records_a_commit_covered(tmp_path: Path) -> None:
    from flytelike.engine._pending import MARK_SQL

    db_path = tmp_path / "runs.db"
    db = SQLiteStore(db_path)
    try:
        db.execute([("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)", ())])
        j = PendingJournal(db_path)
        j.owner = "999999998-dead"  # (no such process)
        j.path = j.folder / f"{j.owner}.journal"
        j.append([("INSERT INTO t (k, v) VALUES (?, ?)", [("a", 1)])])
        j.append([("INSERT OR REPLACE INTO t (k, v) VALUES (?, ?)", [("a", 2)])])
        # What the writer does: commit both with the journal's mark, then more (not journaled).
        db.execute([("INSERT INTO t (k, v) VALUES (?, ?)", ("a", 2)), (MARK_SQL, (j.owner, 2))])
        db.execute([("UPDATE t SET v=3 WHERE k='a'", ())])
    finally:
        db.close()
    j.committed()
    j.append([("INSERT OR REPLACE INTO t (k, v) VALUES (?, ?)", [("b", 9)])])
    again = SQLiteStore(db_path)  # the next opener applies record 3 only
    try:
        assert dict(again.query("SELECT k, v FROM t")) == {"a": 3, "b": 9}  # type: ignore[arg-type]
        assert not j.path.exists()
    finally:
        again.close()
        j.close()


def test_a_record_whose_length_is_not_written_yet_is_not_read(tmp_path: Path) -> None:
    from flytelike.engine._mapped import LEN, MappedRecords, records

    path = tmp_path / "j"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        out = MappedRecords(fd)
        out.append(b"first")
        data = bytearray(path.read_bytes())
        # The kill came after the next body was copied, before its length: nothing follows.
        data[out.pos + LEN.size : out.pos + LEN.size + 6] = b"second"
        assert records(bytes(data)) == [b"first"]
        out.unmap()
    finally:
        os.close(fd)
