"""``ActionPhase``: flyte 2's phase of a run or action (``flyte.models.ActionPhase``), defined
with the engine's phases in ``flytelike.ir._phases``."""

from flytelike.ir import ActionPhase

__all__ = ["ActionPhase"]
