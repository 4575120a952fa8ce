"""``flytelike.core.container_task``: mirrors ``flytekit.core.container_task``."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike._entities.container import ContainerTask

__all__ = ["ContainerTask"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
