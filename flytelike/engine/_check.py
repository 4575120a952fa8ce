"""``flytelike store check`` and ``flytelike store repair``: what is wrong with a run store, and
putting it right.

``check`` looks, without changing anything, at: who owns the home and its files and who else can
read or write them; whether the database is a readable SQLite database (``PRAGMA quick_check``)
and of which schema version; the integrity key; pickles that lack a valid seal (they would be
refused). ``repair`` moves a damaged database aside (``runs.db.corrupt-<time>``) and starts a new
one holding every row that could still be read from it, makes the home and everything in it
private to its owner (0700 folders, 0600 files), replaces a damaged key, and with ``trust=True``
seals every pickle the store holds with this home's key (the user vouches for its contents).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from flytelike.engine._integrity import MAC_SIZE, Integrity
from flytelike.engine._private import DIR_MODE, FILE_MODE, loose
from flytelike.engine._schema import SCHEMA_VERSION
from flytelike.engine._seals import seal_all, seal_files, unsealed

_SIDE = ("-wal", "-shm")


@dataclass(frozen=True)
class Finding:
    """One result of ``check``: ``ok`` is false for a problem, whose ``fix`` says what to do."""

    ok: bool
    what: str
    fix: str = ""


def _files(home: Path) -> list[Path]:
    db = home / "runs.db"
    side = [Path(f"{db}{s}") for s in _SIDE]
    return [db, *side, Path(f"{db}.key"), Path(f"{db}.cache-generation")]


def _access(path: Path, kind: str) -> Finding | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    if st.st_uid != os.getuid():
        return Finding(
            False,
            f"{kind} {path} belongs to user id {st.st_uid}, not to you ({os.getuid()})",
            "a run store is private to one user: use a FLYTELIKE_HOME of your own",
        )
    bits = st.st_mode & 0o077
    if bits:
        who = " and ".join(w for w, m in (("its group", 0o070), ("others", 0o007)) if bits & m)
        can = " and ".join(c for c, m in (("read", 0o044), ("written", 0o022)) if bits & m)
        return Finding(
            False,
            f"{kind} {path} can be {can or 'entered'} by {who} (mode {st.st_mode & 0o777:o})",
            "`flytelike store repair` (or chmod 700 the home, 600 its files) makes it private",
        )
    return None


def _open(db: Path) -> tuple[sqlite3.Connection | None, Finding | None]:
    try:
        conn = sqlite3.connect(str(db), timeout=10.0)
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as e:
        return None, Finding(
            False,
            f"the database {db} cannot be read: {e}",
            "`flytelike store repair` moves it aside and starts a new one with what can still "
            "be read (stop flytelike processes using this home first)",
        )
    if result != "ok":
        conn.close()
        return None, Finding(
            False,
            f"the database {db} is damaged: {result}",
            "`flytelike store repair` moves it aside and copies what can still be read into a "
            "new one (stop flytelike processes using this home first)",
        )
    return conn, None


def check(home: Path) -> list[Finding]:
    """What is wrong with the run store in ``home`` (and what is right)."""
    home = Path(home)
    db = home / "runs.db"
    if not home.exists():
        return [Finding(True, f"{home} does not exist yet: the first run creates it (0700)")]
    out: list[Finding] = []
    for path, kind in [(home, "the home"), *((f, "the file") for f in _files(home))]:
        found = _access(path, kind)
        if found is not None:
            out.append(found)
    if not db.exists():
        out.append(Finding(True, f"{db} does not exist yet: the first run creates it"))
        return out
    conn, problem = _open(db)
    if conn is None:
        assert problem is not None
        return [*out, problem]
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        runs = conn.execute("SELECT count(*) FROM runs").fetchone()[0]
        if version > SCHEMA_VERSION:
            out.append(
                Finding(
                    False,
                    f"the database has schema version {version}; this flytelike knows "
                    f"{SCHEMA_VERSION}",
                    "upgrade flytelike to the version that wrote it",
                )
            )
        else:
            out.append(
                Finding(
                    True,
                    f"{db}: a readable database, schema version {version}, {runs} runs"
                    + (" (upgraded when next opened)" if version < SCHEMA_VERSION else ""),
                )
            )
        out.extend(_check_seals(conn, Path(f"{db}.key")))
    finally:
        conn.close()
    if all(f.ok for f in out):
        out.append(Finding(True, f"{home}: private to you, nothing to repair"))
    return out


def _check_seals(conn: sqlite3.Connection, key: Path) -> list[Finding]:
    if not key.exists():
        return [Finding(True, f"no integrity key yet ({key}): created 0600 on first use")]
    if key.stat().st_size != MAC_SIZE:
        return [
            Finding(
                False,
                f"the integrity key {key} is damaged",
                "`flytelike store repair` replaces it (then `--trust` to seal what the store "
                "holds with the new key)",
            )
        ]
    if key.stat().st_uid != os.getuid() or loose(str(key)):
        return []  # (reported as a file problem above; the key cannot be trusted)
    bad = unsealed(conn, Integrity(str(key)))
    if not bad:
        return [Finding(True, "every stored pickle carries a valid integrity seal")]
    shown = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
    return [
        Finding(
            False,
            f"{len(bad)} stored pickle(s) lack a valid integrity seal and will be refused: {shown}",
            "if you trust this store, `flytelike store repair --trust` seals them with this "
            "home's key; otherwise delete those runs (`flytelike runs delete`) or the cache "
            "(`flytelike cache clear`)",
        )
    ]


# ------------------------------------------------------------------ repair
def repair(home: Path, *, trust: bool = False) -> list[str]:
    """Put the run store in ``home`` right (see the module docstring); returns what was done."""
    home = Path(home)
    done: list[str] = []
    db = home / "runs.db"
    if db.exists():
        conn, _ = _open(db)
        if conn is None:
            done.extend(_replace_damaged(db))
        else:
            conn.close()
    done.extend(_make_private(home))
    key = Path(f"{db}.key")
    if key.exists() and key.stat().st_size != MAC_SIZE:
        aside = _aside(key)
        done.append(f"moved the damaged integrity key aside to {aside}; a new one is made")
    if trust:
        done.extend(_trust(db, key))
    return done or ["nothing to repair"]


def _aside(path: Path) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    path.rename(target)
    for side in _SIDE:
        extra = Path(f"{path}{side}")
        if extra.exists():
            extra.rename(Path(f"{target}{side}"))
    return target


def _replace_damaged(db: Path) -> list[str]:
    from flytelike.engine._store import SQLiteStore

    aside = _aside(db)
    done = [f"moved the damaged database aside to {aside}"]
    SQLiteStore(db).close()  # a new, empty store
    try:
        old = sqlite3.connect(str(aside))
        old.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        return [*done, "started a new database (nothing in the old file could be read)"]
    new = sqlite3.connect(str(db), isolation_level=None)
    copied: list[str] = []
    try:
        tables = [r[0] for r in new.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            n = _copy_table(old, new, table)
            if n:
                copied.append(f"{table}: {n}")
    finally:
        old.close()
        new.close()
    return [
        *done,
        "started a new database with the rows that could be read: "
        + (", ".join(copied) if copied else "none"),
    ]


def _copy_table(old: sqlite3.Connection, new: sqlite3.Connection, table: str) -> int:
    """Copy the readable rows of ``table`` (the columns both databases have), row by row, until
    the damage stops the scan."""
    try:
        have = {r[1] for r in old.execute(f"PRAGMA table_info({table})")}
    except sqlite3.DatabaseError:
        return 0
    cols = [r[1] for r in new.execute(f"PRAGMA table_info({table})") if r[1] in have]
    if not cols:
        return 0
    names = ", ".join(cols)
    insert = f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({', '.join('?' * len(cols))})"
    n = 0
    new.execute("BEGIN")
    try:
        for row in old.execute(f"SELECT {names} FROM {table}"):
            new.execute(insert, row)
            n += 1
    except sqlite3.DatabaseError:
        pass  # the rest of this table is unreadable
    new.execute("COMMIT")
    return n


def _make_private(home: Path) -> list[str]:
    changed = 0
    for folder, dirs, files in os.walk(home):
        for path, mode in [
            (folder, DIR_MODE),
            *((os.path.join(folder, f), FILE_MODE) for f in files),
        ]:
            with contextlib.suppress(OSError):
                st = os.lstat(path)
                if st.st_uid == os.getuid() and st.st_mode & 0o077 and not os.path.islink(path):
                    os.chmod(path, mode)
                    changed += 1
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))]
    return [f"made {changed} folders and files private to you (0700/0600)"] if changed else []


def _trust(db: Path, key: Path) -> list[str]:
    integrity = Integrity(str(key))
    conn = sqlite3.connect(str(db), isolation_level=None, timeout=30.0)
    try:
        conn.execute("BEGIN IMMEDIATE")
        n = seal_all(conn, integrity, reseal=True)
        conn.execute("COMMIT")
    finally:
        conn.close()
    files = 0
    data = db.parent / "data" / "runs"
    if data.is_dir():
        files = seal_files(str(data), integrity)
    return [f"sealed {n} stored pickle(s) and {files} offloaded file(s) with this home's key"]
