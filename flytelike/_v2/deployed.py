"""Deployed tasks in the local run store: what ``flytelike.deploy`` writes and
``flytelike.remote.Task`` reads.

A deployed task is a row of the ``deployed_tasks`` table (made here on first use, beside the
engine's tables, in the same database): its project, domain, name and version (the key), the
environment it came from, when it was deployed, its compiled closure (the task template and
everything it references, pickled and sealed with the home's integrity key as the engine seals
its pickles) and the location of its code (the modules and the folders they were imported from,
``flytelike.engine._code``), so that another process can import the code and run it. Deploying
the same key again replaces the row (a version names content: deploying other content under a
used version is the user's choice, as on a cluster).

What is here and what is not: rows in and out (``DeployedTask``); the deploy verb is
``flytelike._remote_verbs.deploy``, the remote objects are ``flytelike.remote._task``.
"""

from __future__ import annotations

import json
import pickle
import time
from dataclasses import dataclass
from typing import Any

_TABLE = """
CREATE TABLE IF NOT EXISTS deployed_tasks (
    project TEXT, domain TEXT, name TEXT, version TEXT, environment TEXT, created_at REAL,
    closure BLOB, code TEXT,
    PRIMARY KEY (project, domain, name, version)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deployed_tasks_newest ON deployed_tasks (project, domain, name,
    created_at);
"""
_COLS = "project, domain, name, version, environment, created_at, closure, code"
_MADE: set[str] = set()  # databases whose table this process has made


@dataclass(frozen=True)
class DeployedTask:
    """One deployed task, as the store holds it (``closure`` still sealed)."""

    project: str
    domain: str
    name: str
    version: str
    environment: str
    created_at: float
    closure: bytes
    code: dict[str, Any]

    def load_closure(self, engine: Any) -> Any:
        """The task's compiled closure, its seal checked with the home's key; its code is made
        importable first (``flytelike.engine._code.prepare``), as for a resumed run."""
        from flytelike.engine import prepare_code as prepare

        store = engine.store
        what = f"the deployed task {self.name} (version {self.version})"
        closure = pickle.loads(store.integrity.check(self.closure, what, str(store.db.path)))
        prepare(f"{self.name}@{self.version}", closure, self.code)
        return closure


def _ensure(engine: Any) -> Any:
    db = engine.store.db
    key = str(db.path)
    if key not in _MADE:
        db.execute([(stmt, ()) for stmt in _TABLE.split(";") if stmt.strip()])
        _MADE.add(key)
    return db


def record(
    engine: Any,
    project: str,
    domain: str,
    environment: str,
    version: str,
    tasks: list[tuple[str, Any, dict[str, Any]]],
) -> float:
    """Record ``tasks`` (name, closure, code location) deployed from ``environment`` under
    ``version`` in ``project``/``domain``; returns the time they were recorded."""
    db = _ensure(engine)
    seal = engine.store.integrity.seal
    now = time.time()
    sql = f"INSERT OR REPLACE INTO deployed_tasks ({_COLS}) VALUES (?,?,?,?,?,?,?,?)"
    ops = []
    for name, closure, code in tasks:
        data = seal(pickle.dumps(closure, protocol=pickle.HIGHEST_PROTOCOL))
        row = (project, domain, name, version, environment, now, data, json.dumps(code))
        ops.append((sql, row))
    db.execute(ops)
    return now


def _row(r: tuple[Any, ...]) -> DeployedTask:
    return DeployedTask(r[0], r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7] or "{}"))


def find(
    engine: Any, project: str, domain: str, name: str, version: str | None
) -> DeployedTask | None:
    """The task ``name`` at ``version`` (``None``: the newest deployed) in the namespace."""
    db = _ensure(engine)
    if version is None:
        rows = db.query(
            f"SELECT {_COLS} FROM deployed_tasks WHERE project=? AND domain=? AND name=? "
            "ORDER BY created_at DESC LIMIT 1",
            (project, domain, name),
        )
    else:
        rows = db.query(
            f"SELECT {_COLS} FROM deployed_tasks WHERE project=? AND domain=? AND name=? "
            "AND version=?",
            (project, domain, name, version),
        )
    return _row(rows[0]) if rows else None


def listall(
    engine: Any,
    project: str,
    domain: str,
    name: str | None = None,
    environment: str | None = None,
    newest_first: bool = False,
    limit: int = 100,
) -> list[DeployedTask]:
    """Deployed tasks of the namespace, by deployment time (oldest first unless
    ``newest_first``), only those named ``name`` / of ``environment`` when given."""
    db = _ensure(engine)
    where = ["project=?", "domain=?"]
    params: list[Any] = [project, domain]
    if name:
        where.append("name=?")
        params.append(name)
    if environment:
        where.append("environment=?")
        params.append(environment)
    order = "DESC" if newest_first else "ASC"
    sql = (
        f"SELECT {_COLS} FROM deployed_tasks WHERE {' AND '.join(where)} "
        f"ORDER BY created_at {order}, name LIMIT ?"
    )
    return [_row(r) for r in db.query(sql, (*params, limit))]
