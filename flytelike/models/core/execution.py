"""flytekit's phase enums under their flytekit names (``flytekit.models.core.execution``).

They *are* flytelike's phase enums (``flytelike.ir._phases``): ``WorkflowExecutionPhase`` is
``WorkflowPhase``, ``NodeExecutionPhase`` is ``NodePhase``, ``TaskExecutionPhase`` is
``TaskPhase``. Members are ``str`` enums named as in flyteidl (``WorkflowExecutionPhase.SUCCEEDED``),
``.code`` is the flyteidl integer and ``enum_to_string(phase)`` gives the name for a member, a
name or a flyteidl integer. Because members are strings, phases of different kinds with the same
name compare equal (``WorkflowExecutionPhase.RUNNING == NodeExecutionPhase.RUNNING``), which is
what flytekit code comparing an execution's phase with a ``NodeExecutionPhase`` expects.
``ExecutionError(code, message, kind, error_uri)`` is the error of a failed execution, node or
attempt as ``flytelike.remote`` reports it (``execution.error``).
"""

from __future__ import annotations

from typing import Any

from flytelike._compat.aliases import not_provided
from flytelike.ir import NodePhase, TaskPhase, WorkflowPhase

WorkflowExecutionPhase = WorkflowPhase
NodeExecutionPhase = NodePhase
TaskExecutionPhase = TaskPhase

# (and ExecutionError, loaded on first use by __getattr__)
__all__ = ["NodeExecutionPhase", "TaskExecutionPhase", "WorkflowExecutionPhase"]


def __getattr__(name: str) -> Any:
    if name == "ExecutionError":
        # Loaded on first use: the remote package imports this module's phases.
        from flytelike.remote._execution import ExecutionError

        return ExecutionError
    not_provided(__name__, name, {})
