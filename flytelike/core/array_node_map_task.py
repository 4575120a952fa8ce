"""``flytelike.core.array_node_map_task``: mirrors ``flytekit.core.array_node_map_task``."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike._entities.map_task import MapTask as ArrayNodeMapTask
from flytelike._entities.map_task import map_task
from flytelike._entities.map_task import map_task as array_node_map_task

__all__ = ["ArrayNodeMapTask", "array_node_map_task", "map_task"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
