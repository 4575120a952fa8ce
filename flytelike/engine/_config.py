"""``EngineConfig``: where the engine keeps its state and how it runs, read when built.

Environment variables (read by ``EngineConfig.from_env()``, never at import; the same settings
may sit in ``[tool.flytelike]`` of the project's ``pyproject.toml``, see ``_pyproject``, and a
set variable wins over the file):

=====================================  ==========================================================
``FLYTELIKE_HOME``                     state directory (default ``~/.flytelike``): ``runs.db``,
                                       ``data/`` (blob store), ``runs/`` (working files)
``FLYTELIKE_RAW_DATA_PREFIX``          blob store URI (default ``file://<home>/data``)
``FLYTELIKE_LOCAL_CACHE_ENABLED``      ``false`` disables task caching
``FLYTELIKE_LOCAL_CACHE_OVERWRITE``    ``true`` re-runs and overwrites cached tasks
``FLYTELIKE_MAX_PARALLELISM``          max concurrently running task actions (default 32)
``FLYTELIKE_BACKEND``                  backend name (default ``local``)
``FLYTELIKE_BACKEND_OPTIONS``          options for the backend's factory: ``NAME=VALUE`` words
                                       separated by spaces, or a JSON object
                                       (``flytelike.backends._options``)
``FLYTELIKE_SYSTEM_RETRIES``           retries for system errors (default 3)
``FLYTELIKE_INLINE_LIMIT``             literals up to this many bytes stay in the run store
                                       (default 65536); larger ones go to the blob store
``FLYTELIKE_RECORD``                   ``0``/``false``: direct calls (``t(x=1)``, ``wf()``)
                                       are not recorded in the run store (runs started with
                                       ``run(...)`` or the CLI still are)
``FLYTELIKE_PROJECT``                  project of runs that name none (default ``flytesnacks``;
                                       ``_namespace``)
``FLYTELIKE_DOMAIN``                   domain of runs that name none (default ``development``)
=====================================  ==========================================================
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flytelike._settings.home import default_home
from flytelike.engine._namespace import DEFAULT_DOMAIN, DEFAULT_PROJECT, check_name

# A run's max parallelism when nobody sets one and the backend declares no
# ``default_parallelism`` (``flytelike.backends.Backend``).
DEFAULT_PARALLELISM = 32

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


Origin = tuple[Path, str] | None  # (pyproject.toml, key) when a value came from the file


def _flag(value: str | None, default: bool, name: str = "", origin: Origin = None) -> bool:
    if value is None or value.strip() == "":
        return default
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE or not name:
        return False
    raise _bad(name, value, "a boolean: one of " + ", ".join(_TRUE + _FALSE), origin)


def _int(env: Any, name: str, default: int, minimum: int, origin: Origin = None) -> int:
    value = env.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        n = int(value.strip())
    except ValueError:
        n = minimum - 1
    if n < minimum:
        raise _bad(name, value, f"a whole number >= {minimum} (default {default})", origin)
    return n


def _bad(name: str, value: str, expected: str, origin: Origin = None) -> Exception:
    from flytelike.errors import ConfigurationError

    if origin is not None:
        path, key = origin
        return ConfigurationError(
            f"{path}: [tool.flytelike] {key} = {value!r} is not valid: expected {expected}"
        )
    return ConfigurationError(
        f"environment variable {name}={value!r} is not valid: expected {expected}; "
        f"fix or unset it (`unset {name}`)"
    )


def _prefix(value: str, origin: Origin) -> str:
    """``FLYTELIKE_RAW_DATA_PREFIX``: a local path, or a URL of a filesystem fsspec knows (one
    that needs another library, s3fs say, fails naming its extra when it is first used)."""
    scheme, sep, _ = value.partition("://")
    if sep and scheme:
        from fsspec.registry import known_implementations, registry

        if scheme.lower() not in known_implementations and scheme.lower() not in registry:
            raise _bad(
                "FLYTELIKE_RAW_DATA_PREFIX",
                value,
                f"a local path or a URL of a filesystem fsspec knows (file://, s3://, gs://, "
                f"memory://, ...), and it knows none for {scheme}://",
                origin,
            )
    return value


def _backend_options(env: Any, origin: Origin) -> tuple[tuple[str, Any], ...]:
    from flytelike.backends import BACKEND_OPTIONS_ENV as ENV
    from flytelike.backends import options_from_env
    from flytelike.errors import ConfigurationError

    try:
        return tuple(options_from_env(env.get(ENV) or "").items())
    except ConfigurationError as e:
        if origin is None:
            raise
        path, key = origin
        raise ConfigurationError(f"{path}: [tool.flytelike] {key}: {e}") from None


@dataclass(frozen=True)
class EngineConfig:
    home: Path = field(default_factory=default_home)
    raw_data_prefix: str = ""
    cache_enabled: bool = True
    overwrite_cache: bool = False
    # Task actions in flight at once in a run; ``None``: nobody chose, the backend's
    # ``default_parallelism`` applies (``DEFAULT_PARALLELISM`` on a backend declaring none).
    max_parallelism: int | None = None
    backend: str = "local"
    backend_options: tuple[tuple[str, Any], ...] = ()
    system_retries: int = 3
    inline_limit: int = 65536
    record_runs: bool = True
    # ``FLYTELIKE_RECORD``: whether direct calls (``t(x=1)``, ``wf()``) are recorded.
    record_direct_calls: bool = True
    # The namespace of runs that name none (``_namespace``).
    project: str = DEFAULT_PROJECT
    domain: str = DEFAULT_DOMAIN

    @classmethod
    def from_env(cls, **overrides: Any) -> EngineConfig:
        """Settings from the environment, then ``[tool.flytelike]`` in the nearest
        ``pyproject.toml`` (``_pyproject``), then the defaults; ``overrides`` win over all."""
        from flytelike.engine._pyproject import KEYS, settings

        project, path = settings()
        set_vars = {k: v for k, v in os.environ.items() if v != ""}
        env: dict[str, str] = {**project, **set_vars}
        keys = {var: key for key, var in KEYS.items()}
        origins: dict[str, Origin] = {
            v: (path, keys[v]) for v in project if v not in set_vars and path is not None
        }

        def flag(name: str, default: bool) -> bool:
            return _flag(env.get(name), default, name, origins.get(name))

        def whole(name: str, default: int, minimum: int) -> int:
            return _int(env, name, default, minimum, origins.get(name))

        def name(var: str, what: str, default: str) -> str:
            value = env.get(var)
            if not value:
                return default
            origin = origins.get(var)
            where = f"{origin[0]}: [tool.flytelike] {origin[1]}" if origin else f"{var}"
            return check_name(value, what, where)

        home = Path(env.get("FLYTELIKE_HOME") or Path.home() / ".flytelike")
        values: dict[str, Any] = {
            "home": home,
            "raw_data_prefix": _prefix(
                env.get("FLYTELIKE_RAW_DATA_PREFIX", ""), origins.get("FLYTELIKE_RAW_DATA_PREFIX")
            ),
            "cache_enabled": flag("FLYTELIKE_LOCAL_CACHE_ENABLED", True),
            "overwrite_cache": flag("FLYTELIKE_LOCAL_CACHE_OVERWRITE", False),
            "max_parallelism": (  # (unset: None, the backend's default)
                whole("FLYTELIKE_MAX_PARALLELISM", DEFAULT_PARALLELISM, 1)
                if env.get("FLYTELIKE_MAX_PARALLELISM", "").strip()
                else None
            ),
            "backend": env.get("FLYTELIKE_BACKEND") or "local",
            "backend_options": _backend_options(env, origins.get("FLYTELIKE_BACKEND_OPTIONS")),
            "system_retries": whole("FLYTELIKE_SYSTEM_RETRIES", 3, 0),
            "inline_limit": whole("FLYTELIKE_INLINE_LIMIT", 65536, 0),
            "record_direct_calls": flag("FLYTELIKE_RECORD", True),
            "project": name("FLYTELIKE_PROJECT", "project", DEFAULT_PROJECT),
            "domain": name("FLYTELIKE_DOMAIN", "domain", DEFAULT_DOMAIN),
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

    @property
    def namespace(self) -> tuple[str, str]:
        """``(project, domain)`` of runs that name none."""
        return (self.project, self.domain)

    def replace(self, **changes: Any) -> EngineConfig:
        return dataclasses.replace(self, **changes)


def run_windows(chosen: int | None, backend: Any) -> tuple[int, int]:
    """``(task actions in flight, map split)`` of a run whose max parallelism is ``chosen``
    (``None``: neither the run, its launch plan nor the configuration chose one).

    A chosen value is both. Otherwise the actions in flight are the backend's
    ``default_parallelism`` when it declares one (a backend that queues work itself, a Ray
    cluster, takes a fan-out at once more cheaply than in steps of 32) and
    ``DEFAULT_PARALLELISM`` else, while a map without ``concurrency`` still splits its items as
    over ``DEFAULT_PARALLELISM`` workers (the size of its batches, ``_map_batches``), so a large
    backend default does not cut a map into small batches."""
    if chosen is not None:
        return chosen, chosen
    declared = getattr(backend, "default_parallelism", None)
    if declared is None:
        return DEFAULT_PARALLELISM, DEFAULT_PARALLELISM
    if isinstance(declared, bool) or not isinstance(declared, int) or declared < 1:
        from flytelike.errors import ConfigurationError

        name = getattr(backend, "name", type(backend).__qualname__)
        raise ConfigurationError(
            f"backend {name!r} declares default_parallelism={declared!r}: it must "
            "be a whole number >= 1 (task actions in flight when the run sets no "
            "max_parallelism); fix the backend, or set max_parallelism for the run"
        )
    return declared, DEFAULT_PARALLELISM
