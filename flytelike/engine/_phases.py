"""The phase enums live in ``flytelike.ir._phases`` (shared with the authoring API, which names
phases in launch plan notifications); re-exported here for the engine's modules."""

from flytelike.ir import NodePhase, TaskPhase, WorkflowPhase

__all__ = ["NodePhase", "TaskPhase", "WorkflowPhase"]
