"""``flytelike.core.array_node_map_task``: mirrors ``flytekit.core.array_node_map_task``."""

from flytelike._map import map_task

__all__ = ["map_task"]
