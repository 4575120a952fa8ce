"""``EngineConfig``: where the engine keeps its state and how it runs, read when built.

Environment variables (read by ``EngineConfig.from_env()``, never at import):

=====================================  ==========================================================
``FLYTELIKE_HOME``                     state directory (default ``~/.flytelike``): ``runs.db``,
                                       ``data/`` (blob store), ``runs/`` (working files)
``FLYTELIKE_RAW_DATA_PREFIX``          blob store URI (default ``file://<home>/data``)
``FLYTELIKE_LOCAL_CACHE_ENABLED``      ``false`` disables task caching
``FLYTELIKE_LOCAL_CACHE_OVERWRITE``    ``true`` re-runs and overwrites cached tasks
``FLYTELIKE_MAX_PARALLELISM``          max concurrently running task actions (default 32)
``FLYTELIKE_BACKEND``                  backend name (default ``local``)
``FLYTELIKE_SYSTEM_RETRIES``           retries for system errors (default 3)
``FLYTELIKE_INLINE_LIMIT``             literals up to this many bytes stay in the run store
                                       (default 65536); larger ones go to the blob store
``FLYTELIKE_RECORD``                   ``0``/``false``: direct calls (``t(x=1)``, ``wf()``)
                                       are not recorded in the run store (runs started with
                                       ``run(...)`` or the CLI still are)
=====================================  ==========================================================
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _flag(value: str | None, default: bool, name: str = "") -> bool:
    if value is None or value.strip() == "":
        return default
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE or not name:
        return False
    raise _bad(name, value, "a boolean: one of " + ", ".join(_TRUE + _FALSE))


def _int(env: Any, name: str, default: int, minimum: int) -> int:
    value = env.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        n = int(value.strip())
    except ValueError:
        n = minimum - 1
    if n < minimum:
        raise _bad(name, value, f"a whole number >= {minimum} (default {default})")
    return n


def _bad(name: str, value: str, expected: str) -> Exception:
    from flytelike.errors import ConfigurationError

    return ConfigurationError(
        f"environment variable {name}={value!r} is not valid: expected {expected}; "
        f"fix or unset it (`unset {name}`)"
    )


def default_home() -> Path:
    return Path(os.environ.get("FLYTELIKE_HOME") or Path.home() / ".flytelike")


@dataclass(frozen=True)
class EngineConfig:
    home: Path = field(default_factory=default_home)
    raw_data_prefix: str = ""
    cache_enabled: bool = True
    overwrite_cache: bool = False
    max_parallelism: int = 32
    backend: str = "local"
    backend_options: tuple[tuple[str, Any], ...] = ()
    system_retries: int = 3
    inline_limit: int = 65536
    record_runs: bool = True
    # ``FLYTELIKE_RECORD``: whether direct calls (``t(x=1)``, ``wf()``) are recorded.
    record_direct_calls: bool = True

    @classmethod
    def from_env(cls, **overrides: Any) -> EngineConfig:
        env = os.environ
        home = Path(env.get("FLYTELIKE_HOME") or Path.home() / ".flytelike")
        values: dict[str, Any] = {
            "home": home,
            "raw_data_prefix": env.get("FLYTELIKE_RAW_DATA_PREFIX", ""),
            "cache_enabled": _flag(
                env.get("FLYTELIKE_LOCAL_CACHE_ENABLED"), True, "FLYTELIKE_LOCAL_CACHE_ENABLED"
            ),
            "overwrite_cache": _flag(
                env.get("FLYTELIKE_LOCAL_CACHE_OVERWRITE"), False, "FLYTELIKE_LOCAL_CACHE_OVERWRITE"
            ),
            "max_parallelism": _int(env, "FLYTELIKE_MAX_PARALLELISM", 32, 1),
            "backend": env.get("FLYTELIKE_BACKEND") or "local",
            "system_retries": _int(env, "FLYTELIKE_SYSTEM_RETRIES", 3, 0),
            "inline_limit": _int(env, "FLYTELIKE_INLINE_LIMIT", 65536, 0),
            "record_direct_calls": _flag(env.get("FLYTELIKE_RECORD"), True, "FLYTELIKE_RECORD"),
        }
        values.update(overrides)
        values["home"] = Path(values["home"])
        return cls(**values)

    @property
    def data_prefix(self) -> str:
        return self.raw_data_prefix or "file://" + str(self.home.absolute() / "data")

    @property
    def db_path(self) -> Path:
        return self.home / "runs.db"

    def run_dir(self, run_name: str) -> str:
        return f"{self.home}/runs/{run_name}"

    def replace(self, **changes: Any) -> EngineConfig:
        return dataclasses.replace(self, **changes)
