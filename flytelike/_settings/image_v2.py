"""flyte 2's ``Image``: an immutable image builder, carried into the IR, never built here.

``Image.from_*`` makes a base (``from_debian_base``, ``from_base``, ``from_uv_script``,
``from_pixi_script``, ``from_dockerfile``, ``from_ref_name``); each ``with_*`` returns a new ``Image`` with one more
layer (``flytelike._settings.image_layers``), validated when it is added. ``identifier`` is a
stable hash of the image's fields, its layers and the contents of the files they name; it is the
tag of ``uri`` for an image that has to be built. ``flytelike image dockerfile`` prints the
Dockerfile an image describes (``flytelike._settings.dockerfile``); the local engine runs tasks
in this process and ignores images.

As in flyte, layers are added only to an image that has a name and is extendable (every
``from_*`` except ``from_base`` and ``from_dockerfile`` makes one): give a base image one with
``Image.from_base(uri).clone(name="my-image", extendable=True)``. What does not live here:
``ImageSpec`` (flytekit's, ``flytelike._settings.image``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import sys
import tomllib
from collections.abc import Mapping
from typing import Any

from flytelike._settings import image_layers as L
from flytelike.errors import DefinitionError

PLATFORMS = ("linux/amd64", "linux/arm64")
DEFAULT_REF_NAME = "default"
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NAME = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$")
_SCRIPT_BLOCK = re.compile(r"(?m)^# /// script\s*$\s(?P<body>(?:^#(?: .*)?$\s)+)^# ///\s*$")


def _python(version: Any, where: str) -> tuple[int, int]:
    if version is None:
        return (sys.version_info.major, sys.version_info.minor)
    if isinstance(version, str):
        parts = version.split(".")
        version = tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else version
    if (
        isinstance(version, tuple)
        and len(version) >= 2
        and all(isinstance(p, int) and not isinstance(p, bool) for p in version)
        and version[0] == 3
    ):
        return (version[0], version[1])
    raise DefinitionError(
        f"{where}: python_version must be a (major, minor) tuple such as (3, 12), got {version!r}"
    )


def _platform(platform: Any, where: str) -> tuple[str, ...]:
    items = (platform,) if isinstance(platform, str) else tuple(platform)
    bad = [p for p in items if p not in PLATFORMS]
    if bad or not items:
        raise DefinitionError(
            f"{where}: platform must be one or more of {', '.join(PLATFORMS)}, got {platform!r}"
        )
    return items


def _name(name: Any, where: str, arg: str = "name") -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise DefinitionError(
            f"{where}: {arg} must be an image name (lower case letters, digits, '.', '_', '-' "
            f"and '/' between parts), got {name!r}"
        )
    return name


def _registry(registry: Any, where: str) -> str | None:
    if registry is None:
        return None
    if not isinstance(registry, str) or not registry or any(c.isspace() for c in registry):
        raise DefinitionError(
            f"{where}: registry must be a registry like 'ghcr.io/my-org', got {registry!r}"
        )
    return registry.rstrip("/")


def _secret_key(secret: Any, where: str) -> str | None:
    from flytelike._settings.secret import Secret

    if secret is None or isinstance(secret, str):
        return secret
    if isinstance(secret, Secret):
        return str(secret.key)
    raise DefinitionError(f"{where}: registry_secret must be a key or a Secret, got {secret!r}")


def script_dependencies(path: str, where: str) -> tuple[tuple[str, ...], str | None]:
    """The ``dependencies`` and ``requires-python`` of a script's inline metadata block."""
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    blocks = list(_SCRIPT_BLOCK.finditer(text))
    if len(blocks) != 1:
        raise DefinitionError(
            f"{where}: {path} must have one inline metadata block ('# /// script' ... '# ///', "
            f"see PEP 723); found {len(blocks)}"
        )
    body = "".join(line[2:] if line.startswith("# ") else line[1:] for line in
                   blocks[0]["body"].splitlines(keepends=True))  # fmt: skip
    try:
        meta = tomllib.loads(body)
    except tomllib.TOMLDecodeError as e:
        raise DefinitionError(f"{where}: the script metadata of {path} is not TOML: {e}") from e
    deps = meta.get("dependencies", [])
    if not isinstance(deps, list) or not all(isinstance(d, str) for d in deps):
        raise DefinitionError(f"{where}: 'dependencies' in {path} must be a list of strings")
    requires = meta.get("requires-python")
    return tuple(deps), requires if isinstance(requires, str) else None


