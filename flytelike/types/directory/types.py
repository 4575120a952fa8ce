"""``flytelike.types.directory.types``: mirrors ``flytekit.types.directory.types``."""

from typesystem.io import FlyteDirectory

__all__ = ["FlyteDirectory"]
