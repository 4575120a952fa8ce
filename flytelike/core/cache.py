"""``flytelike.core.cache``: mirrors ``flytekit.core.cache``."""

from flytelike._settings.cache import Cache, CachePolicy, VersionParameters

__all__ = ["Cache", "CachePolicy", "VersionParameters"]
