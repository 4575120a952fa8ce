"""What tasks printed, in the run store: one ``logs`` row per attempt that wrote anything.

A row holds the attempt's ``ActionLog`` (captured by ``flytelike.backends._capture``, at most
``LOG_LIMIT`` characters): its chunks as a msgpack list of ``[stream, text]`` pairs (stream 0 is
stdout, 1 stderr) and how many earlier characters were dropped. Attempts that printed nothing
have no row. A resumed run that runs an attempt again replaces its row. The table is declared
with the others in ``_store``.
"""

from __future__ import annotations

import time
from typing import Any

import msgpack

from flytelike.backends import ActionLog

INSERT_SQL = (
    "INSERT OR REPLACE INTO logs (run_name, action_id, attempt, created_at, data, dropped) "
    "VALUES (?,?,?,?,?,?)"
)
_CODES = {"stdout": 0, "stderr": 1}
_STREAMS = ("stdout", "stderr")


def log_row(run: str, action_id: str, attempt: int, log: ActionLog) -> tuple[Any, ...]:
    data = msgpack.packb([[_CODES[s], t] for s, t in log.chunks], use_bin_type=True)
    return (run, action_id, attempt, time.time(), data, log.dropped)


def read_logs(db: Any, run: str, action_id: str | None = None) -> list[ActionLog]:
    """The logs of ``run`` (of one action when ``action_id`` is given), in the order written."""
    sql = "SELECT action_id, attempt, data, dropped FROM logs WHERE run_name=?"
    params: tuple[str, ...] = (run,)
    if action_id is not None:
        sql += " AND action_id=?"
        params = (run, action_id)
    rows = db.query(sql + " ORDER BY created_at, action_id, attempt", params)
    return [
        ActionLog(
            tuple((_STREAMS[s], t) for s, t in msgpack.unpackb(data, raw=False)),
            dropped or 0,
            aid,
            attempt,
        )
        for aid, attempt, data, dropped in rows
    ]
