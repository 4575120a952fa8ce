"""Recording runs ``FAILED`` when the run store lost some of their records (a full disk, an I/O
error): ``record_failed`` writes, for each run, a row of its own in a small transaction (the
run's name, entity, kind and times as ``RunStore.create_run`` saw them, phase ``FAILED`` and the
store's error), inserting it when the run's first row was lost too. A run is never left
unrecorded while the store takes a row at all.
"""

from __future__ import annotations

import json
import time

from flytelike.engine._namespace import DEFAULT_DOMAIN, DEFAULT_PROJECT
from flytelike.engine._rows import _pid
from flytelike.engine._store import SQLiteStore
from flytelike.engine.errors import StoreError

_ROW = (
    "INSERT INTO runs (name, entity, kind, phase, created_at, started_at, ended_at, error, "
    "options, parent, pid, project, domain) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(name) DO UPDATE SET "
    "phase=excluded.phase, ended_at=excluded.ended_at, error=excluded.error"
)


def record_failed(
    db: SQLiteStore,
    identity: dict[str, tuple[str, str, float, str | None]],
    runs: set[str],
    error: StoreError,
) -> None:
    """Record ``runs`` ``FAILED`` with ``error``; ``identity``: run -> (entity, kind, created,
    options JSON) of the runs this process created."""
    now = time.time()
    err = json.dumps({"kind": "SYSTEM", "type": type(error).__name__, "message": str(error)})
    for run in sorted(runs):
        entity, kind, created, options = identity.get(run, ("", "", now, None))
        opts = json.loads(options) if options else {}
        ns = (opts.get("project") or DEFAULT_PROJECT, opts.get("domain") or DEFAULT_DOMAIN)
        row = (run, entity, kind, "FAILED", created, created, now, err, options, "", _pid(), *ns)
        db.execute([(_ROW, row)])
