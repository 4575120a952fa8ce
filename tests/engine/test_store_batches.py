"""The run store's write batches (``_batch``): statements of fixed shapes, points joined."""

from __future__ import annotations

import sqlite3

from flytelike.engine._batch import coalesce, insert_many

SQL = "INSERT INTO t (a, b) VALUES (?,?)"


def _conn() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)")
    return conn


def test_rows_go_in_power_of_two_statements() -> None:
    conn = _conn()
    shapes: list[int] = []
    conn.set_trace_callback(lambda sql: shapes.append(sql.count("(") - 1))
    insert_many(conn, SQL, [(i, f"v{i}") for i in range(100)])
    assert shapes == [64, 32, 4]  # (100 = 64 + 32 + 4: three shapes, each parsed once)
    assert conn.execute("SELECT count(*), min(a), max(a) FROM t").fetchone() == (100, 0, 99)
    shapes.clear()
    insert_many(conn, SQL, [(i, "w") for i in range(100, 1100)])  # (256 at most per statement)
    assert shapes == [256, 256, 256, 128, 64, 32, 8]
    assert conn.execute("SELECT count(*) FROM t").fetchone() == (1100,)


def test_later_rows_of_one_statement_win() -> None:
    conn = _conn()
    replace = "INSERT OR REPLACE INTO t (a, b) VALUES (?,?)"
    insert_many(conn, replace, [(1, "first"), (2, "x"), (1, "second")])
    assert conn.execute("SELECT b FROM t WHERE a=1").fetchone() == ("second",)


def test_coalesce_joins_runs_of_one_statement_in_order() -> None:
    other = "INSERT INTO u VALUES (?)"
    first = [(1, "a")]
    ops = [(SQL, first), (SQL, [(2, "b")]), (other, [(9,)]), (SQL, [(3, "c")])]
    assert coalesce(ops) == [
        (SQL, [(1, "a"), (2, "b")]),
        (other, [(9,)]),
        (SQL, [(3, "c")]),  # (not moved ahead of the statement queued before it)
    ]
    assert first == [(1, "a")]  # (the ops it was given are left as they were)
