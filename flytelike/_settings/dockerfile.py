"""The Dockerfile an image describes: ``dockerfile(image, context)`` for an ``Image`` or an
``ImageSpec``, one instruction group per layer, in layer order, after one ``FROM``.

Nothing is built and no container engine is called. ``context`` is the build context the
Dockerfile is written for (``docker build -f Dockerfile CONTEXT``): every file a layer copies must
be inside it and is named relative to it. Python packages go through ``python -m pip`` (so any
base with Python works); uv projects and scripts copy the ``uv`` binary from its official image
once; pixi projects and scripts copy the ``pixi`` binary from its official image and install
into ``/opt/pixi-project``, whose environment then is the image's Python (``PATH``). Build
secrets (``secret_mounts``) become ``RUN --mount=type=secret,id=...,env=...``
(BuildKit). A ``from_dockerfile`` image is its own file, printed as it is; ``from_ref_name``
images have no Dockerfile here. What does not live here: validation (the layers and ``Image``).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import sys
from typing import Any

from flytelike._settings import image_layers as L
from flytelike.errors import DefinitionError

UV_IMAGE = "ghcr.io/astral-sh/uv:latest"
PIXI_IMAGE = "ghcr.io/prefix-dev/pixi:latest"
PIXI_DIR = "/opt/pixi-project"  # where a pixi project is installed in the image
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_STAGE = "/tmp/flytelike-build"  # where install inputs are copied in the image


class _Writer:
    def __init__(self, context: str) -> None:
        self.context = os.path.abspath(context)
        self.lines: list[str] = []
        self.has_uv = False

    def src(self, path: str) -> str:
        full = os.path.abspath(path)
        if os.path.commonpath([self.context, full]) != self.context:
            raise DefinitionError(
                f"dockerfile: {path} is outside the build context {self.context}; write the "
                "Dockerfile for a context that contains it (flytelike image dockerfile --context)"
            )
        rel = os.path.relpath(full, self.context).replace(os.sep, "/")
        return "." if rel == "." else rel

    def copy(self, srcs: list[str], dst: str) -> None:
        self.lines.append("COPY " + json.dumps([*srcs, dst]))

    def run(self, command: str, secrets: tuple[tuple[str, str], ...] = ()) -> None:
        for sid, env in secrets:
            if not _ENV_NAME.match(env):
                raise DefinitionError(
                    f"dockerfile: the build secret {sid!r} (secret_mounts=) would be exposed to "
                    f"the RUN step as env var {env!r}, which is not a valid name; pass "
                    f"secret_mounts=Secret(key={sid!r}, as_env_var='MY_SECRET') to name it"
                )
        mounts = "".join(f"--mount=type=secret,id={i},env={e} " for i, e in secrets)
        self.lines.append(f"RUN {mounts}{command}")

    def uv(self) -> None:
        if not self.has_uv:
            self.lines.append(f"COPY --from={UV_IMAGE} /uv /uvx /usr/local/bin/")
            self.has_uv = True


def _pip(packages: list[str], o: L.PipOptions, prefix: str = "python -m pip install") -> str:
    args = [prefix, "--no-cache-dir"]
    if o.index_url:
        args.append(f"--index-url {shlex.quote(o.index_url)}")
    args += [f"--extra-index-url {shlex.quote(u)}" for u in o.extra_index_urls]
    if o.pre:
        args.append("--pre")
    if o.extra_args:
        args.append(o.extra_args)
    return " ".join(args + packages)


def _layer(w: _Writer, layer: L.Layer) -> None:
    if isinstance(layer, L.AptPackages):
        w.run(
            "apt-get update && apt-get install -y --no-install-recommends "
            f"{' '.join(layer.packages)} && rm -rf /var/lib/apt/lists/*",
            layer.secret_mounts,
        )
    elif isinstance(layer, L.PipPackages):
        pkgs = [shlex.quote(p) for p in layer.packages]
        w.run(_pip(pkgs, layer.options), layer.options.secret_mounts)
    elif isinstance(layer, L.UVScript):
        from flytelike._settings.image_v2 import script_dependencies

        # (a script that was absent when the image was defined is read now)
        deps = layer.packages or script_dependencies(layer.script, "dockerfile")[0]
        w.run(_pip([shlex.quote(p) for p in deps], layer.options),
              layer.options.secret_mounts)  # fmt: skip
    elif isinstance(layer, L.Requirements):
        target = f"{_STAGE}/{os.path.basename(layer.file)}"
        w.copy([w.src(layer.file)], target)
        w.run(_pip(["-r", target], layer.options), layer.options.secret_mounts)
    elif isinstance(layer, L.UVProject):
        _uv_project(w, layer)
    elif isinstance(layer, L.PoetryProject):
        project = os.path.dirname(layer.pyproject)
        target = f"{_STAGE}/poetry"
        if layer.install_mode == "install_project":
            w.copy([w.src(project) + "/"], target + "/")
        else:
            w.copy([w.src(layer.pyproject), w.src(layer.lock)], target + "/")
        root = "" if layer.install_mode == "install_project" else " --no-root"
        extra = f" {layer.extra_args}" if layer.extra_args else ""
        w.run(
            "python -m pip install --no-cache-dir poetry && cd " + target + " && "
            f"POETRY_VIRTUALENVS_CREATE=false poetry install{root}{extra}",
            layer.secret_mounts,
        )
    elif isinstance(layer, L.PixiProject | L.PixiScript):
        _pixi(w, layer)
    elif isinstance(layer, L.Commands):
        for command in layer.commands:
            w.run(command, layer.secret_mounts)
    elif isinstance(layer, L.Env):
        w.lines.append("ENV " + " ".join(f"{k}={json.dumps(v)}" for k, v in layer.env_vars))
    elif isinstance(layer, L.WorkDir):
        w.lines.append(f"WORKDIR {layer.workdir}")
    elif isinstance(layer, L.CopyFiles):
        src = w.src(layer.src)
        if layer.is_dir and layer.contents_only:
            w.copy([src + "/"], layer.dst.rstrip("/") + "/")
        elif layer.is_dir:
            w.copy([src + "/"], f"{layer.dst.rstrip('/')}/{os.path.basename(layer.src)}/")
        else:
            w.copy([src], layer.dst.rstrip("/") + "/")
    elif isinstance(layer, L.PythonWheels):
        target = f"{_STAGE}/wheels-{layer.package_name}/"
        w.copy([w.src(f) for f in layer.files()] or [w.src(layer.wheel_dir) + "/"], target)
        w.run(_pip(["--find-links", target, shlex.quote(layer.package_name)], layer.options),
              layer.options.secret_mounts)  # fmt: skip
    elif isinstance(layer, L.CodeBundle):
        _code_bundle(w, layer)
    elif isinstance(layer, L.DockerIgnore):
        pass  # not an instruction: ``dockerignore()`` gives its patterns
    else:  # a layer kind added without a rendering here
        raise DefinitionError(f"dockerfile: no instruction for layer kind {layer.kind!r}")


def _uv_project(w: _Writer, layer: L.UVProject) -> None:
    w.uv()
    target = f"{_STAGE}/uv-project"
    opts = layer.options
    if layer.install_mode == "install_project":
        w.copy([w.src(os.path.dirname(layer.pyproject)) + "/"], target + "/")
        w.run(f"cd {target} && " + _pip(["."], opts, "uv pip install --system"),
              opts.secret_mounts)  # fmt: skip
        return
    w.copy([w.src(f) for f in layer.files()], target + "/")
    if layer.uvlock:
        cmd = (
            f"cd {target} && uv export --frozen --no-emit-project --no-hashes "
            f"-o requirements.txt && "
            + _pip(["-r", "requirements.txt"], opts, "uv pip install --system")
        )
    else:
        cmd = f"cd {target} && " + _pip(["-r", "pyproject.toml"], opts, "uv pip install --system")
    w.run(cmd, opts.secret_mounts)


def _pixi(w: _Writer, layer: L.PixiProject | L.PixiScript) -> None:
    """``pixi install`` of the project (or of the workspace a pixi script lowers to), whose
    environment then is the image's Python (later ``pip`` layers install into it)."""
    w.lines.append(f"COPY --from={PIXI_IMAGE} /usr/local/bin/pixi /usr/local/bin/pixi")
    if isinstance(layer, L.PixiScript):
        manifest = "pixi.toml"
        text = shlex.quote(layer.manifest.replace("\\", "\\\\").replace("\n", "\\n"))
        w.run(f"mkdir -p {PIXI_DIR} && printf '%b' {text} > {PIXI_DIR}/{manifest}")
    elif layer.install_mode == "install_project":
        manifest = os.path.basename(layer.manifest)
        w.copy([w.src(os.path.dirname(layer.manifest)) + "/"], PIXI_DIR + "/")
    else:
        manifest = os.path.basename(layer.manifest)
        w.copy([w.src(layer.manifest)], f"{PIXI_DIR}/{manifest}")
    if layer.lock and not (isinstance(layer, L.PixiProject) and layer.install_mode ==
                           "install_project" and os.path.dirname(layer.lock) ==
                           os.path.dirname(layer.manifest)):  # fmt: skip
        w.copy([w.src(layer.lock)], f"{PIXI_DIR}/pixi.lock")
    args = [f"--manifest-path {PIXI_DIR}/{manifest}", f"--environment {layer.environment}"]
    if layer.lock and "--frozen" not in (layer.extra_args or ""):
        args.append("--locked")  # (pixi refuses --locked with --frozen: the user's wins)
    if layer.extra_args:
        args.append(layer.extra_args)
    w.run("pixi install " + " ".join(args), layer.secret_mounts)
    env = f"{PIXI_DIR}/.pixi/envs/{layer.environment}"
    w.lines.append(
        f"ENV VIRTUAL_ENV={env} PIXI_PROJECT_MANIFEST={PIXI_DIR}/{manifest} PATH={env}/bin:$PATH"
    )


