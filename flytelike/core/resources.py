"""``flytelike.core.resources``: mirrors ``flytekit.core.resources``."""

from flytelike._resources import Resources

__all__ = ["Resources"]
