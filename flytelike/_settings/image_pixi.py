"""A pixi script's inline metadata lowered to the ``pixi.toml`` workspace it describes, for
``Image.from_pixi_script`` (as flyte 2.12 lowers it; pixi itself has no ``install --script``).

The ``# /// script`` block (PEP 723) gives ``requires-python`` (the conda ``python``
dependency, unless ``[tool.pixi.dependencies]`` names one) and ``dependencies`` (PyPI packages,
under ``[pypi-dependencies]``; ``[tool.pixi.pypi-dependencies]`` wins for a package named in
both). ``[tool.pixi.dependencies]`` are conda packages; ``[tool.pixi.workspace]`` is the
workspace table, its ``channels`` ``["conda-forge"]`` unless given and its ``platforms`` those of
the image (``linux/amd64`` -> ``linux-64``, ``linux/arm64`` -> ``linux-aarch64``) unless given, in
which case they must cover the image's. Every other ``[tool.pixi.*]`` table is kept as it is.
Environment markers in ``dependencies`` have no pixi equivalent and are refused.
"""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

from flytelike.errors import DefinitionError

SUBDIRS = {"linux/amd64": "linux-64", "linux/arm64": "linux-aarch64"}
_REQUIREMENT = re.compile(
    r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?\s*(.*)$"
)
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_BLOCK = re.compile(r"(?m)^# /// script\s*$\s(?P<body>(?:^#(?: .*)?$\s)+)^# ///\s*$")


def env_name(environment: Any, where: str) -> str:
    """A pixi environment's name, checked."""
    if not isinstance(environment, str) or not re.match(r"^[a-z0-9-]+$", environment):
        raise DefinitionError(
            f"{where}: environment must be a pixi environment name (lower-case letters, digits "
            f"and '-'), got {environment!r}"
        )
    return environment


def extra_args(value: Any, where: str) -> str | None:
    """``pixi install``'s extra arguments, checked (one line)."""
    if value is not None and (not isinstance(value, str) or "\n" in value):
        raise DefinitionError(f"{where}: extra_args must be one line of arguments, got {value!r}")
    return value


def subdirs(platforms: tuple[str, ...], where: str) -> tuple[str, ...]:
    """The conda subdirs of container platforms."""
    bad = [p for p in platforms if p not in SUBDIRS]
    if bad:
        raise DefinitionError(
            f"{where}: no pixi environment can be built for platform {bad[0]!r}; use "
            f"{' or '.join(SUBDIRS)}"
        )
    return tuple(SUBDIRS[p] for p in platforms)


def script_metadata(path: str, where: str) -> dict[str, Any]:
    """The TOML of the script's one ``# /// script`` block."""
    with open(path, encoding="utf-8") as fh:
        blocks = list(_BLOCK.finditer(fh.read()))
    if len(blocks) != 1:
        raise DefinitionError(
            f"{where}: {path} must have one inline metadata block ('# /// script' ... '# ///', "
            f"see PEP 723); found {len(blocks)}"
        )
    lines = blocks[0]["body"].splitlines(keepends=True)
    body = "".join(line[2:] if line.startswith("# ") else line[1:] for line in lines)
    try:
        return tomllib.loads(body)
    except tomllib.TOMLDecodeError as e:
        raise DefinitionError(f"{where}: the script metadata of {path} is not TOML: {e}") from e


def _pypi(requirement: str, where: str) -> tuple[str, Any]:
    """A PEP 508 requirement as a ``[pypi-dependencies]`` entry."""
    m = _REQUIREMENT.match(requirement)
    if m is None:
        raise DefinitionError(f"{where}: {requirement!r} is not a package requirement")
    name, extras, rest = m.group(1), m.group(2), m.group(3).strip()
    if ";" in rest:
        raise DefinitionError(
            f"{where}: dependency {requirement!r} has an environment marker, which pixi cannot "
            "express; use a [tool.pixi.target.<platform>.pypi-dependencies] table instead"
        )
    spec: dict[str, Any] = {}
    if rest.startswith("@"):
        url = rest[1:].strip()
        if url.startswith("git+"):
            repo, _, rev = url[4:].partition("@")
            spec["git"] = repo
            if rev:
                spec["rev"] = rev
        else:
            spec["url"] = url
    else:
        spec["version"] = rest.replace(" ", "") or "*"
    if extras:
        spec["extras"] = sorted(e.strip() for e in extras.split(",") if e.strip())
    return name, spec["version"] if set(spec) == {"version"} else spec


def workspace_manifest(meta: dict[str, Any], platforms: tuple[str, ...], where: str) -> str:
    """The ``pixi.toml`` source for script metadata ``meta`` on conda subdirs ``platforms``."""
    tool = meta.get("tool", {})
    pixi = dict(tool.get("pixi", {})) if isinstance(tool, dict) else {}
    workspace = dict(pixi.get("workspace", {}))
    declared = workspace.get("platforms")
    if declared:
        missing = [p for p in platforms if p not in declared]
        if missing:
            raise DefinitionError(
                f"{where}: the script's [tool.pixi.workspace] platforms {list(declared)} do not "
                f"cover {missing}, which the image is built for; add them to the script or give "
                "from_pixi_script(platform=...) the platforms it declares"
            )
    workspace.setdefault("channels", ["conda-forge"])
    workspace["platforms"] = list(declared or platforms)
    conda = dict(pixi.get("dependencies", {}))
    requires = meta.get("requires-python")
    if isinstance(requires, str) and "python" not in conda:
        conda["python"] = requires
    pypi = dict(pixi.get("pypi-dependencies", {}))
    deps = meta.get("dependencies", [])
    if not isinstance(deps, list) or not all(isinstance(d, str) for d in deps):
        raise DefinitionError(f"{where}: the script's 'dependencies' must be a list of strings")
    for requirement in deps:
        name, spec = _pypi(requirement, where)
        pypi.setdefault(name, spec)
    manifest: dict[str, Any] = {"workspace": workspace}
    if conda:
        manifest["dependencies"] = conda
    if pypi:
        manifest["pypi-dependencies"] = pypi
    for key, value in pixi.items():
        if key not in ("workspace", "dependencies", "pypi-dependencies"):
            manifest[key] = value
    header = "# The pixi workspace of a pixi script's '# /// script' block (flytelike).\n"
    return header + _toml(manifest).lstrip("\n")


def _key(k: str) -> str:
    return k if _BARE_KEY.match(k) else json.dumps(k)


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + "}"
    raise DefinitionError(f"pixi manifest: cannot write a {type(v).__name__} value ({v!r})")


def _toml(tables: dict[str, Any], path: str = "") -> str:
    out = []
    plain = {k: v for k, v in tables.items() if not isinstance(v, dict)}
    nested = {k: v for k, v in tables.items() if isinstance(v, dict)}
    if path and (plain or not nested):
        out.append(f"\n[{path}]\n")
    out.extend(f"{_key(k)} = {_value(v)}\n" for k, v in plain.items())
    for k, v in nested.items():
        out.append(_toml(v, f"{path}.{_key(k)}" if path else _key(k)))
    return "".join(out)
