"""Type transformers registered at run time in the driver, shipped to the Ray workers.

A worker imports flytelike and loads the type plugins of its installed distributions (entry
points) when it starts. What the driver registered at run time (``TypeEngine.register(...)`` or
``typesystem.default_registry().register(...)`` in a script, a notebook, a test) exists only in
the driver: the backend ships those registrations inside the task templates it sends
(``pack``, cloudpickle: classes of ``__main__`` or a notebook by value, others by reference,
re-packed only when the registry changed), and a worker registers them before it resolves a
task (``apply``, once per distinct set).

A transformer that cannot be pickled (it holds a lock, a client, an open file) travels as a
stand-in registered for its type, which fails any use with an error naming the type and how to
fix it, rather than letting the worker fall back to pickling the values. A factory that cannot
be pickled is not shipped (it names no type); the types it would handle fail on the worker as
types the worker does not know.

What does not live here: the template shipping itself (``_backend``, ``_worker``).
"""

from __future__ import annotations

import hashlib
import pickle
from typing import Any

import typesystem
from typesystem import TypeTransformer
from typesystem.errors import UnsupportedTypeError

_APPLIED: set[str] = set()


class Unshipped(TypeTransformer[Any]):
    """Stands in, on a worker, for a driver's transformer of ``t`` that could not be pickled."""

    def __init__(self, t: Any, transformer: str, reason: str) -> None:
        super().__init__(f"unshipped {transformer}", t)
        self.reason = reason
        self.transformer = transformer

    def _fail(self) -> UnsupportedTypeError:
        name = getattr(self.python_type, "__qualname__", repr(self.python_type))
        return UnsupportedTypeError(
            f"type `{name}`: its transformer {self.transformer} was registered at run time in "
            f"the driver and could not be sent to the Ray workers ({self.reason}); register "
            "it where the workers register it too: in the module that defines the type (the "
            "workers import it), or in a type plugin (entry point `flytelike.types`), or keep "
            "what cannot be pickled (locks, clients) out of the transformer's attributes"
        )

    def literal_type(self, t: Any = None) -> Any:
        raise self._fail()

    def to_literal(self, value: Any, t: Any = None) -> Any:
        raise self._fail()

    def to_python(self, literal: Any, t: Any = None) -> Any:
        raise self._fail()


def pack(registry: Any) -> bytes:
    """The run-time registrations of ``registry`` as bytes for ``apply`` (``b""``: none).

    Each type, transformer and factory is pickled on its own, so that one the workers cannot
    unpickle (its class lives in a module they cannot import) does not keep the others from
    arriving."""
    import cloudpickle

    exact, factories = registry.direct_registrations()
    if not exact and not factories:
        return b""
    items: list[tuple[str, bytes, bytes, str]] = []
    for t, tr in exact:
        try:
            t_blob = cloudpickle.dumps(t)
        except Exception:  # the type itself cannot travel: neither can a function using it
            continue
        kind = type(tr)
        what = f"{kind.__module__}.{kind.__qualname__}"
        try:
            items.append(("exact", t_blob, cloudpickle.dumps(tr), what))
        except Exception as e:
            items.append(("exact", t_blob, b"", f"{what}|cloudpickle: {type(e).__name__}: {e}"))
    for entry in factories:
        try:
            items.append(("factory", cloudpickle.dumps(entry), b"", ""))
        except Exception:
            continue
    return pickle.dumps(items, protocol=5)


def apply(data: bytes) -> None:
    """Register (once per distinct ``data``) what ``pack`` packed, in this process's default
    registry. A transformer that did not pickle, or does not unpickle here, is registered as
    an ``Unshipped`` stand-in for its type; a type or factory that does not unpickle here is
    left out (a function using that type does not resolve here either, and says so)."""
    if not data:
        return
    digest = hashlib.sha256(data).hexdigest()
    if digest in _APPLIED:
        return
    registry = typesystem.default_registry()
    for kind, blob, tr_blob, what in pickle.loads(data):
        if kind == "factory":
            try:
                entry = pickle.loads(blob)
            except Exception:
                continue
            registry.register_factory(entry.predicate, entry.factory, name=entry.name)
            continue
        try:
            t = pickle.loads(blob)
        except Exception:
            continue
        name, _, reason = what.partition("|")
        if tr_blob:
            try:
                registry.register(pickle.loads(tr_blob), t)
                continue
            except Exception as e:
                reason = f"it does not unpickle on the worker: {type(e).__name__}: {e}"
        registry.register(Unshipped(t, name, reason), t)
    _APPLIED.add(digest)
