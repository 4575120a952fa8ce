"""``ActionError``: why an action failed, as the run store keeps it and the API returns it.

One value per failed attempt (``Run.attempts()[i].error``), per failed action (its last attempt:
``Run.actions()[i].error``) and per failed run (the action that failed it: ``Run.error``). It
is plain data: the exception object itself never reaches the store (a run in this process still
raises the original exception from ``outputs()``, as its cause).

Stored as a JSON object in the ``error`` columns (``to_dict``/``from_dict``). Rows written by
earlier versions hold fewer keys (``kind``, ``type``, ``message``, ``traceback``, ``node_id`` (the
action's id), ``timed_out``); they still load, with the missing fields empty. For code written
against those dicts, ``error["message"]`` and ``error.get("node_id")`` still answer with the
same keys and meanings.

What does not live here: formatting tracebacks (``flytelike.backends._tracebacks``), the backend's
``ExecutionError`` (what an attempt returns, including the live exception object).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flytelike.backends import ExecutionError

# The keys of the stored dict that earlier versions wrote, by the field now holding them.
_OLD_KEYS = {
    "kind": "kind",
    "type": "type",
    "message": "message",
    "traceback": "traceback",
    "node_id": "action_id",
    "timed_out": "timed_out",
}


@dataclass(frozen=True, slots=True)
class ActionError:
    """Why an action (one attempt of it) failed.

    - ``kind``: ``"USER"`` (the task's code raised, or its inputs/outputs did not convert) or
      ``"SYSTEM"`` (the worker, the backend or the engine failed);
    - ``type``: the exception's qualified class name (``"builtins.ValueError"``);
    - ``message``: ``"<class name>: <message>"``, as Python prints the exception's last line;
    - ``traceback``: the traceback as text, only the frames of the user's code (see
      ``flytelike.backends._tracebacks``); empty when there is none (an error of the engine itself);
    - ``action_id``: the failing action's id in the run (``"n0"``, ``"n2[3]"``, ``"n1/n0"``);
      ``node_id``: its node's id in the workflow (``ActionRecord.node_id``); ``task``: the
      task's name (``"my_module.my_task"``);
    - ``attempt``: which attempt failed, counting from 0 (``AttemptRecord.attempt``);
      ``started_at``/``ended_at``: when it started and ended (epoch seconds; ``None`` when
      unknown, e.g. rows of earlier versions);
    - ``timed_out``: the attempt ran past its timeout.
    """

    kind: str
    type: str
    message: str
    traceback: str = field(default="", repr=False)
    action_id: str = ""
    node_id: str = ""
    task: str = ""
    attempt: int = 0
    started_at: float | None = None
    ended_at: float | None = None
    timed_out: bool = False

    @classmethod
    def of(
        cls,
        err: ExecutionError,
        action_id: str = "",
        *,
        node_id: str = "",
        task: str = "",
        attempt: int = 0,
        started_at: float | None = None,
        ended_at: float | None = None,
    ) -> ActionError:
        """An attempt's ``ExecutionError`` with where and when it happened."""
        return cls(
            err.kind,
            err.error_type,
            err.message,
            err.traceback,
            action_id,
            node_id,
            task,
            attempt,
            started_at,
            ended_at,
            err.timed_out,
        )

    # ------------------------------------------------------------------ storage
    def to_dict(self) -> dict[str, Any]:
        """The JSON object stored in the run store (a superset of earlier versions' keys)."""
        return {
            "kind": self.kind,
            "type": self.type,
            "message": self.message,
            "traceback": self.traceback,
            "node_id": self.action_id,
            "node": self.node_id,
            "task": self.task,
            "attempt": self.attempt,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "timed_out": self.timed_out,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ActionError:
        """A stored error of any version (missing keys read as empty)."""
        return cls(
            str(d.get("kind") or ""),
            str(d.get("type") or ""),
            str(d.get("message") or ""),
            str(d.get("traceback") or ""),
            str(d.get("node_id") or ""),
            str(d.get("node") or ""),
            str(d.get("task") or ""),
            int(d.get("attempt") or 0),
            d.get("started_at"),
            d.get("ended_at"),
            bool(d.get("timed_out")),
        )

    # ------------------------------------------------------------------ dict-style access
    def __getitem__(self, key: str) -> Any:
        """``error["message"]``: the keys of the dicts earlier versions returned."""
        name = _OLD_KEYS.get(key)
        if name is None:
            raise KeyError(key)
        return getattr(self, name)

    def get(self, key: str, default: Any = None) -> Any:
        """``error.get("node_id")``: the keys of the dicts earlier versions returned."""
        name = _OLD_KEYS.get(key)
        return getattr(self, name) if name is not None else default

    # ------------------------------------------------------------------ reading
    @property
    def short_type(self) -> str:
        """The exception's class name without its module (``"ValueError"``)."""
        return self.type.rsplit(".", 1)[-1]

    def where(self) -> str:
        """Where it failed: ``node n0 (task m.t, attempt 1)``."""
        where = f"node {self.action_id}" if self.action_id else "the run"
        detail = [f"task {self.task}"] if self.task else []
        if self.started_at is not None or self.attempt:
            detail.append(f"attempt {self.attempt + 1}")
        return where + (f" ({', '.join(detail)})" if detail else "")

    def describe(self) -> str:
        """One line: where it failed and why (``node n0 (task m.t, attempt 1): ValueError: x``)."""
        return f"{self.where()}: {self.message}"
