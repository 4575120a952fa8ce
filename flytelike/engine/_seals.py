"""Sealing what a run store already holds (``_integrity``): the schema's version 6 step seals the
pickles a store written before seals existed holds, and ``flytelike store repair --trust`` seals
(again) every pickle that lacks a valid seal, for a user who vouches for the store's contents.
``unsealed`` counts what a store holds without a valid seal (``flytelike store check``).

Pickles live in ``closures.data``, in ``runs.closure`` (runs of version 1 stored theirs inline),
in ``gates.type``, and inside literal maps that hold a cloudpickle value (inline in the runs,
actions, cache and map items tables; offloaded ones are files, see ``seal_files``).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator

from flytelike.engine._integrity import MAC_SIZE, MAGIC, PICKLED, Integrity, sealed
from flytelike.engine.errors import UntrustedDataError

_CLOSURE_REF = b"closure:sha256:"
# (table, key columns, column, what it holds)
_COLUMNS: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("closures", ("digest",), "data", "pickle"),
    ("runs", ("name",), "closure", "pickle"),
    ("gates", ("run_name", "action_id"), "type", "pickle"),
    ("runs", ("name",), "inputs", "literals"),
    ("runs", ("name",), "outputs", "literals"),
    ("actions", ("run_name", "action_id"), "inputs", "literals"),
    ("actions", ("run_name", "action_id"), "outputs", "literals"),
    ("cache", ("key",), "outputs", "literals"),
    ("map_items", ("rowid",), "data", "literals"),
)


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _candidates(
    conn: sqlite3.Connection,
) -> Iterator[tuple[str, tuple[str, ...], str, tuple[object, ...], bytes]]:
    """Every stored payload that is or holds a pickle: (table, keys, column, key values, data)."""
    have = _tables(conn)
    for table, keys, col, kind in _COLUMNS:
        if table not in have:
            continue
        sql = f"SELECT {', '.join(keys)}, {col} FROM {table} WHERE {col} IS NOT NULL"
        if kind == "literals":
            sql += f" AND instr({col}, ?) > 0"
            rows = conn.execute(sql, (PICKLED,)).fetchall()
        else:
            rows = conn.execute(sql).fetchall()
        for row in rows:
            data = bytes(row[-1])
            if table == "runs" and col == "closure" and data.startswith(_CLOSURE_REF):
                continue  # a reference to a ``closures`` row, not a pickle
            yield table, keys, col, tuple(row[:-1]), data


def _valid(integrity: Integrity, data: bytes) -> bool:
    if not sealed(data):
        return False
    try:
        integrity.check(data, "", "")
    except UntrustedDataError:
        return False
    return True


def seal_all(conn: sqlite3.Connection, integrity: Integrity, *, reseal: bool = False) -> int:
    """Seal every pickle in the database that has no seal (``reseal``: also ones whose seal does
    not verify with this key); runs in the caller's transaction. Returns how many were sealed."""
    updates = []
    for table, keys, col, key, data in _candidates(conn):
        if sealed(data):
            if not reseal or _valid(integrity, data):
                continue
            data = data[len(MAGIC) + MAC_SIZE :]
        where = " AND ".join(f"{k}=?" for k in keys)
        updates.append((f"UPDATE {table} SET {col}=? WHERE {where}", (integrity.seal(data), *key)))
    for sql, params in updates:
        conn.execute(sql, params)
    return len(updates)


def unsealed(conn: sqlite3.Connection, integrity: Integrity) -> list[str]:
    """The stored pickles without a valid seal, as ``table.column[key]`` descriptions."""
    return [
        f"{table}.{col}[{', '.join(str(k) for k in key)}]"
        for table, _, col, key, data in _candidates(conn)
        if not _valid(integrity, data)
    ]


def seal_files(folder: str, integrity: Integrity, *, reseal: bool = True) -> int:
    """Seal the offloaded literal maps (``*.msgpack``) under local ``folder`` that hold a pickle
    without a valid seal. Returns how many files were rewritten."""
    from flytelike.engine._private import write_private

    count = 0
    for d, _, files in os.walk(folder):
        for f in files:
            if not f.endswith(".msgpack"):
                continue
            path = os.path.join(d, f)
            with open(path, "rb") as fh:
                data = fh.read()
            if PICKLED not in data or _valid(integrity, data):
                continue
            if sealed(data):
                if not reseal:
                    continue
                data = data[len(MAGIC) + MAC_SIZE :]
            write_private(path, integrity.seal(data))
            count += 1
    return count
