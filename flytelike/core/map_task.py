"""``flytelike.core.map_task``: mirrors ``flytekit.core.map_task``."""

from flytelike._map import MapTask, map_task

__all__ = ["MapTask", "map_task"]
