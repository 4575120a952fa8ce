"""``flytelike.core.condition``: mirrors ``flytekit.core.condition``."""

from flytelike.compiler import conditional

__all__ = ["conditional"]
