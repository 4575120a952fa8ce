"""``ActionPhase``: flyte 2's phase of a run or action (``flyte.models.ActionPhase``).

What a v2 ``Run.phase`` (``flytelike.run``) returns. The engine's own phases
(``flytelike.engine.WorkflowPhase``/``NodePhase``) are mapped by ``from_engine_phase``: the
transient engine phases (``SUCCEEDING``, ``FAILING``, ``ABORTING``) are still ``RUNNING``, and
``UNDEFINED`` (not started) is ``QUEUED``.
"""

from __future__ import annotations

import enum


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
        return self in _TERMINAL

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


_TERMINAL = frozenset(
    {
        ActionPhase.SUCCEEDED,
        ActionPhase.FAILED,
        ActionPhase.ABORTED,
        ActionPhase.TIMED_OUT,
        ActionPhase.RECOVERED,
    }
)
_ENGINE_RUNNING = frozenset({"SUCCEEDING", "FAILING", "ABORTING", "DYNAMIC_RUNNING"})
