"""How a node fails inside the engine: ``NodeFailed`` (raised through the interpreter's scopes)
and ``error_dict`` (an error as the run store keeps it); ``Outputs``, a node's output literals.

These sit below everything that runs nodes (``_execution``, ``_abort``, ``_interpreter``, the
node handlers), so that those can share them without importing each other.
"""

from __future__ import annotations

from typing import Any

from flytelike.backends import ExecutionError
from flytelike.engine._action_error import ActionError
from flytelike.engine._phases import NodePhase
from typesystem import Literal

Outputs = dict[str, Literal]


class NodeFailed(Exception):
    """A node ended without outputs; ``error`` says why, ``action_id`` where; ``detail``, when
    a task attempt failed it, is that attempt's ``ActionError`` (task, attempt, times)."""

    def __init__(
        self,
        action_id: str,
        error: ExecutionError,
        phase: NodePhase = NodePhase.FAILED,
        detail: ActionError | None = None,
    ):
        super().__init__(f"{action_id}: {error.message}")
        self.action_id = action_id
        self.error = error
        self.phase = phase
        self.detail = detail

    def action_error(self) -> ActionError:
        """The failure as recorded: the failing attempt's ``detail``, else built from ``error``."""
        if self.detail is not None:
            return self.detail
        return ActionError.of(self.error, self.action_id)


def error_dict(err: ExecutionError, action_id: str = "", **detail: Any) -> dict[str, Any]:
    """``err`` as the run store keeps it (``ActionError.to_dict``); ``detail``: the other
    fields of ``ActionError.of`` (``node_id``, ``task``, ``attempt``, ``started_at``, ...)."""
    return ActionError.of(err, action_id, **detail).to_dict()
