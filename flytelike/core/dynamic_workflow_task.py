"""``flytelike.core.dynamic_workflow_task``: mirrors ``flytekit.core.dynamic_workflow_task``."""

from flytelike._entities.dynamic import DynamicTask, dynamic

__all__ = ["DynamicTask", "dynamic"]