def _code_bundle(w: _Writer, layer: L.CodeBundle) -> None:
    dst = layer.dst.rstrip("/") + "/"
    if layer.copy_style == "all":
        w.copy(["."], dst)
        return
    files = set()
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if not path or "site-packages" in path or "dist-packages" in path:
            continue
        full = os.path.abspath(path)
        if os.path.commonpath([w.context, full]) == w.context and full.endswith(".py"):
            files.add(full)
    if not files:
        raise DefinitionError(
            "dockerfile: with_code_bundle(copy_style='loaded_modules') found no loaded module "
            f"inside the build context {w.context}; load your code first or use copy_style='all'"
        )
    for full in sorted(files):
        rel = w.src(full)
        w.copy([rel], dst + rel)


def dockerfile(image: Any, context: str = ".") -> str:
    """The Dockerfile ``image`` (an ``Image`` or an ``ImageSpec``) describes, for ``context``."""
    from flytelike._settings.image import ImageSpec
    from flytelike._settings.image_v2 import Image

    if isinstance(image, ImageSpec):
        from flytelike._settings.image_spec_layers import as_image

        image = as_image(image)
    if not isinstance(image, Image):
        raise DefinitionError(
            f"dockerfile: expected an Image or an ImageSpec, got {type(image).__name__} (a plain "
            "image name has no Dockerfile: it is already built)"
        )
    image.validate()  # (the local files it copies or installs from exist now)
    if image.dockerfile is not None:
        with open(image.dockerfile, encoding="utf-8") as fh:
            return fh.read()
    if image.ref_name is not None:
        raise DefinitionError(
            f"dockerfile: Image.from_ref_name({image.ref_name!r}) names an image defined "
            "elsewhere (flyte's config `images:`); it has no Dockerfile here"
        )
    w = _Writer(context)
    w.lines.append(f"FROM {image.base_image}")
    for layer in image.layers:
        _layer(w, layer)
    return "\n".join(w.lines) + "\n"


def dockerignore(image: Any) -> str:
    """The patterns of the image's ``with_dockerignore`` files (empty when it has none)."""
    parts = []
    for layer in getattr(image, "layers", ()):
        if isinstance(layer, L.DockerIgnore):
            with open(layer.path, encoding="utf-8") as fh:
                parts.append(fh.read().rstrip("\n") + "\n")
    return "".join(parts)
