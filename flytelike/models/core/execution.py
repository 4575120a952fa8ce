"""flytekit's ``flytekit.models.core.execution``: the phase enums and ``ExecutionError``.

The phase enums *are* flytelike's (``flytelike.ir._phases``): ``WorkflowExecutionPhase`` is
``WorkflowPhase``, ``NodeExecutionPhase`` is ``NodePhase``, ``TaskExecutionPhase`` is
``TaskPhase``. Members are ``str`` enums named as in flyteidl (``WorkflowExecutionPhase.SUCCEEDED``),
``.code`` is the flyteidl integer and ``enum_to_string(phase)`` gives the name for a member, a
name or a flyteidl integer. Because members are strings, phases of different kinds with the same
name compare equal (``WorkflowExecutionPhase.RUNNING == NodeExecutionPhase.RUNNING``), which is
what flytekit code comparing an execution's phase with a ``NodeExecutionPhase`` expects.

``ExecutionError(code, message, error_uri, kind)`` is the error of a failed execution, node or
attempt as ``flytelike.remote`` reports it (``execution.error``, ``node_execution.error``,
``task_execution.error``, each raising ``FlyteAssertion`` before the execution is done, as
upstream). ``ExecutionError.ErrorKind`` has flytekit's members ``UNKNOWN``, ``USER`` and
``SYSTEM``; like the phases they are ``str`` enum members (``.code`` is flyteidl's integer: 0, 1,
2), so ``error.kind == ExecutionError.ErrorKind.USER`` and ``error.kind == "USER"`` both hold.
``TaskLog`` (a link into a cluster's logging system) is not provided: see
``flytelike._compat.flytekit_gaps``.
"""

from __future__ import annotations

import enum
import html
from dataclasses import dataclass
from typing import Any, ClassVar

from flytelike._compat.aliases import not_provided
from flytelike.ir import NodePhase, TaskPhase, WorkflowPhase

WorkflowExecutionPhase = WorkflowPhase
NodeExecutionPhase = NodePhase
TaskExecutionPhase = TaskPhase

_KIND_CODES = {"UNKNOWN": 0, "USER": 1, "SYSTEM": 2}


class ExecutionErrorKind(enum.StrEnum):
    """Who caused an error: the user's code (``USER``), the platform (``SYSTEM``) or neither
    known (``UNKNOWN``); ``.code`` is flyteidl's integer."""

    UNKNOWN = "UNKNOWN"
    USER = "USER"
    SYSTEM = "SYSTEM"

    @property
    def code(self) -> int:
        return _KIND_CODES[self.name]

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def of(cls, kind: object) -> ExecutionErrorKind:
        """The member for a member, a name (any case; empty is ``UNKNOWN``) or a flyteidl
        integer; ``ValueError`` naming the accepted values otherwise."""
        if isinstance(kind, cls):
            return kind
        if isinstance(kind, int) and not isinstance(kind, bool):
            for name, code in _KIND_CODES.items():
                if code == kind:
                    return cls[name]
        elif isinstance(kind, str):
            name = kind.upper() or "UNKNOWN"
            if name in _KIND_CODES:
                return cls[name]
        raise ValueError(
            f"ExecutionError kind {kind!r} is not an error kind: give ExecutionError.ErrorKind."
            "UNKNOWN, USER or SYSTEM (or their names, or flyteidl's integers 0, 1, 2)"
        )


@dataclass(frozen=True)
class ExecutionError:
    """Why an execution, node or attempt failed: ``code`` (the exception's type, or the error
    kind when there is none), ``message``, ``error_uri`` (empty: the error is kept in the run
    store, not in a document of its own) and ``kind`` (an ``ErrorKind`` member; a name or
    flyteidl integer given is converted)."""

    ErrorKind: ClassVar[type[ExecutionErrorKind]] = ExecutionErrorKind

    code: str
    message: str
    error_uri: str = ""
    kind: ExecutionErrorKind = ExecutionErrorKind.UNKNOWN

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ExecutionErrorKind.of(self.kind))

    def _repr_html_(self) -> str:
        return f"<b>{html.escape(self.code)}</b> <pre>{html.escape(self.message)}</pre>"


__all__ = [
    "ExecutionError",
    "ExecutionErrorKind",
    "NodeExecutionPhase",
    "TaskExecutionPhase",
    "WorkflowExecutionPhase",
]


def __getattr__(name: str) -> Any:
    not_provided(__name__, name, {})
