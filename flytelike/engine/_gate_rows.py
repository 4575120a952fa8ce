"""The run store's decks, gates and signals: ``GateRows``, a part of ``RunStore``.

Gate types (the ``LiteralType`` a gate waits for) are stored pickled, so they are sealed when
written and checked before they are loaded (``_integrity``).
"""

from __future__ import annotations

import pickle
import time
from typing import Any

from flytelike.engine._integrity import Integrity
from flytelike.engine._store import SQLiteStore


class GateRows:
    """Decks, gates and signals of runs (``RunStore`` inherits these methods)."""

    db: SQLiteStore
    integrity: Integrity

    def decks(self, run: str, action_id: str, decks: list[tuple[str, str]]) -> None:
        self.db.write_many(
            "INSERT OR REPLACE INTO decks (run_name, action_id, name, uri) VALUES (?,?,?,?)",
            [(run, action_id, n, u) for n, u in decks],
        )

    def deck_list(self, run: str) -> list[tuple[str, str, str]]:
        return [
            tuple(r)
            for r in self.db.query(
                "SELECT action_id, name, uri FROM decks WHERE run_name=? ORDER BY action_id", (run,)
            )
        ]

    def open_gate(self, run: str, action_id: str, name: str, kind: str, lt: Any) -> None:
        sealed_type = self.integrity.seal(pickle.dumps(lt))
        self.db.execute(
            [
                (
                    "INSERT OR REPLACE INTO gates (run_name, action_id, name, kind, type, phase, "
                    "created_at) VALUES (?,?,?,?,?,?,?)",
                    (run, action_id, name, kind, sealed_type, "WAITING", time.time()),
                )
            ]
        )

    def close_gate(self, run: str, action_id: str, phase: str) -> None:
        self.db.write(
            "UPDATE gates SET phase=? WHERE run_name=? AND action_id=?", (phase, run, action_id)
        )

    def gates(self, run: str) -> list[tuple[str, str, str, Any, str]]:
        """``(action id, name, kind, type, phase)`` of each gate of ``run``. A gate still marked
        ``WAITING`` whose action ended after it opened (its task was aborted, the run's root
        ended, the process that ran it was killed and the run resumed) has the action's phase."""
        rows = self.db.query(
            "SELECT g.action_id, g.name, g.kind, g.type, CASE WHEN g.phase = 'WAITING' AND "
            "a.ended_at >= g.created_at AND a.phase NOT IN ('QUEUED', 'RUNNING', "
            "'DYNAMIC_RUNNING') THEN a.phase ELSE g.phase END FROM gates g LEFT JOIN actions a "
            "ON a.run_name = g.run_name AND a.action_id = g.action_id WHERE g.run_name=?",
            (run,),
        )
        where = str(self.db.path)
        return [
            (
                r[0],
                r[1],
                r[2],
                pickle.loads(
                    self.integrity.check(r[3], f"the type of gate {r[1]!r} of run {run}", where)
                )
                if r[3]
                else None,
                r[4],
            )
            for r in rows
        ]

    def put_signal(self, run: str, name: str, value_json: str) -> None:
        self.db.execute(
            [
                (
                    "INSERT OR REPLACE INTO signals (run_name, name, value, created_at) VALUES (?,?,?,?)",
                    (run, name, value_json, time.time()),
                )
            ]
        )

    def get_signal(self, run: str, name: str) -> str | None:
        rows = self.db.query("SELECT value FROM signals WHERE run_name=? AND name=?", (run, name))
        return rows[0][0] if rows else None
