"""``flytelike.types.file.file``: mirrors ``flytekit.types.file.file`` (``FlyteFile``)."""

from typesystem.io import FlyteFile

__all__ = ["FlyteFile"]
