"""``flytelike.image_spec``: mirrors ``flytekit.image_spec`` (``ImageSpec``)."""

from flytelike._settings.image import ImageSpec

__all__ = ["ImageSpec"]
