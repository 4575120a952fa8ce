"""flytekit's ``ImageSpec`` as an ``Image`` (a base and layers), so that one Dockerfile writer
(``flytelike._settings.dockerfile``) renders both.

The mapping follows flytekit's default builder: work in ``/root`` (also on ``PYTHONPATH``),
apt packages, then Python packages, the requirements file (``requirements.txt``, or a
``uv.lock``/``poetry.lock`` next to its ``pyproject.toml``), env vars, commands, the source root
and the ``copy`` paths. Fields that need another builder (conda, CUDA, pip secret mounts,
``python_exec``, ``entrypoint``) raise ``DefinitionError`` naming the field; the IR carries
every field either way.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from flytelike._settings import image_layers as L
from flytelike._settings.image_v2 import Image
from flytelike.errors import DefinitionError

_NOT_RENDERED = ("conda_packages", "conda_channels", "cuda", "cudnn", "pip_secret_mounts",
                 "python_exec", "entrypoint")  # fmt: skip


def as_image(spec: Any) -> Image:
    """The ``Image`` whose Dockerfile builds what ``spec`` (an ``ImageSpec``) describes."""
    where = f"ImageSpec(name={spec.name!r})"
    for field in _NOT_RENDERED:
        if getattr(spec, field):
            raise DefinitionError(
                f"{where}: {field} is carried into the IR but has no Dockerfile rendering here "
                "(the writer installs with apt and pip); build this image with flytekit's "
                "builders, or drop the field"
            )
    py = spec.python_version or f"{sys.version_info.major}.{sys.version_info.minor}"
    base = spec.base_image or f"python:{py}-slim-bookworm"
    img = Image.from_base(base).clone(
        name=spec.name, registry=spec.registry, extendable=True, platform=spec.platform,
        python_version=py,
    )  # fmt: skip
    img = img.with_workdir("/root").with_env_vars({"PYTHONPATH": "/root"})
    if spec.apt_packages:
        img = img.with_apt_packages(*spec.apt_packages)
    pip = {
        "index_url": spec.pip_index,
        "extra_index_urls": list(spec.pip_extra_index_url or ()),
        "extra_args": " ".join(spec.pip_extra_args) if spec.pip_extra_args else None,
    }
    if spec.packages:
        img = img.with_pip_packages(*spec.packages, **pip)
    if spec.requirements:
        img = _requirements(img, spec.requirements, pip, where)
    if spec.env:
        img = img.with_env_vars(spec.env)
    if spec.commands:
        img = img.with_commands(list(spec.commands))
    if spec.source_root:
        img = img.with_source_folder(spec.source_root, "/root", copy_contents_only=True)
    for path in spec.copy or ():  # (to the same relative place under /root)
        parent = os.path.dirname(path.rstrip("/"))
        dst = f"/root/{parent}" if parent else "/root"
        if os.path.isdir(path):
            img = img.with_source_folder(path, dst)
        else:
            img = img.with_source_file(path, dst)
    return img


def _requirements(img: Image, requirements: str, pip: dict[str, Any], where: str) -> Image:
    name = os.path.basename(requirements)
    project = os.path.join(os.path.dirname(requirements), "pyproject.toml")
    if name == "uv.lock":
        return img.with_uv_project(project, requirements, **pip)
    if name == "poetry.lock":
        return img.with_poetry_project(project, requirements, extra_args=pip["extra_args"])
    if not os.path.isfile(requirements):
        raise DefinitionError(f"{where}: requirements file {requirements!r} does not exist")
    return img._add(
        L.Requirements(os.path.abspath(requirements), L.PipOptions.make(where, **pip)), where
    )
