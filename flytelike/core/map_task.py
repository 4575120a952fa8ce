"""``flytelike.core.map_task``: mirrors ``flytekit.core.map_task``."""

from flytelike._entities.map_task import MapTask, map_task

__all__ = ["MapTask", "map_task"]
