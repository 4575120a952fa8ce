"""The layers of a flyte 2 ``Image``: frozen records, each validated when it is made.

A layer is plain data: what to install or copy and how. ``flytelike._settings.image_v2`` stacks
them into an ``Image`` and ``flytelike._settings.dockerfile`` turns them into Dockerfile
instructions; neither validation nor rendering lives in the other. Every check raises
``DefinitionError`` naming the ``Image`` method and the argument.

Paths are stored absolute (resolved against the working directory when the layer is made, as
flyte resolves them); as in flyte, the files they name need not exist until the image is built
(``check_sources`` raises on an absent one; ``Image.validate`` calls it when the Dockerfile is
written or the image is built), so a local run never needs them. ``files()`` names the files
whose contents enter the image's identifier; ``plain()`` is the IR form, with paths relative to
the working directory when they are inside it, so that the same project gives the same IR on
every machine.
"""

from __future__ import annotations

import dataclasses
import os
import pathlib
from collections.abc import Iterable
from typing import Any, ClassVar

from flytelike.errors import DefinitionError

INSTALL_MODES = ("dependencies_only", "install_project")
COPY_STYLES = ("loaded_modules", "all")


def _rel(path: str) -> str:
    cwd = os.getcwd()
    try:
        inside = os.path.commonpath([cwd, path]) == cwd
    except ValueError:  # (another drive on Windows)
        inside = False
    return os.path.relpath(path, cwd).replace(os.sep, "/") if inside else path


