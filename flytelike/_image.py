"""``flytelike._image``: mirrors flyte 2's private ``flyte._image``, where flyte programs import
``DIST_FOLDER`` and ``PythonWheels`` from (``from flyte._image import DIST_FOLDER, PythonWheels``).

Before 0.2 it was the module of ``ImageSpec``; runs stored then name its classes by this path,
so it hands on the same objects as ``flytelike._settings.image``.
"""

from flytelike._settings.image import DIST_FOLDER, Image, ImageSpec, PythonWheels, image_ref

__all__ = ["DIST_FOLDER", "Image", "ImageSpec", "PythonWheels", "image_ref"]
