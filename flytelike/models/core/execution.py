"""flytekit's phase enums under their flytekit names (``flytekit.models.core.execution``).

They *are* flytelike's phase enums (``flytelike.ir._phases``): ``WorkflowExecutionPhase`` is
``WorkflowPhase``, ``NodeExecutionPhase`` is ``NodePhase``, ``TaskExecutionPhase`` is
``TaskPhase``. Members are ``str`` enums named as in flyteidl (``WorkflowExecutionPhase.SUCCEEDED``),
``.code`` is the flyteidl integer and ``enum_to_string(phase)`` gives the name for a member, a
name or a flyteidl integer. Because members are strings, phases of different kinds with the same
name compare equal (``WorkflowExecutionPhase.RUNNING == NodeExecutionPhase.RUNNING``), which is
what flytekit code comparing an execution's phase with a ``NodeExecutionPhase`` expects.
"""

from __future__ import annotations

from flytelike.ir import NodePhase, TaskPhase, WorkflowPhase

WorkflowExecutionPhase = WorkflowPhase
NodeExecutionPhase = NodePhase
TaskExecutionPhase = TaskPhase

__all__ = ["NodeExecutionPhase", "TaskExecutionPhase", "WorkflowExecutionPhase"]
