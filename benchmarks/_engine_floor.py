"""The ``engine`` suite's floor: what the work costs without the engine, on this machine.

A task run by the engine at least calls its function and records one row; so the floor per unit
is calling the plain function plus inserting one action-like row into SQLite (WAL, on disk,
``executemany`` in one transaction). A chained task's completion is also committed before its
dependent starts, so ``commits`` (one row per transaction) is printed too. Used for wall and CPU
time by the suite and, under callgrind, for instructions.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
from typing import Any

from benchmarks._engine_work import inc

_ROW = (b"\x81\xa1x\x01", b"\x81\xa2o0\x02")


class Floor:
    """Plain calls and SQLite rows, sized by the caller (``close()`` when done)."""

    def __init__(self, directory: str) -> None:
        self.fn = inc.task_function
        self.conn = sqlite3.connect(os.path.join(directory, "floor.db"), isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute(
            "CREATE TABLE a (run TEXT, id TEXT, parent TEXT, phase TEXT, t0 REAL, t1 REAL, "
            "inputs BLOB, outputs BLOB, attempts INTEGER, PRIMARY KEY (run, id)) WITHOUT ROWID"
        )
        self._batch = itertools.count()

    def calls(self, n: int) -> Any:
        fn = self.fn
        return [fn(x=i) for i in range(n)]

    def rows(self, n: int) -> None:
        """n rows in one transaction."""
        run = f"r-{next(self._batch)}"
        rows = [(run, f"n{i}", "", "SUCCEEDED", 1.0, 2.0, *_ROW, 1) for i in range(n)]
        self.conn.execute("BEGIN")
        self.conn.executemany("INSERT INTO a VALUES (?,?,?,?,?,?,?,?,?)", rows)
        self.conn.execute("COMMIT")

    def commits(self, n: int) -> None:
        """n rows, one transaction each."""
        run = f"c-{next(self._batch)}"
        for i in range(n):
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute(
                "INSERT INTO a VALUES (?,?,?,?,?,?,?,?,?)",
                (run, f"n{i}", "", "SUCCEEDED", 1.0, 2.0, *_ROW, 1),
            )
            self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()
