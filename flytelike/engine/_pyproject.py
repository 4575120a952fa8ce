"""Engine settings from the ``[tool.flytelike]`` table of the project's ``pyproject.toml``.

The nearest ``pyproject.toml`` from the working directory upwards is read when an
``EngineConfig`` is built (never at import). Its keys are the engine's environment variables
without the ``FLYTELIKE_`` prefix, in lower case; an environment variable that is set wins over
the file. A relative ``home`` is relative to the file's directory::

    [tool.flytelike]
    home = ".flytelike"            # FLYTELIKE_HOME
    raw_data_prefix = "s3://bucket/raw"
    backend = "local"
    backend_options = { num_cpus = 4 }   # FLYTELIKE_BACKEND_OPTIONS (a table)
    max_parallelism = 8
    system_retries = 3
    inline_limit = 65536
    local_cache_enabled = true
    local_cache_overwrite = false
    record = true
    project = "ml-team"            # FLYTELIKE_PROJECT (runs' default project)
    domain = "development"         # FLYTELIKE_DOMAIN

An unknown key or a value of the wrong form fails with ``ConfigurationError`` naming the file,
the key and the expected form.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

KEYS = {
    "home": "FLYTELIKE_HOME",
    "raw_data_prefix": "FLYTELIKE_RAW_DATA_PREFIX",
    "backend": "FLYTELIKE_BACKEND",
    "backend_options": "FLYTELIKE_BACKEND_OPTIONS",
    "max_parallelism": "FLYTELIKE_MAX_PARALLELISM",
    "system_retries": "FLYTELIKE_SYSTEM_RETRIES",
    "inline_limit": "FLYTELIKE_INLINE_LIMIT",
    "local_cache_enabled": "FLYTELIKE_LOCAL_CACHE_ENABLED",
    "local_cache_overwrite": "FLYTELIKE_LOCAL_CACHE_OVERWRITE",
    "record": "FLYTELIKE_RECORD",
    "project": "FLYTELIKE_PROJECT",
    "domain": "FLYTELIKE_DOMAIN",
}


def find_pyproject(start: Path | None = None) -> Path | None:
    """The nearest ``pyproject.toml`` from ``start`` (default: the working directory) upwards."""
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        candidate = d / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def settings(start: Path | None = None) -> tuple[dict[str, str], Path | None]:
    """``{environment variable: value}`` from ``[tool.flytelike]`` and the file it came from
    (empty when there is no file or no table)."""
    from flytelike.errors import ConfigurationError

    path = find_pyproject(start)
    if path is None:
        return {}, None
    try:
        with path.open("rb") as f:
            doc = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError):
        return {}, path  # not ours to judge: a broken pyproject fails in the tools that own it
    table: Any = doc.get("tool", {}).get("flytelike")
    if table is None:
        return {}, path
    if not isinstance(table, dict):
        raise ConfigurationError(f"{path}: [tool.flytelike] must be a table, got {table!r}")
    out: dict[str, str] = {}
    for key, value in table.items():
        var = KEYS.get(key)
        if var is None:
            raise ConfigurationError(
                f"{path}: [tool.flytelike] has an unknown key {key!r}; the keys are "
                f"{', '.join(sorted(KEYS))}"
            )
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, int | str):
            text = str(value)
        elif isinstance(value, dict) and key == "backend_options":
            import json

            text = json.dumps(value, default=str)  # (the variable's JSON-object form)
        else:
            raise ConfigurationError(
                f"{path}: [tool.flytelike] {key} = {value!r} is not valid: expected a string, "
                "a whole number or a boolean"
            )
        if key == "home" and text and not os.path.isabs(os.path.expanduser(text)):
            text = str(path.parent / text)
        out[var] = text
    return out, path