@dataclasses.dataclass(frozen=True)
class Image:
    """A container image: a base and layers (see the module docstring)."""

    base_image: str | None = None
    dockerfile: str | None = None
    registry: str | None = None
    name: str | None = None
    platform: tuple[str, ...] = ("linux/amd64",)
    python_version: tuple[int, int] = (sys.version_info.major, sys.version_info.minor)
    extendable: bool = False
    ref_name: str | None = None
    registry_secret: str | None = None
    layers: tuple[L.Layer, ...] = ()
    _digest: list[str] = dataclasses.field(
        default_factory=list, compare=False, repr=False
    )  # (a one-slot cache: the hash reads files once)

    # ------------------------------------------------------------------ bases
    @classmethod
    def from_debian_base(
        cls,
        python_version: tuple[int, int] | None = None,
        flyte_version: str | None = None,
        install_flyte: bool = True,
        registry: str | None = None,
        registry_secret: Any = None,
        name: str | None = None,
        platform: tuple[str, ...] | None = None,
    ) -> Image:
        """``python:<version>-slim-bookworm`` with build tools and, unless ``install_flyte`` is
        false, flytelike (``flyte_version`` pins its version; default: the running one)."""
        where = "Image.from_debian_base"
        py = _python(python_version, where)
        img = cls(
            base_image=f"python:{py[0]}.{py[1]}-slim-bookworm",
            registry=_registry(registry, where),
            name=_name(name, where) if name is not None else "flytelike",
            platform=_platform(platform, where) if platform else PLATFORMS,
            python_version=py,
            extendable=True,
            registry_secret=_secret_key(registry_secret, where),
        )
        img = img.with_apt_packages("build-essential", "ca-certificates")
        if install_flyte:
            if flyte_version is not None and not isinstance(flyte_version, str):
                raise DefinitionError(f"{where}: flyte_version must be a version string")
            # The installed distribution's version (the same string as flytelike.__version__,
            # asked of the distribution so that settings do not import the package's face).
            from importlib.metadata import version

            img = img.with_pip_packages(f"flytelike=={flyte_version or version('flytelike')}")
        return img

    @classmethod
    def from_base(cls, image_uri: str) -> Image:
        """An existing image, used as it is: its ``uri`` is ``image_uri``."""
        if not isinstance(image_uri, str) or not image_uri.strip() or " " in image_uri.strip():
            raise DefinitionError(
                f"Image.from_base: image_uri must be an image reference such as "
                f"'python:3.12-slim' or 'ghcr.io/org/name:tag', got {image_uri!r}"
            )
        return cls(base_image=image_uri.strip())

    @classmethod
    def from_ref_name(cls, name: str = DEFAULT_REF_NAME) -> Image:
        """An image defined by name elsewhere (flyte's config ``images:`` table)."""
        if not isinstance(name, str) or not name:
            raise DefinitionError(f"Image.from_ref_name: name must be a string, got {name!r}")
        return cls(name=name, ref_name=name, extendable=True)

    @classmethod
    def from_uv_script(
        cls,
        script: str | os.PathLike[str],
        *,
        name: str,
        registry: str | None = None,
        registry_secret: Any = None,
        python_version: tuple[int, int] | None = None,
        index_url: str | None = None,
        extra_index_urls: Any = None,
        pre: bool = False,
        extra_args: str | None = None,
        platform: tuple[str, ...] | None = None,
        secret_mounts: Any = None,
    ) -> Image:
        """A debian base with the dependencies a script declares in its ``# /// script`` block;
        its Python is ``python_version``, else the lowest ``requires-python`` allows (``>=3.12``,
        ``~=3.12``, ``==3.12.*``), else this interpreter's. A script absent now (as flyte, which
        reads it when it builds) is read when the image is built, its Python then this
        interpreter's unless ``python_version`` is given."""
        where = "Image.from_uv_script"
        path = L.local_path(script, where, "script")
        if not path.endswith(".py"):
            raise DefinitionError(f"{where}: script {os.fspath(script)!r} must be a .py file")
        deps, requires = script_dependencies(path, where) if os.path.isfile(path) else ((), None)
        if python_version is None and requires:
            python_version = _lowest_python(requires)
        opts = L.PipOptions.make(where, index_url, extra_index_urls, pre, extra_args, secret_mounts)
        base = cls.from_debian_base(
            python_version, None, True, registry, registry_secret, name, platform
        )
        return base._add(L.UVScript(path, deps, opts), where)

    @classmethod
    def from_pixi_script(
        cls,
        script: str | os.PathLike[str],
        *,
        name: str,
        registry: str | None = None,
        registry_secret: Any = None,
        environment: str = "default",
        extra_args: str | None = None,
        platform: tuple[str, ...] | None = None,
        secret_mounts: Any = None,
    ) -> Image:
        """A debian base (without flytelike: list it in the script) with the pixi workspace the
        script's ``# /// script`` block describes (``flytelike._settings.image_pixi``); a
        ``<script>.pixi.lock`` next to it is installed ``--locked``."""
        from flytelike._settings import image_pixi

        where = "Image.from_pixi_script"
        path = L.existing_file(script, where, "script")
        if not path.endswith(".py"):
            raise DefinitionError(f"{where}: script {os.fspath(script)!r} must be a .py file")
        plats = _platform(platform, where) if platform else PLATFORMS
        subdirs = image_pixi.subdirs(plats, where)
        meta = image_pixi.script_metadata(path, where)
        manifest = image_pixi.workspace_manifest(meta, subdirs, where)
        lock = f"{path}.pixi.lock"
        base = cls.from_debian_base(
            install_flyte=False,
            registry=registry,
            registry_secret=registry_secret,
            name=name,
            platform=platform,
        )
        layer = L.PixiScript(
            path, manifest, subdirs, lock if os.path.isfile(lock) else None,
            image_pixi.env_name(environment, where), image_pixi.extra_args(extra_args, where),
            L.secret_ids(secret_mounts, where),
        )  # fmt: skip
        return base._add(layer, where)

    @classmethod
    def from_dockerfile(
        cls,
        file: str | os.PathLike[str],
        registry: str,
        name: str,
        platform: Any = None,
    ) -> Image:
        """An image built from your own Dockerfile (no layers can be added to it)."""
        where = "Image.from_dockerfile"
        return cls(
            dockerfile=L.local_path(file, where, "file"),
            registry=_registry(registry, where),
            name=_name(name, where),
            platform=_platform(platform, where) if platform else ("linux/amd64",),
        )

    def clone(
        self,
        registry: str | None = None,
        registry_secret: Any = None,
        name: str | None = None,
        base_image: str | None = None,
        python_version: tuple[int, int] | str | None = None,
        addl_layer: L.Layer | None = None,
        extendable: bool | None = None,
        platform: Any = None,
    ) -> Image:
        """A copy with some fields changed (and ``addl_layer`` added)."""
        where = "Image.clone"
        if extendable is not None and not isinstance(extendable, bool):
            raise DefinitionError(f"{where}: extendable must be True or False")
        img = dataclasses.replace(
            self,
            registry=_registry(registry, where) or self.registry,
            registry_secret=_secret_key(registry_secret, where) or self.registry_secret,
            name=_name(name, where) if name is not None else self.name,
            base_image=Image.from_base(base_image).base_image if base_image else self.base_image,
            python_version=_python(python_version, where)
            if python_version
            else self.python_version,
            extendable=self.extendable if extendable is None else extendable,
            platform=_platform(platform, where) if platform else self.platform,
            _digest=[],
        )
        if addl_layer is not None:
            if not isinstance(addl_layer, L.Layer):
                raise DefinitionError(f"{where}: addl_layer must be an image layer")
            img = img._add(addl_layer, where)
        return img

    def _add(self, layer: L.Layer, where: str) -> Image:
        if self.dockerfile is not None:
            raise DefinitionError(
                f"{where}: an Image.from_dockerfile image takes no layers; put the step in the "
                f"Dockerfile {self.dockerfile}"
            )
        if not self.extendable or self.name is None:
            raise DefinitionError(
                f"{where}: layers are added only to a named, extendable image; Image.from_base"
                f"({self.base_image!r}) is used as it is: write Image.from_base(...).clone("
                "name='my-image', extendable=True) first"
            )
        return dataclasses.replace(self, layers=(*self.layers, layer), _digest=[])

    # ------------------------------------------------------------------ layers
    def with_pip_packages(
        self,
        *packages: str,
        index_url: str | None = None,
        extra_index_urls: Any = None,
        pre: bool = False,
        extra_args: str | None = None,
        secret_mounts: Any = None,
    ) -> Image:
        where = "Image.with_pip_packages"
        if not packages:
            raise DefinitionError(f"{where}: name at least one package, e.g. 'pandas>=2'")
        opts = L.PipOptions.make(where, index_url, extra_index_urls, pre, extra_args, secret_mounts)
        return self._add(L.PipPackages(L._strings(packages, where, "packages"), opts), where)

    def with_requirements(
        self,
        file: str | os.PathLike[str],
        index_url: str | None = None,
        extra_index_urls: Any = None,
        pre: bool = False,
        extra_args: str | None = None,
        secret_mounts: Any = None,
    ) -> Image:
        where = "Image.with_requirements"
        path = L.local_path(file, where, "file")
        if not path.endswith(".txt"):
            raise DefinitionError(f"{where}: file {os.fspath(file)!r} must be a .txt file")
        opts = L.PipOptions.make(where, index_url, extra_index_urls, pre, extra_args, secret_mounts)
        return self._add(L.Requirements(path, opts), where)

    def with_uv_project(
        self,
        pyproject_file: str | os.PathLike[str],
        uvlock: str | os.PathLike[str] | None = None,
        index_url: str | None = None,
        extra_index_urls: Any = None,
        pre: bool = False,
        extra_args: str | None = None,
        secret_mounts: Any = None,
        project_install_mode: str = "dependencies_only",
    ) -> Image:
        where = "Image.with_uv_project"
        path = L.local_path(pyproject_file, where, "pyproject_file")
        lock = L.local_path(uvlock, where, "uvlock") if uvlock is not None else None
        if lock is None and os.path.isfile(os.path.join(os.path.dirname(path), "uv.lock")):
            lock = os.path.join(os.path.dirname(path), "uv.lock")
        _install_mode(project_install_mode, where)
        opts = L.PipOptions.make(where, index_url, extra_index_urls, pre, extra_args, secret_mounts)
        return self._add(L.UVProject(path, lock, project_install_mode, opts), where)

    def with_poetry_project(
        self,
        pyproject_file: str | os.PathLike[str],
        poetry_lock: str | os.PathLike[str] | None = None,
        extra_args: str | None = None,
        secret_mounts: Any = None,
        project_install_mode: str = "dependencies_only",
    ) -> Image:
        where = "Image.with_poetry_project"
        path = L.local_path(pyproject_file, where, "pyproject_file")
        lock = poetry_lock or os.path.join(os.path.dirname(path), "poetry.lock")
        lock = L.local_path(lock, where, "poetry_lock")
        _install_mode(project_install_mode, where)
        opts = L.PipOptions.make(where, extra_args=extra_args, secret_mounts=secret_mounts)
        return self._add(
            L.PoetryProject(path, lock, project_install_mode, extra_args, opts.secret_mounts),
            where,
        )

    def with_pixi_project(
        self,
        manifest_file: str | os.PathLike[str],
        pixi_lock: str | os.PathLike[str] | None = None,
        environment: str = "default",
        extra_args: str | None = None,
        secret_mounts: Any = None,
        project_install_mode: str = "dependencies_only",
    ) -> Image:
        """A pixi project installed with ``pixi install``: ``manifest_file`` is its
        ``pixi.toml`` or ``pyproject.toml``, or its folder (``pixi.toml`` found first);
        ``pixi_lock`` defaults to the folder's ``pixi.lock`` when there is one."""
        from flytelike._settings import image_pixi

        where = "Image.with_pixi_project"
        if isinstance(manifest_file, str | os.PathLike) and os.path.isdir(manifest_file):
            folder = os.fspath(manifest_file)
            found = [
                os.path.join(folder, n)
                for n in ("pixi.toml", "pyproject.toml")
                if os.path.isfile(os.path.join(folder, n))
            ]
            if not found:
                raise DefinitionError(
                    f"{where}: {folder!r} has no pixi.toml or pyproject.toml manifest"
                )
            manifest_file = found[0]
        path = L.local_path(manifest_file, where, "manifest_file")
        if os.path.basename(path) not in ("pixi.toml", "pyproject.toml"):
            raise DefinitionError(
                f"{where}: the manifest must be named pixi.toml or pyproject.toml (the names pixi "
                f"looks for), got {os.path.basename(path)!r}"
            )
        lock = L.local_path(pixi_lock, where, "pixi_lock") if pixi_lock is not None else None
        if lock is None and os.path.isfile(os.path.join(os.path.dirname(path), "pixi.lock")):
            lock = os.path.join(os.path.dirname(path), "pixi.lock")
        _install_mode(project_install_mode, where)
        layer = L.PixiProject(
            path, lock, image_pixi.env_name(environment, where), image_pixi.extra_args(extra_args, where),
            project_install_mode, L.secret_ids(secret_mounts, where),
        )  # fmt: skip
        return self._add(layer, where)

    def with_apt_packages(self, *packages: str, secret_mounts: Any = None) -> Image:
        where = "Image.with_apt_packages"
        if not packages:
            raise DefinitionError(f"{where}: name at least one package, e.g. 'curl'")
        pkgs = L._strings(packages, where, "packages")
        bad = [p for p in pkgs if not re.match(r"^[a-z0-9][a-z0-9+.:=~-]*$", p)]
        if bad:
            raise DefinitionError(
                f"{where}: {bad[0]!r} is not a Debian package name (one package per argument)"
            )
        return self._add(L.AptPackages(pkgs, L.secret_ids(secret_mounts, where)), where)

    def with_commands(self, commands: list[str], secret_mounts: Any = None) -> Image:
        where = "Image.with_commands"
        if isinstance(commands, str) or not isinstance(commands, list | tuple) or not commands:
            raise DefinitionError(
                f"{where}: commands must be a list of shell commands, got {commands!r}"
            )
        cmds = L._strings(commands, where, "commands")
        return self._add(L.Commands(cmds, L.secret_ids(secret_mounts, where)), where)

    def with_env_vars(self, env_vars: Mapping[str, str]) -> Image:
        where = "Image.with_env_vars"
        if not isinstance(env_vars, Mapping) or not env_vars:
            raise DefinitionError(f"{where}: env_vars must be a dict of name to value")
        for k, v in env_vars.items():
            if not isinstance(k, str) or not _ENV_NAME.match(k) or not isinstance(v, str):
                raise DefinitionError(
                    f"{where}: {k!r}: {v!r} is not an env var (names match "
                    "[A-Za-z_][A-Za-z0-9_]*, values are strings)"
                )
        return self._add(L.Env(tuple(env_vars.items())), where)

    def with_workdir(self, workdir: str) -> Image:
        where = "Image.with_workdir"
        if not isinstance(workdir, str) or not workdir.strip():
            raise DefinitionError(f"{where}: workdir must be a path such as '/app'")
        return self._add(L.WorkDir(workdir.strip()), where)

    def with_source_folder(
        self, src: str | os.PathLike[str], dst: str = ".", copy_contents_only: bool = False
    ) -> Image:
        where = "Image.with_source_folder"
        full = L.local_path(src, where, "src")
        return self._add(L.CopyFiles(full, _dst(dst, where), True, bool(copy_contents_only)), where)

    def with_source_file(self, src: Any, dst: str = ".") -> Image:
        where = "Image.with_source_file"
        img = self
        for one in src if isinstance(src, list | tuple) else [src]:
            img = img._add(L.CopyFiles(L.local_path(one, where, "src"), _dst(dst, where)), where)
        return img

    def with_code_bundle(self, copy_style: str = "loaded_modules", dst: str = ".") -> Image:
        where = "Image.with_code_bundle"
        if copy_style not in L.COPY_STYLES:
            raise DefinitionError(
                f"{where}: copy_style must be one of {', '.join(L.COPY_STYLES)}, got {copy_style!r}"
            )
        return self._add(L.CodeBundle(copy_style, _dst(dst, where)), where)

    def with_local_v2(self) -> Image:
        """A copy that installs flytelike from the wheels of this checkout's ``dist/``
        (``DIST_FOLDER``), as flyte's ``with_local_v2`` installs its local build."""
        return self._add(
            L.PythonWheels(wheel_dir=str(L.DIST_FOLDER), package_name="flytelike"),
            "Image.with_local_v2",
        )

    def with_dockerignore(self, path: str | os.PathLike[str]) -> Image:
        where = "Image.with_dockerignore"
        return self._add(L.DockerIgnore(L.local_path(path, where, "path")), where)

    # ------------------------------------------------------------------ identity
    def plain(self) -> dict[str, Any]:
        """The image as JSON-compatible data: the IR's image spec."""
        out: dict[str, Any] = {
            "base_image": self.base_image,
            "dockerfile": L._rel(self.dockerfile) if self.dockerfile else None,
            "registry": self.registry,
            "name": self.name,
            "platform": list(self.platform),
            "python_version": list(self.python_version),
            "ref_name": self.ref_name,
            "registry_secret": self.registry_secret,
            "layers": [layer.plain() for layer in self.layers],
        }
        return {k: v for k, v in out.items() if v not in (None, [])}

    @property
    def identifier(self) -> str:
        """A hash of the fields, the layers and the contents of the files they name (a file
        that is absent counts as absent: it is needed only to build the image)."""
        if not self._digest:
            h = hashlib.sha256(json.dumps(self.plain(), sort_keys=True).encode())
            files = [f for layer in self.layers for f in layer.files()]
            for path in [*([self.dockerfile] if self.dockerfile else []), *files]:
                try:
                    with open(path, "rb") as fh:
                        h.update(hashlib.sha256(fh.read()).digest())
                except OSError:
                    h.update(b"absent:" + path.encode())
            self._digest.append(h.hexdigest()[:20])
        return self._digest[0]

    @property
    def uri(self) -> str:
        """``registry/name:identifier`` for an image to build; the base for ``from_base``."""
        if not self.layers and self.dockerfile is None:
            if self.ref_name is not None:
                return self.ref_name
            if self.base_image is not None and (self.name is None or not self.extendable):
                return self.base_image
        name = f"{self.registry}/{self.name}" if self.registry else str(self.name)
        return f"{name}:{self.identifier}"

    def validate(self) -> None:
        """Check that the local files and folders the image copies or installs from exist:
        ``DefinitionError`` naming the first one that does not. Called when the image's
        Dockerfile is written (``flytelike image dockerfile``) or it is built (``build``), as
        flyte checks when it builds; defining the image and running its tasks locally need
        none of them."""
        if self.dockerfile is not None and not os.path.isfile(self.dockerfile):
            raise DefinitionError(
                f"Image {self.name!r}: Image.from_dockerfile names {self.dockerfile}, which does "
                "not exist; create it or give the path of your Dockerfile (relative paths are "
                "taken from the folder the image was defined in)"
            )
        for layer in self.layers:
            L.check_sources(layer, self.name)


def _lowest_python(requires: str) -> tuple[int, int] | None:
    """The lowest ``3.X`` a ``requires-python`` specifier allows, when it names one."""
    found = re.findall(r"(?:>=|~=|==)\s*3\.(\d+)", requires)
    return (3, min(int(m) for m in found)) if found else None


def _install_mode(mode: Any, where: str) -> None:
    if mode not in L.INSTALL_MODES:
        raise DefinitionError(
            f"{where}: project_install_mode must be one of {', '.join(L.INSTALL_MODES)}, got "
            f"{mode!r}"
        )


def _dst(dst: Any, where: str) -> str:
    if not isinstance(dst, str) or not dst:
        raise DefinitionError(f"{where}: dst must be a path in the image such as '/app' or '.'")
    return dst
