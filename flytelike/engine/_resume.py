"""What resuming a run reads from the run store and resets in it.

``check_resumable`` refuses a run that succeeded or is still running in a live process;
``restart`` marks the run running again in this process and drops the abort requests of its
earlier attempt (which would otherwise abort the resumed run at once). Every earlier record is
kept: actions that re-run continue their attempt numbers after the recorded ones
(``attempt_bases``), so the phases and errors of earlier attempts (``ABORTED``, ``FAILED``) stay
in the ``attempts`` table as they were. Reusing succeeded outputs is ``RunStore.succeeded_outputs``.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from typing import Any

from flytelike.engine._pending import alive
from flytelike.engine._rows import RunRecord
from flytelike.engine._run_store import RunStore
from flytelike.engine.errors import ResumeError

ABORT_PREFIX = "__abort__"  # (``_abort.SIGNAL_PREFIX``)


def check_resumable(store: RunStore, rec: RunRecord) -> None:
    """Raise ``ResumeError`` unless run ``rec`` can be resumed by this process."""
    name = rec.name
    if rec.phase == "SUCCEEDED":
        raise ResumeError(f"run {name} succeeded; there is nothing to resume")
    if rec.phase in ("RUNNING", "QUEUED"):
        rows = store.db.query("SELECT pid FROM runs WHERE name=?", (name,))
        pid = rows[0][0] if rows else None
        if pid and pid != os.getpid() and alive(int(pid)):
            raise ResumeError(
                f"run {name} is still running in process {pid}; wait for it to end, or abort "
                f"it (`flytelike runs abort {name}`) and resume it then"
            )


def attempt_bases(store: RunStore, run: str) -> dict[str, int]:
    """For every action of ``run`` with recorded attempts, the number its next attempt takes."""
    rows = store.db.query(
        "SELECT action_id, max(attempt) + 1 FROM attempts WHERE run_name=? GROUP BY action_id",
        (run,),
    )
    return {aid: int(n) for aid, n in rows}


def restart(store: RunStore, name: str) -> None:
    """Mark run ``name`` running again (in this process), close the attempts its earlier try
    left open, and forget its old abort requests."""
    store.db.execute(
        [
            *_closing_attempts(store, name),
            (
                "UPDATE runs SET phase='RUNNING', ended_at=NULL, error=NULL, attempts=attempts+1, "
                "pid=? WHERE name=?",
                (os.getpid(), name),
            ),
            (
                "DELETE FROM signals WHERE run_name=? AND substr(name, 1, ?)=?",
                (name, len(ABORT_PREFIX), ABORT_PREFIX),
            ),
        ]
    )


_CLOSE_ATTEMPT = (
    "INSERT OR IGNORE INTO attempts (run_name, action_id, attempt, phase, started_at, ended_at, "
    "error_kind, error_type, message, traceback) VALUES (?,?,?,?,?,?,?,?,?,?)"
)


def _closing_attempts(store: RunStore, run: str) -> list[tuple[str, tuple[Any, ...]]]:
    """An attempt row for every task action whose last attempt the ``attempts`` table does not
    show as it ended: one the run's abort stopped (``ABORTED`` with the abort's error), or one a
    killed process left ``RUNNING`` (``ABORTED``, "interrupted"). The resumed attempts follow
    them, so the action's history reads as it happened."""
    last: dict[str, tuple[int, str]] = {}
    for aid, attempt, phase in store.db.query(
        "SELECT action_id, attempt, phase FROM attempts WHERE run_name=? ORDER BY attempt",
        (run,),
    ):
        last[aid] = (attempt, phase)
    ops: list[tuple[str, tuple[Any, ...]]] = []
    for aid, phase, error, started, ended in store.db.query(
        "SELECT action_id, phase, error, started_at, ended_at FROM actions WHERE run_name=? AND "
        "kind IN ('task', 'map_item') AND phase NOT IN ('SUCCEEDED', 'RECOVERED', 'SKIPPED')",
        (run,),
    ):
        seen = last.get(aid)
        if seen is not None and seen[1] in ("ABORTED", "FAILED"):
            continue  # its last attempt is recorded as it ended
        n = seen[0] + 1 if seen is not None else 0
        err: dict[str, Any] = {}
        if error:
            with contextlib.suppress(ValueError):
                found = json.loads(error)
                err = found if isinstance(found, dict) else {}
        if phase in ("RUNNING", "QUEUED", "DYNAMIC_RUNNING"):
            closed = "ABORTED"
            err = {
                "kind": "SYSTEM",
                "type": "Interrupted",
                "message": f"attempt {n} was interrupted: the process running run {run} ended "
                "before it finished (the run was resumed)",
            }
        else:
            closed = "ABORTED" if phase == "ABORTED" else "FAILED"
        ops.append(
            (
                _CLOSE_ATTEMPT,
                (
                    run,
                    aid,
                    n,
                    closed,
                    started,
                    ended or time.time(),
                    err.get("kind"),
                    err.get("type"),
                    err.get("message"),
                    err.get("traceback"),
                ),
            )
        )
    return ops
