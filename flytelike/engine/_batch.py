"""One write batch of the run store: queued writes turned into as few statements as possible.

``drain`` empties the store's queue (and takes the rows producers hold back) into a list of
``(statement, rows)``: upserts of one key merge into one row (later values win), rows of one
statement are grouped in queue order, and ``insert_many`` writes a group with multi-row
``INSERT ... VALUES (...),(...)`` statements. ``runs_of`` names the runs a batch writes to (so
that a batch that cannot be written fails those runs). The writer thread and the connection
that commits lives in ``_store``.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Any

# Queue item kinds other than a plain ``(sql, params)`` / ``(sql, rows, True)`` (write_many).
UPSERT = object()
ROWS = object()

Ops = list[tuple[str, list[Sequence[Any]]]]
Merged = dict[tuple[str, tuple[str, ...]], dict[tuple[Any, ...], dict[str, Any]]]


def drain(
    items: deque[Any],
    take_held: Callable[[], Iterable[tuple[str, tuple[str, ...], dict[str, Any]]]] | None,
) -> Ops:
    """Everything in ``items`` (emptied) and the held rows ``take_held()`` hands over, as
    statements with their rows. Held rows come first: what producers queued after they were
    taken (a whole row replacing a held one, a later upsert) is written after them."""
    merged: Merged = {}
    if take_held is not None:
        for table, keys, row in take_held():
            merge(merged, table, keys, row)
    # Statements in order of first appearance, each with its rows in queue order.
    grouped: dict[str, list[Sequence[Any]]] = {}
    pop = items.popleft
    # What is queued now, counted: only the caller takes items out (it holds the store's lock),
    # producers only append. (Popping until ``IndexError`` raised an exception per drain, more
    # costly than a durability point's whole record.)
    for _ in range(len(items)):
        item = pop()
        kind = item[0]
        if kind is UPSERT:
            merge(merged, item[1], item[2], item[3])
        elif kind is ROWS:
            for sql, params in item[1]:
                rows_of = grouped.get(sql)
                if rows_of is None:
                    grouped[sql] = [params]
                else:
                    rows_of.append(params)
        elif len(item) == 3:  # write_many
            grouped.setdefault(kind, []).extend(item[1])
        else:
            grouped.setdefault(kind, []).append(item[1])
    ops: Ops = list(grouped.items())
    for (table, keys), rows in merged.items():
        ops.extend(upsert_ops(table, keys, list(rows.values())))
    return ops


# Tables whose statements name their run in the first parameter.
_RUN_FIRST = ("runs", "actions", "attempts", "decks", "gates", "signals", "map_items", "logs")


def runs_of(ops: Ops) -> set[str]:
    """The runs ``ops`` write rows of (best effort: statements keyed by their run name)."""
    out: set[str] = set()
    for sql, rows in ops:
        at = sql.find(" INTO ")
        if at < 0:
            continue
        table = sql[at + 6 :].split(None, 1)[0].split("(", 1)[0]
        if table in _RUN_FIRST:
            out.update(str(r[0]) for r in rows if r and isinstance(r[0], str))
    return out


def merge(merged: Merged, table: str, keys: tuple[str, ...], row: dict[str, Any]) -> None:
    rows = merged.get((table, keys))
    if rows is None:
        rows = merged[(table, keys)] = {}
    k = (row[keys[0]], row[keys[1]]) if len(keys) == 2 else tuple(row[c] for c in keys)
    found = rows.get(k)
    if found is None:
        rows[k] = row
    else:
        found.update(row)


def upsert_ops(table: str, keys: tuple[str, ...], rows: list[dict[str, Any]]) -> Ops:
    """One ``INSERT ... ON CONFLICT DO UPDATE`` per distinct column set, with its rows."""
    groups: dict[tuple[str, ...], list[Sequence[Any]]] = {}
    for row in rows:
        cols = tuple(row)
        groups.setdefault(cols, []).append(tuple(row.values()))
    out: Ops = []
    for cols, values in groups.items():
        updates = ", ".join(f"{c}=excluded.{c}" for c in cols if c not in keys)
        sql = (
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
            f"ON CONFLICT({', '.join(keys)}) DO "
            + (f"UPDATE SET {updates}" if updates else "NOTHING")
        )
        out.append((sql, values))
    return out


def coalesce(ops: Ops) -> Ops:
    """``ops`` with each run of one statement joined into one (rows in order): what several
    durability points took (``SQLiteStore.barrier``) is committed together, and a chain's
    points take one action row each."""
    out: Ops = []
    last = None
    for sql, rows in ops:
        if sql == last:
            out[-1][1].extend(rows)
        else:
            out.append((sql, list(rows)))
            last = sql
    return out


# Multi-row statements: ``INSERT ... VALUES (?,..),(?,..),...`` inserts many rows in one
# ``sqlite3_step``. ``executemany`` steps once per row, and every step releases the GIL: with the
# engine's thread busy, each re-acquisition waits for a forced switch (milliseconds), so a writer
# thread stepping row by row falls far behind. Row counts per statement are powers of two (a
# batch of 100 rows: 64 + 32 + 4), so a statement has at most nine shapes, each parsed once per
# connection and then found in sqlite3's statement cache (a text for every batch size missed it:
# parsing costs about as much per row as inserting it). Keyed by (statement, rows per statement).
_MULTI: dict[tuple[str, int], str] = {}
MAX_ROWS_PER_STATEMENT = 256


def multi_row_sql(sql: str, k: int) -> str | None:
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


def insert_many(conn: sqlite3.Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    width = len(rows[0])
    limit = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    k = max(1, min(MAX_ROWS_PER_STATEMENT, limit // max(1, width)))
    if k == 1 or multi_row_sql(sql, 2) is None:
        conn.executemany(sql, rows)
        return
    start, n = 0, len(rows)
    while start < n:
        size = min(k, n - start)
        size = 1 << (size.bit_length() - 1)  # (the largest power of two that fits)
        if size == 1:
            conn.execute(sql, rows[start])
        else:
            multi = multi_row_sql(sql, size)
            assert multi is not None
            conn.execute(multi, [p for row in rows[start : start + size] for p in row])
        start += size
