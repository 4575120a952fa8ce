"""Flyte's three phase enums, kept apart: workflow (run), node (action) and task (attempt).

They are ``str`` enums (values are the names), so they store and print as text and can never be
confused through their integers (errata E3/E4 of the v1 spec). ``flyteidl`` integer values are
available as ``.code`` for interoperability.
"""

from __future__ import annotations

import enum


class _Phase(enum.StrEnum):
    @property
    def is_terminal(self) -> bool:
        return self.name in _TERMINAL[type(self).__name__]

    @property
    def code(self) -> int:
        return _CODES[type(self).__name__][self.name]

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def enum_to_string(cls, phase: object) -> str:
        """flytekit's helper: the name of ``phase``, given as a member, a name or this kind's
        flyteidl integer code (``WorkflowPhase.enum_to_string(4) == "SUCCEEDED"``)."""
        if isinstance(phase, int) and not isinstance(phase, bool | str):
            for name, code in _CODES[cls.__name__].items():
                if code == phase:
                    return name
            raise ValueError(f"{phase} is not a {cls.__name__} code")
        return cls(str(phase).upper()).name


class WorkflowPhase(_Phase):
    UNDEFINED = "UNDEFINED"
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDING = "SUCCEEDING"
    SUCCEEDED = "SUCCEEDED"
    FAILING = "FAILING"
    FAILED = "FAILED"
    ABORTED = "ABORTED"
    TIMED_OUT = "TIMED_OUT"
    ABORTING = "ABORTING"


class NodePhase(_Phase):
    UNDEFINED = "UNDEFINED"
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILING = "FAILING"
    FAILED = "FAILED"
    ABORTED = "ABORTED"
    SKIPPED = "SKIPPED"
    TIMED_OUT = "TIMED_OUT"
    DYNAMIC_RUNNING = "DYNAMIC_RUNNING"
    RECOVERED = "RECOVERED"


class TaskPhase(_Phase):
    UNDEFINED = "UNDEFINED"
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    ABORTED = "ABORTED"
    FAILED = "FAILED"
    RETRYABLE_FAILED = "RETRYABLE_FAILED"
    INITIALIZING = "INITIALIZING"
    WAITING_FOR_RESOURCES = "WAITING_FOR_RESOURCES"


_TERMINAL = {
    "WorkflowPhase": {"SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT"},
    "NodePhase": {"SUCCEEDED", "FAILED", "ABORTED", "SKIPPED", "TIMED_OUT", "RECOVERED"},
    "TaskPhase": {"SUCCEEDED", "FAILED", "ABORTED"},
}

_CODES = {
    "WorkflowPhase": {p: i for i, p in enumerate(WorkflowPhase.__members__)},
    "NodePhase": {p: i for i, p in enumerate(NodePhase.__members__)},
    "TaskPhase": {p: i for i, p in enumerate(TaskPhase.__members__)},
}


# flyte 2's phase of a run or action (flyte.models.ActionPhase): what a v2 Run.phase returns.
# (str, Enum), not StrEnum: str() of a member is "ActionPhase.SUCCEEDED", as flyte prints it.
class ActionPhase(str, enum.Enum):  # noqa: UP042
    """The phase of a flyte 2 run or action; compare with ``run.phase == ActionPhase.SUCCEEDED``."""

    QUEUED = "queued"
    WAITING_FOR_RESOURCES = "waiting_for_resources"
    INITIALIZING = "initializing"
    RUNNING = "running"
    PAUSED = "paused"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    ABORTED = "aborted"
    TIMED_OUT = "timed_out"
    RECOVERED = "recovered"

    @property
    def is_terminal(self) -> bool:
        """Whether the action has ended (it will not change phase again)."""
        return self in _ACTION_TERMINAL

    def to_protobuf_name(self) -> str:
        """The name flyte's protobuf enum gives this phase (``ACTION_PHASE_SUCCEEDED``)."""
        return f"ACTION_PHASE_{self.value.upper()}"

    @classmethod
    def from_engine_phase(cls, phase: str) -> ActionPhase:
        """The ``ActionPhase`` of an engine phase name (``"SUCCEEDED"``, ``"FAILING"``, ...)."""
        name = str(getattr(phase, "value", phase)).upper()
        if name in _ENGINE_RUNNING:
            return cls.RUNNING
        if name == "UNDEFINED":
            return cls.QUEUED
        try:
            return cls[name]
        except KeyError:
            raise ValueError(
                f"engine phase {name!r} has no ActionPhase; expected one of "
                f"{', '.join(p.name for p in cls)}"
            ) from None


_ACTION_TERMINAL = frozenset(
    {
        ActionPhase.SUCCEEDED,
        ActionPhase.FAILED,
        ActionPhase.ABORTED,
        ActionPhase.TIMED_OUT,
        ActionPhase.RECOVERED,
    }
)
_ENGINE_RUNNING = frozenset({"SUCCEEDING", "FAILING", "ABORTING", "DYNAMIC_RUNNING"})
