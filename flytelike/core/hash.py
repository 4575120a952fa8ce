"""``flytelike.core.hash``: mirrors ``flytekit.core.hash``."""

from typesystem import HashMethod

__all__ = ["HashMethod"]
