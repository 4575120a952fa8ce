"""Extras mirroring ``flytekit.extras`` (accelerators and shell tasks, as submodules) and
``flyte.extras`` (``from flytelike.extras import ContainerTask``, loaded on first use).
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flytelike._entities.container import ContainerTask

__all__ = ["ContainerTask"]


def __getattr__(name: str) -> Any:
    if name != "ContainerTask":
        raise AttributeError(f"module 'flytelike.extras' has no attribute {name!r}")
    from flytelike._entities.container import ContainerTask

    globals()[name] = ContainerTask
    return ContainerTask
