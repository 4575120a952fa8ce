"""``flytelike.core.container_task``: mirrors ``flytekit.core.container_task``."""

from flytelike._container import ContainerTask

__all__ = ["ContainerTask"]
