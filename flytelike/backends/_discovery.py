"""Finding backends by name: the built-in ``local`` one and entry points ``flytelike.backends``.

An entry point names a factory (a class or a function) returning a ``Backend``; it is imported
only when that backend is asked for, once per process. An unknown name lists the available ones;
a known plugin that is not installed says what to ``pip install``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flytelike.backends._protocol import Backend
from flytelike.errors import ConfigurationError, FlytelikeError

GROUP = "flytelike.backends"

# Backends we know the distribution of, for the "not installed" hint.
KNOWN_PLUGINS: dict[str, str] = {"ray": "flytelike-ray", "grpc": "'flytelike[grpc]'"}


class BackendNotFoundError(LookupError):
    """No backend by that name (the message lists the available ones or the package to install)."""

    def __init__(self, message: str, name: str) -> None:
        super().__init__(message)
        self.name = name


class BackendLoadError(RuntimeError):
    """A backend plugin failed to import or returned something that is not a backend."""


_LOCK = threading.Lock()
_FACTORIES: dict[str, Callable[..., Any]] = {}


def _builtin_local(**options: Any) -> Backend:
    from flytelike.backends._local import LocalBackend

    return LocalBackend(**options)


def _entry_points() -> dict[str, Any]:
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group=GROUP)}


def available_backends() -> list[str]:
    """Names of every backend that can be loaded (built-in and installed plugins)."""
    return sorted({"local", *_FACTORIES, *_entry_points()})


def register_backend(name: str, factory: Callable[..., Any]) -> None:
    """Register a backend factory in this process (tests, embedding)."""
    with _LOCK:
        _FACTORIES[name] = factory


def _factory(name: str) -> Callable[..., Any]:
    with _LOCK:
        if name in _FACTORIES:
            return _FACTORIES[name]
    if name == "local":
        return _builtin_local
    eps = _entry_points()
    ep = eps.get(name)
    if ep is None:
        if name in KNOWN_PLUGINS:
            raise BackendNotFoundError(
                f"backend {name!r} is not installed; install it with "
                f"`pip install {KNOWN_PLUGINS[name]}`",
                name,
            )
        raise BackendNotFoundError(
            f"unknown backend {name!r}; available backends: {', '.join(available_backends())}",
            name,
        )
    dist = getattr(getattr(ep, "dist", None), "name", "?")
    try:
        factory = ep.load()
    except Exception as e:
        raise BackendLoadError(
            f"backend {name!r} (entry point {ep.value!r} of distribution {dist}) failed to "
            f"import: {e}"
        ) from e
    with _LOCK:
        _FACTORIES[name] = factory
    return factory  # type: ignore[no-any-return]


def get_backend(name: str = "local", **options: Any) -> Backend:
    """A new backend instance by name; ``options`` go to its factory, checked against its
    parameters and converted when written as text (``_options``: an unknown option is a
    ``ConfigurationError`` naming the backend's known ones)."""
    factory = _factory(name)
    if options:
        from flytelike.backends._options import bind_options

        target = factory
        if factory is _builtin_local:
            from flytelike.backends._local import LocalBackend

            target = LocalBackend
        options = bind_options(name, target, options)
        try:
            backend = factory(**options)
        except (TypeError, ValueError) as e:
            if isinstance(e, FlytelikeError):
                raise
            given = ", ".join(f"{k}={v!r}" for k, v in options.items())
            raise ConfigurationError(
                f"backend {name!r} refused its options ({given}): {e}; fix the option "
                "(--backend-option, FLYTELIKE_BACKEND_OPTIONS or backend_options=)"
            ) from e
    else:
        backend = factory()
    if not hasattr(backend, "run_action"):
        raise BackendLoadError(
            f"backend {name!r}: the factory returned {backend!r}, which has no run_action method"
        )
    return backend  # type: ignore[no-any-return]
