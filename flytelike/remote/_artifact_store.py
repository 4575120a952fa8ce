"""The local artifact catalog's store: ``<FLYTELIKE_HOME>/artifacts.db``, next to the run store.

An SQLite file (owner-only) with two tables: ``schemas`` (one per project/domain/name: the
partition keys, and whether ``Artifact.declare`` fixed them) and ``versions`` (one per version:
the value as a literal, ``typesystem.to_msgpack``, and its literal type, as protobuf; the
partitions, description, attrs, card, lineage, source and creator). Versions are ordered by
creation (``seq``). Every write is one ``BEGIN IMMEDIATE`` transaction, so concurrent writers
(threads, processes, task actions) wait for each other and never lose or half-write a version.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flytelike.remote._artifact_partitions import ArtifactError, PartitionSchema

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schemas (
    project TEXT NOT NULL, domain TEXT NOT NULL, name TEXT NOT NULL,
    time_key TEXT, granularity TEXT, keys TEXT NOT NULL, declared INTEGER NOT NULL,
    PRIMARY KEY (project, domain, name)
);
CREATE TABLE IF NOT EXISTS versions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    project TEXT NOT NULL, domain TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL,
    created_at REAL NOT NULL, created_by TEXT NOT NULL,
    value BLOB NOT NULL, type BLOB NOT NULL,
    description TEXT NOT NULL, attrs TEXT NOT NULL, card TEXT, parents TEXT NOT NULL,
    strings TEXT NOT NULL, time_key TEXT, time_value REAL, granularity TEXT,
    source_run TEXT, source_action TEXT, source_attempt INTEGER, external_ref TEXT,
    UNIQUE (project, domain, name, version)
);
"""


@dataclass(frozen=True)
class VersionRow:
    """One stored version (see the module docstring)."""

    seq: int
    project: str
    domain: str
    name: str
    version: str
    created_at: float
    created_by: str
    value: bytes
    type: bytes
    description: str
    attrs: dict[str, str]
    card: dict[str, str] | None
    parents: tuple[str, ...]
    strings: dict[str, str]
    timed: tuple[str, datetime, str] | None
    source_run: str | None
    source_action: str | None
    source_attempt: int | None
    external_ref: str | None


_COLUMNS = (
    "seq, project, domain, name, version, created_at, created_by, value, type, description, "
    "attrs, card, parents, strings, time_key, time_value, granularity, source_run, "
    "source_action, source_attempt, external_ref"
)


def _row(r: tuple[Any, ...]) -> VersionRow:
    timed = (r[14], datetime.fromtimestamp(r[15], UTC), r[16]) if r[14] is not None else None
    return VersionRow(
        seq=r[0],
        project=r[1],
        domain=r[2],
        name=r[3],
        version=r[4],
        created_at=r[5],
        created_by=r[6],
        value=r[7],
        type=r[8],
        description=r[9],
        attrs=json.loads(r[10]),
        card=json.loads(r[11]) if r[11] else None,
        parents=tuple(json.loads(r[12])),
        strings=json.loads(r[13]),
        timed=timed,
        source_run=r[17],
        source_action=r[18],
        source_attempt=r[19],
        external_ref=r[20],
    )


def path() -> Path:
    from flytelike._settings.home import default_home

    return default_home() / "artifacts.db"


@contextmanager
def _connect(write: bool = False) -> Iterator[sqlite3.Connection]:
    p = path()
    if not p.exists():
        p.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(p, os.O_CREAT | os.O_WRONLY, 0o600))
    db = sqlite3.connect(p, timeout=60.0, isolation_level=None)
    try:
        db.execute("PRAGMA busy_timeout = 60000")
        db.executescript(_SCHEMA)  # (before any transaction: executescript commits one)
        if write:
            db.execute("BEGIN IMMEDIATE")  # (writers wait here for each other)
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        else:
            yield db
    except sqlite3.DatabaseError as e:
        raise ArtifactError(
            f"artifact catalog {p}: {e}; if the file is damaged, move it aside (its artifacts "
            "are then no longer listed)"
        ) from None
    finally:
        db.close()


