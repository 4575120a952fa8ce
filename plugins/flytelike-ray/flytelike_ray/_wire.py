"""What travels between the driver and a Ray worker, as plain data.

Literals travel as msgpack bytes (``typesystem.to_msgpack``, self-describing), or as the URI of
a blob holding those bytes when they are large (``_places.put_large``); map items travel
as one ``Collection`` literal per input (a batch's values, primitives unboxed, as stored in list
literals). An ``ExecutionError`` travels as a tuple; the user's exception object travels
cloudpickled when it pickles and unpickles (else only its type name, message and traceback),
so a direct call through Ray can raise the task's own exception.

What does not live here: running an action (``_worker``), submitting it (``_backend``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import typesystem
from flytelike.backends import ExecutionError
from flytelike_ray._places import get_large
from typesystem import Collection, Literal

ErrorTuple = tuple[str, str, str, str, bool, bool, bytes]


def pack_literals(literals: Mapping[str, Literal]) -> dict[str, bytes]:
    to = typesystem.to_msgpack
    return {k: to(v) for k, v in literals.items()}


def unpack_literals(data: Mapping[str, bytes | str]) -> dict[str, Literal]:
    """Literals from ``pack_literals`` bytes or blob URIs (read through the data context)."""
    frm = typesystem.from_msgpack
    return {k: frm(v if type(v) is bytes else get_large(v)) for k, v in data.items()}


def pack_values(values: Sequence[Any]) -> bytes:
    """Item values (as stored in a list literal) as one msgpack ``Collection``."""
    return typesystem.to_msgpack(Collection(tuple(values)))


def unpack_values(data: bytes | str) -> tuple[Any, ...]:
    lit = typesystem.from_msgpack(get_large(data))
    assert isinstance(lit, Collection)
    return tuple(lit.items)


def pack_error(err: ExecutionError) -> ErrorTuple:
    exc = b""
    if err.exception is not None:
        try:
            import cloudpickle

            exc = cloudpickle.dumps(err.exception)
        except Exception:  # an exception holding a lock, a socket...: its text still travels
            exc = b""
    return (
        err.kind,
        err.message,
        err.error_type,
        err.traceback,
        err.recoverable,
        err.timed_out,
        exc,
    )


def unpack_error(data: ErrorTuple) -> ExecutionError:
    kind, message, error_type, tb, recoverable, timed_out, exc_bytes = data
    exc: BaseException | None = None
    if exc_bytes:
        import pickle

        try:
            found = pickle.loads(exc_bytes)
        except Exception:  # its class does not import here: the text is enough
            found = None
        exc = found if isinstance(found, BaseException) else None
    return ExecutionError(kind, message, error_type, tb, recoverable, timed_out, exc)
