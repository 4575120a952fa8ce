"""``ImageSpec``: a container image described by its contents, carried into the IR.

Nothing is built here (the local engine ignores images). The tag is a deterministic hash of the
spec's fields (plus the requirements file's content when it exists), so equal specs give equal
image names in every process. flyte 2's ``Image`` lives in ``flytelike._settings.image_v2`` (it is
re-exported here); ``image_ref`` turns either, or an image name, into the IR's ``ImageRef``.
``DIST_FOLDER`` and the ``PythonWheels`` layer are here too, where flyte 2 programs import them
(``flyte._image``, whose flytelike path is this module's former name ``flytelike._image``).
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

from flytelike._settings.image_layers import DIST_FOLDER, PythonWheels
from flytelike._settings.image_v2 import Image
from flytelike._settings.opaque import plain
from flytelike.errors import DefinitionError
from flytelike.ir import ImageRef, Opaque, field_names, record, replace

_FORCE_PUSH: set[int] = set()

_LIST_FIELDS = (
    "packages",
    "apt_packages",
    "conda_packages",
    "conda_channels",
    "pip_extra_index_url",
    "commands",
    "copy",
    "pip_secret_mounts",
    "pip_extra_args",
    "runtime_packages",
)


@record
class ImageSpec:
    """The fields of Flyte's ImageSpec; lists are stored as tuples."""

    name: str = "flytelike-image"
    python_version: str | None = None
    builder: str | None = None
    source_root: str | None = None
    env: dict[str, str] | None = None
    registry: str | None = None
    packages: Any = None
    conda_packages: Any = None
    conda_channels: Any = None
    requirements: str | None = None
    apt_packages: Any = None
    cuda: str | None = None
    cudnn: str | None = None
    base_image: str | None = None
    platform: str = "linux/amd64"
    pip_index: str | None = None
    pip_extra_index_url: Any = None
    pip_secret_mounts: Any = None
    pip_extra_args: Any = None
    registry_config: str | None = None
    entrypoint: Any = None
    commands: Any = None
    tag_format: str | None = None
    source_copy_mode: Any = None
    copy: Any = None
    python_exec: str | None = None
    runtime_packages: Any = None
    builder_options: dict[str, Any] | None = None
    builder_config: dict[str, Any] | None = None

    @classmethod
    def _normalize(cls, values: dict[str, Any]) -> dict[str, Any]:
        values["name"] = str(values["name"]).lower()
        for name in _LIST_FIELDS:
            value = values[name]
            if value is None:
                continue
            if isinstance(value, str) and name == "pip_extra_index_url":
                value = [value]
            if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
                raise DefinitionError(f"ImageSpec: {name} must be a list of strings or None")
            values[name] = tuple(value)
        for path in values["copy"] or ():
            if os.path.isabs(path) or ".." in path.replace("\\", "/").split("/"):
                raise DefinitionError(
                    f"ImageSpec: copy path {path!r} must be relative to the working directory "
                    "and must not contain '..'"
                )
        return values

    def fields(self) -> dict[str, Any]:
        """The set fields (None omitted), as plain JSON-compatible data."""
        out = {}
        for name in field_names(self):
            value = getattr(self, name)
            if value is not None:
                out[name] = plain(value)
        return out

    @property
    def tag(self) -> str:
        import json

        data = json.dumps(self.fields(), sort_keys=True).encode()
        digest = hashlib.sha256(data)
        if self.requirements and os.path.isfile(self.requirements):
            with open(self.requirements, "rb") as fh:
                digest.update(hashlib.sha1(fh.read()).digest())
        spec_hash = digest.hexdigest()[:22]
        return self.tag_format.format(spec_hash=spec_hash) if self.tag_format else spec_hash

    def image_name(self) -> str:
        base = f"{self.registry.rstrip('/')}/{self.name}" if self.registry else self.name
        return f"{base}:{self.tag}"

    def is_container(self) -> bool:
        """Whether code runs where this spec's packages are installed: inside a container built
        from an ``ImageSpec`` (``FLYTELIKE_INTERNAL_IMAGE_NAME`` set), only in the one built
        from this spec; otherwise (a local run, in this Python environment) true, as flytekit's
        local execution answers, so ``if image.is_container(): import ...`` runs locally."""
        inside = os.environ.get("FLYTELIKE_INTERNAL_IMAGE_NAME")
        return inside is None or inside == self.image_name()

    def force_push(self) -> ImageSpec:
        """Mark the image to be rebuilt and pushed even if it exists (the builder's concern)."""
        _FORCE_PUSH.add(id(self))
        return self

    def _with(self, name: str, values: Any) -> ImageSpec:
        extra = [values] if isinstance(values, str) else list(values)
        return replace(self, **{name: [*(getattr(self, name) or ()), *extra]})

    def with_packages(self, packages: str | list[str]) -> ImageSpec:
        return self._with("packages", packages)

    def with_apt_packages(self, packages: str | list[str]) -> ImageSpec:
        return self._with("apt_packages", packages)

    def with_commands(self, commands: str | list[str]) -> ImageSpec:
        return self._with("commands", commands)

    def with_copy(self, paths: str | list[str]) -> ImageSpec:
        return self._with("copy", paths)

    def with_pip_packages(self, *packages: str) -> ImageSpec:
        """Flyte v2 spelling of ``with_packages``: ``.with_pip_packages("pandas", "pyarrow")``."""
        return self._with("packages", list(packages))


def image_ref(image: str | ImageSpec | Image | None, where: str) -> ImageRef | None:
    """The IR form of ``container_image``: the image's URI, and its spec when it has one."""
    if image is None:
        return None
    if isinstance(image, str):
        return ImageRef(uri=image)
    if isinstance(image, Image):
        import json

        spec = json.dumps(image.plain(), sort_keys=True, separators=(",", ":"))
        return ImageRef(uri=image.uri, spec=Opaque("Image", spec))
    if isinstance(image, ImageSpec):
        import json

        spec = json.dumps(image.fields(), sort_keys=True, separators=(",", ":"))
        return ImageRef(uri=image.image_name(), spec=Opaque("ImageSpec", spec))
    raise DefinitionError(
        f"{where}: container_image must be an image name, an Image or an ImageSpec, got "
        f"{type(image).__name__}"
    )


__all__ = ["DIST_FOLDER", "Image", "ImageSpec", "PythonWheels", "image_ref"]