@dataclasses.dataclass(frozen=True)
class Layer:
    kind: ClassVar[str] = ""

    def files(self) -> tuple[str, ...]:
        """Absolute paths of the files whose contents this layer puts in the image."""
        return ()

    def plain(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.metadata.get("path") and value is not None:
                value = _rel(value)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out


def _strings(values: Iterable[Any], where: str, what: str) -> tuple[str, ...]:
    out = []
    for v in values:
        if not isinstance(v, str) or not v.strip():
            raise DefinitionError(f"{where}: {what} must be non-empty strings, got {v!r}")
        if "\n" in v.strip() or "\r" in v:  # (a Dockerfile instruction is one line)
            raise DefinitionError(
                f"{where}: {what} must be one line each, got {v!r}; give one string per "
                "command (or join them with &&)"
            )
        out.append(v.strip())
    return tuple(out)


def secret_ids(secret_mounts: Any, where: str) -> tuple[tuple[str, str], ...]:
    """``secret_mounts`` (a key, a ``Secret`` or a list of them) as ``(id, env var)`` pairs: the
    build secret's id and the env var a ``RUN`` step sees it as."""
    from flytelike._settings.secret import Secret

    if secret_mounts is None:
        return ()
    items = secret_mounts if isinstance(secret_mounts, list | tuple) else [secret_mounts]
    out = []
    for s in items:
        if isinstance(s, str):
            s = Secret(key=s)
        if not isinstance(s, Secret):
            raise DefinitionError(
                f"{where}: secret_mounts takes secret keys or Secret(...) objects, got {s!r}"
            )
        sid = f"{s.group}_{s.key}" if s.group else str(s.key)
        # (flyte's default env var; a key that makes no valid name fails when the RUN step is
        # written, where flyte's build fails too: ``dockerfile``)
        out.append((sid, s.env_var or sid.upper().replace("-", "_")))
    return tuple(out)


def local_path(path: Any, where: str, arg: str) -> str:
    """``path`` made absolute; whether it exists is checked when the image is built."""
    if not isinstance(path, str | os.PathLike):
        raise DefinitionError(f"{where}: {arg} must be a path, got {type(path).__name__}")
    return os.path.abspath(os.fspath(path))


def existing_file(path: Any, where: str, arg: str) -> str:
    """``path`` made absolute, for a file read when the image is defined (a script whose
    metadata gives the image's packages): it must exist now."""
    full = local_path(path, where, arg)
    if not os.path.isfile(full):
        what = "is a directory, not a file" if os.path.isdir(full) else "does not exist"
        raise DefinitionError(f"{where}: {arg} {os.fspath(path)!r} {what} (looked at {full})")
    return full


#: the ``Image`` method that makes each kind of layer naming local paths
METHODS = {
    "requirements": "with_requirements",
    "uv_project": "with_uv_project",
    "poetry_project": "with_poetry_project",
    "pixi_project": "with_pixi_project",
    "copy": "with_source_file / with_source_folder",
    "dockerignore": "with_dockerignore",
    "uv_script": "from_uv_script",
    "pixi_script": "from_pixi_script",
}


def check_sources(layer: Layer, image: str | None) -> None:
    """Raise ``DefinitionError`` for the first local file or folder ``layer`` names that is
    absent now (a copied folder must be a folder, anything else a file)."""
    for f in dataclasses.fields(layer):
        path = getattr(layer, f.name)
        if not f.metadata.get("path") or not path or isinstance(layer, PythonWheels):
            continue
        folder = isinstance(layer, CopyFiles) and layer.is_dir
        if not (os.path.isdir(path) if folder else os.path.isfile(path)):
            raise DefinitionError(
                f"Image {image!r}: the {layer.kind} layer's {f.name} {path} is not an existing "
                f"{'folder' if folder else 'file'}, and building the image needs it; create it, "
                f"or fix the path given to Image.{METHODS.get(layer.kind, 'with_...')} (a "
                "relative path is taken from the working directory the image was defined in)"
            )


@dataclasses.dataclass(frozen=True)
class PipOptions:
    """How pip is called: an index, extra indexes, pre-releases, extra arguments, build secrets."""

    index_url: str | None = None
    extra_index_urls: tuple[str, ...] = ()
    pre: bool = False
    extra_args: str | None = None
    secret_mounts: tuple[tuple[str, str], ...] = ()

    @classmethod
    def make(
        cls,
        where: str,
        index_url: Any = None,
        extra_index_urls: Any = None,
        pre: Any = False,
        extra_args: Any = None,
        secret_mounts: Any = None,
    ) -> PipOptions:
        if index_url is not None and (not isinstance(index_url, str) or not index_url):
            raise DefinitionError(f"{where}: index_url must be a URL string, got {index_url!r}")
        if isinstance(extra_index_urls, str):
            extra_index_urls = [extra_index_urls]
        extra = _strings(extra_index_urls or (), where, "extra_index_urls")
        if not isinstance(pre, bool):
            raise DefinitionError(f"{where}: pre must be True or False, got {pre!r}")
        if extra_args is not None and not isinstance(extra_args, str):
            raise DefinitionError(
                f"{where}: extra_args must be one string of pip arguments, got {extra_args!r}"
            )
        return cls(index_url, extra, pre, extra_args, secret_ids(secret_mounts, where))


@dataclasses.dataclass(frozen=True)
class PipPackages(Layer):
    kind: ClassVar[str] = "pip_packages"
    packages: tuple[str, ...]
    options: PipOptions = PipOptions()

    def plain(self) -> dict[str, Any]:
        return {**super().plain(), "options": dataclasses.asdict(self.options)}


@dataclasses.dataclass(frozen=True)
class Requirements(Layer):
    kind: ClassVar[str] = "requirements"
    file: str = dataclasses.field(metadata={"path": True})
    options: PipOptions = PipOptions()

    def files(self) -> tuple[str, ...]:
        return (self.file,)

    def plain(self) -> dict[str, Any]:
        return {**super().plain(), "options": dataclasses.asdict(self.options)}


@dataclasses.dataclass(frozen=True)
class UVScript(Layer):
    """The dependencies declared in a script's inline metadata (``# /// script``)."""

    kind: ClassVar[str] = "uv_script"
    script: str = dataclasses.field(metadata={"path": True})
    packages: tuple[str, ...] = ()
    options: PipOptions = PipOptions()

    def files(self) -> tuple[str, ...]:
        return (self.script,)

    def plain(self) -> dict[str, Any]:
        return {**super().plain(), "options": dataclasses.asdict(self.options)}


@dataclasses.dataclass(frozen=True)
class UVProject(Layer):
    kind: ClassVar[str] = "uv_project"
    pyproject: str = dataclasses.field(metadata={"path": True})
    uvlock: str | None = dataclasses.field(default=None, metadata={"path": True})
    install_mode: str = "dependencies_only"
    options: PipOptions = PipOptions()

    def files(self) -> tuple[str, ...]:
        return (self.pyproject,) + ((self.uvlock,) if self.uvlock else ())

    def plain(self) -> dict[str, Any]:
        return {**super().plain(), "options": dataclasses.asdict(self.options)}


@dataclasses.dataclass(frozen=True)
class PoetryProject(Layer):
    kind: ClassVar[str] = "poetry_project"
    pyproject: str = dataclasses.field(metadata={"path": True})
    lock: str = dataclasses.field(default="", metadata={"path": True})
    install_mode: str = "dependencies_only"
    extra_args: str | None = None
    secret_mounts: tuple[tuple[str, str], ...] = ()

    def files(self) -> tuple[str, ...]:
        return (self.pyproject, self.lock)


@dataclasses.dataclass(frozen=True)
class AptPackages(Layer):
    kind: ClassVar[str] = "apt_packages"
    packages: tuple[str, ...]
    secret_mounts: tuple[tuple[str, str], ...] = ()


@dataclasses.dataclass(frozen=True)
class Commands(Layer):
    kind: ClassVar[str] = "commands"
    commands: tuple[str, ...]
    secret_mounts: tuple[tuple[str, str], ...] = ()


@dataclasses.dataclass(frozen=True)
class Env(Layer):
    kind: ClassVar[str] = "env"
    env_vars: tuple[tuple[str, str], ...]

    def plain(self) -> dict[str, Any]:
        return {"kind": self.kind, "env_vars": dict(self.env_vars)}


@dataclasses.dataclass(frozen=True)
class WorkDir(Layer):
    kind: ClassVar[str] = "workdir"
    workdir: str


@dataclasses.dataclass(frozen=True)
class CopyFiles(Layer):
    """A source folder (``is_dir``) or file copied to ``dst`` in the image."""

    kind: ClassVar[str] = "copy"
    src: str = dataclasses.field(metadata={"path": True})
    dst: str = "."
    is_dir: bool = False
    contents_only: bool = False

    def files(self) -> tuple[str, ...]:
        if not self.is_dir:
            return (self.src,)
        out: list[str] = []
        for root, dirs, names in os.walk(self.src):
            dirs[:] = sorted(d for d in dirs if d not in (".git", "__pycache__"))
            out.extend(os.path.join(root, n) for n in sorted(names) if not n.endswith(".pyc"))
        return tuple(out)


@dataclasses.dataclass(frozen=True)
class CodeBundle(Layer):
    """The project's code, copied when the Dockerfile is written: the modules loaded from the
    build context (``loaded_modules``) or the whole context (``all``)."""

    kind: ClassVar[str] = "code_bundle"
    copy_style: str = "loaded_modules"
    dst: str = "."


@dataclasses.dataclass(frozen=True)
class DockerIgnore(Layer):
    """Patterns the build leaves out of the context (written as ``Dockerfile.dockerignore``)."""

    kind: ClassVar[str] = "dockerignore"
    path: str = dataclasses.field(metadata={"path": True})

    def files(self) -> tuple[str, ...]:
        return (self.path,)


#: where a checkout of flytelike keeps the wheels it builds (``python -m build`` writes them to
#: ``dist/``), for ``PythonWheels`` and ``Image.with_local_v2()``, as flyte's ``DIST_FOLDER``
DIST_FOLDER = pathlib.Path(__file__).resolve().parents[2] / "dist"


@dataclasses.dataclass(frozen=True)
class PythonWheels(Layer):
    """The package ``package_name`` installed from the wheels in ``wheel_dir`` (copied into the
    image; pip prefers them to an index's). A missing folder puts no wheels in."""

    kind: ClassVar[str] = "python_wheels"
    wheel_dir: str = dataclasses.field(metadata={"path": True})
    package_name: str = ""
    options: PipOptions = PipOptions()

    def __post_init__(self) -> None:
        where = "PythonWheels"
        if not isinstance(self.wheel_dir, str | os.PathLike):
            raise DefinitionError(f"{where}: wheel_dir must be a path, got {self.wheel_dir!r}")
        object.__setattr__(self, "wheel_dir", os.path.abspath(os.fspath(self.wheel_dir)))
        if not isinstance(self.package_name, str) or not self.package_name.strip():
            raise DefinitionError(
                f"{where}: package_name must name the package to install, got {self.package_name!r}"
            )

    def files(self) -> tuple[str, ...]:
        if not os.path.isdir(self.wheel_dir):
            return ()
        return tuple(
            os.path.join(self.wheel_dir, n)
            for n in sorted(os.listdir(self.wheel_dir))
            if n.endswith(".whl")
        )

    def plain(self) -> dict[str, Any]:
        return {**super().plain(), "options": dataclasses.asdict(self.options)}


@dataclasses.dataclass(frozen=True)
class PixiProject(Layer):
    """A pixi project (conda and PyPI packages) installed with ``pixi install``; its
    environment becomes the image's Python from then on."""

    kind: ClassVar[str] = "pixi_project"
    manifest: str = dataclasses.field(metadata={"path": True})
    lock: str | None = dataclasses.field(default=None, metadata={"path": True})
    environment: str = "default"
    extra_args: str | None = None
    install_mode: str = "dependencies_only"
    secret_mounts: tuple[tuple[str, str], ...] = ()

    def files(self) -> tuple[str, ...]:
        return (self.manifest,) + ((self.lock,) if self.lock else ())


@dataclasses.dataclass(frozen=True)
class PixiScript(Layer):
    """The pixi workspace a script's ``# /// script`` block describes (``manifest``, the
    ``pixi.toml`` it lowers to, written into the image), installed like a ``PixiProject``;
    ``lock`` is the script's ``<script>.pixi.lock`` when there is one."""

    kind: ClassVar[str] = "pixi_script"
    script: str = dataclasses.field(metadata={"path": True})
    manifest: str = ""
    platforms: tuple[str, ...] = ("linux-64",)
    lock: str | None = dataclasses.field(default=None, metadata={"path": True})
    environment: str = "default"
    extra_args: str | None = None
    secret_mounts: tuple[tuple[str, str], ...] = ()

    def files(self) -> tuple[str, ...]:
        # (only the metadata block enters the image: the manifest, in the IR, stands for it)
        return (self.lock,) if self.lock else ()