def _schema_from(r: tuple[Any, ...] | None) -> PartitionSchema | None:
    if r is None:
        return None
    return PartitionSchema(r[0], r[1], tuple(json.loads(r[2])), bool(r[3]))


def _get_schema(db: sqlite3.Connection, ns: tuple[str, str], name: str) -> PartitionSchema | None:
    r = db.execute(
        "SELECT time_key, granularity, keys, declared FROM schemas "
        "WHERE project=? AND domain=? AND name=?",
        (*ns, name),
    ).fetchone()
    return _schema_from(r)


def _put_schema(
    db: sqlite3.Connection, ns: tuple[str, str], name: str, schema: PartitionSchema
) -> None:
    db.execute(
        "INSERT OR REPLACE INTO schemas VALUES (?, ?, ?, ?, ?, ?, ?)",
        (*ns, name, schema.time_key, schema.granularity, json.dumps(list(schema.keys)),
         int(schema.declared)),
    )  # fmt: skip


def schema(ns: tuple[str, str], name: str) -> PartitionSchema | None:
    with _connect() as db:
        return _get_schema(db, ns, name)


def declare(ns: tuple[str, str], name: str, wanted: PartitionSchema) -> PartitionSchema:
    """Fix ``name``'s keys; an equal schema already fixed is marked declared, another one is
    refused."""
    with _connect(write=True) as db:
        found = _get_schema(db, ns, name)
        if found is not None and not found.same_keys(wanted):
            raise ArtifactError(
                f"Artifact.declare({name!r}): its partitions are already {found.describe()} "
                f"({'declared' if found.declared else 'fixed by its first version'}), not "
                f"{wanted.describe()}; changing the keys is a new artifact name"
            )
        result = PartitionSchema(wanted.time_key, wanted.granularity, wanted.keys, True)
        if found is not None:  # (keep the order the keys were first fixed in)
            result = PartitionSchema(found.time_key, found.granularity, found.keys, True)
        _put_schema(db, ns, name, result)
        return result


def _check(
    db: sqlite3.Connection,
    ns: tuple[str, str],
    name: str,
    version: str | None,
    given: PartitionSchema,
) -> PartitionSchema | None:
    from flytelike.remote._artifact_partitions import check_version

    fixed = _get_schema(db, ns, name)
    if fixed is not None:
        how = "Artifact.declare" if fixed.declared else "its first version"
        check_version(name, fixed, given, how)
    if (
        version is not None
        and db.execute(
            "SELECT 1 FROM versions WHERE project=? AND domain=? AND name=? AND version=?",
            (*ns, name, version),
        ).fetchone()
    ):
        raise ArtifactError(
            f"artifact {name!r} already has a version {version!r} in {ns[0]}/{ns[1]}; versions "
            "are never replaced: give another version"
        )
    return fixed


def precheck(ns: tuple[str, str], name: str, version: str | None, given: PartitionSchema) -> None:
    """Refuse early what ``insert`` would refuse now (it checks again under the lock)."""
    with _connect() as db:
        _check(db, ns, name, version, given)


def insert(row: VersionRow, given: PartitionSchema) -> VersionRow:
    """Store a new version (its schema checked, or fixed when the name has none); an existing
    version of the same name is refused."""
    with _connect(write=True) as db:
        return _insert(db, row, given)


def insert_all(rows: list[tuple[VersionRow, PartitionSchema, bool]]) -> list[VersionRow]:
    """Store several versions in one transaction (all or none); a row marked ``True`` whose
    version already exists is skipped instead of refused (a content-addressed version)."""
    out: list[VersionRow] = []
    with _connect(write=True) as db:
        for row, given, skip_existing in rows:
            if (
                skip_existing
                and db.execute(
                    "SELECT 1 FROM versions WHERE project=? AND domain=? AND name=? AND version=?",
                    (row.project, row.domain, row.name, row.version),
                ).fetchone()
            ):
                continue
            out.append(_insert(db, row, given))
    return out


