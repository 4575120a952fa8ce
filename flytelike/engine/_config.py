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
=====================================  ==========================================================
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() not in ("0", "false", "no", "off")


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

    @classmethod
    def from_env(cls, **overrides: Any) -> EngineConfig:
        env = os.environ
        home = Path(env.get("FLYTELIKE_HOME") or Path.home() / ".flytelike")
        values: dict[str, Any] = {
            "home": home,
            "raw_data_prefix": env.get("FLYTELIKE_RAW_DATA_PREFIX", ""),
            "cache_enabled": _flag(env.get("FLYTELIKE_LOCAL_CACHE_ENABLED"), True),
            "overwrite_cache": _flag(env.get("FLYTELIKE_LOCAL_CACHE_OVERWRITE"), False),
            "max_parallelism": int(env.get("FLYTELIKE_MAX_PARALLELISM") or 32),
            "backend": env.get("FLYTELIKE_BACKEND") or "local",
            "system_retries": int(env.get("FLYTELIKE_SYSTEM_RETRIES") or 3),
            "inline_limit": int(env.get("FLYTELIKE_INLINE_LIMIT") or 65536),
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
