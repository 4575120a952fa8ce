"""``flytelike.core.promise``: mirrors ``flytekit.core.promise``."""

from flytelike.compiler import NodeHandle, Promise

__all__ = ["NodeHandle", "Promise"]
