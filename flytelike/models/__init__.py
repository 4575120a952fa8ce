"""flytekit's ``flytekit.models`` names that make sense locally: the phase enums
(``flytelike.models.core.execution``) and execution filters (``flytelike.models.filters``);
and flyte 2's ``flyte.models.ActionPhase`` (the phase of a v2 run, loaded on first use).
Nothing else is imported here; import the submodules."""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flytelike.models._action_phase import ActionPhase

__all__ = ["ActionPhase"]


def __getattr__(name: str) -> Any:
    if name == "ActionPhase":
        from flytelike.models._action_phase import ActionPhase

        return ActionPhase
    raise AttributeError(f"module 'flytelike.models' has no attribute {name!r}")