def _insert(db: sqlite3.Connection, row: VersionRow, given: PartitionSchema) -> VersionRow:
    ns = (row.project, row.domain)
    if _check(db, ns, row.name, row.version, given) is None:
        _put_schema(db, ns, row.name, given)
    timed = row.timed
    cur = db.execute(
        f"INSERT INTO versions ({_COLUMNS.partition(', ')[2]}) VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            row.project, row.domain, row.name, row.version, row.created_at, row.created_by,
            row.value, row.type, row.description, json.dumps(row.attrs),
            json.dumps(row.card) if row.card is not None else None,
            json.dumps(list(row.parents)), json.dumps(row.strings),
            timed[0] if timed else None, timed[1].timestamp() if timed else None,
            timed[2] if timed else None,
            row.source_run, row.source_action, row.source_attempt, row.external_ref,
        ),
    )  # fmt: skip
    seq = int(cur.lastrowid or 0)
    return _replace_seq(row, seq)


def _replace_seq(row: VersionRow, seq: int) -> VersionRow:
    import dataclasses

    return dataclasses.replace(row, seq=seq)


def versions(ns: tuple[str, str], name: str | None = None) -> list[VersionRow]:
    """The versions of a namespace (of one name), newest first."""
    sql = f"SELECT {_COLUMNS} FROM versions WHERE project=? AND domain=?"
    args: tuple[Any, ...] = ns
    if name is not None:
        sql, args = sql + " AND name=?", (*ns, name)
    with _connect() as db:
        return [_row(r) for r in db.execute(sql + " ORDER BY seq DESC", args)]


def versions_after(ns: tuple[str, str], name: str, seq: int) -> list[VersionRow]:
    """The versions of ``name`` created after sequence number ``seq``, oldest first."""
    sql = f"SELECT {_COLUMNS} FROM versions WHERE project=? AND domain=? AND name=? AND seq>?"
    with _connect() as db:
        return [_row(r) for r in db.execute(sql + " ORDER BY seq", (*ns, name, seq))]


def version(ns: tuple[str, str], name: str, version: str | None) -> VersionRow | None:
    """One version, or the latest one when ``version`` is None."""
    sql = f"SELECT {_COLUMNS} FROM versions WHERE project=? AND domain=? AND name=?"
    args: tuple[Any, ...] = (*ns, name)
    if version is not None:
        sql, args = sql + " AND version=?", (*args, version)
    with _connect() as db:
        r = db.execute(sql + " ORDER BY seq DESC LIMIT 1", args).fetchone()
    return _row(r) if r is not None else None


def schemas(ns: tuple[str, str]) -> dict[str, PartitionSchema]:
    with _connect() as db:
        rows = db.execute(
            "SELECT name, time_key, granularity, keys, declared FROM schemas "
            "WHERE project=? AND domain=?",
            ns,
        ).fetchall()
    return {r[0]: _schema_from(r[1:]) for r in rows}  # type: ignore[misc]


def delete(ns: tuple[str, str], name: str, version: str) -> bool:
    """Remove one version; a name left with no version and no declaration is gone too."""
    with _connect(write=True) as db:
        cur = db.execute(
            "DELETE FROM versions WHERE project=? AND domain=? AND name=? AND version=?",
            (*ns, name, version),
        )
        left = db.execute(
            "SELECT 1 FROM versions WHERE project=? AND domain=? AND name=? LIMIT 1", (*ns, name)
        ).fetchone()
        if left is None:
            db.execute(
                "DELETE FROM schemas WHERE project=? AND domain=? AND name=? AND declared=0",
                (*ns, name),
            )
        return cur.rowcount > 0


def now() -> float:
    return time.time()
