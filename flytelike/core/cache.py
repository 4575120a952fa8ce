"""``flytelike.core.cache``: mirrors ``flytekit.core.cache``."""

from flytelike._cache import Cache, CachePolicy, VersionParameters

__all__ = ["Cache", "CachePolicy", "VersionParameters"]
