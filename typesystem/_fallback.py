"""Untyped containers, ``typing.Any``, restricted types and the cloudpickle fallback.

- Untyped ``dict``/``list`` (and ``typing.Any``) are msgpack bytes of plain data: ints stay ints,
  non-str keys are kept, dates travel as msgpack extension types.
- Values that can never travel (generators, coroutines, locks, open files, sockets) are
  *restricted*: resolving such a type raises ``UnsupportedTypeError`` naming it.
- Every other unknown class goes through cloudpickle, visibly: resolving the type emits a
  ``PickleFallbackWarning`` naming it, and a strict registry raises ``UnsupportedTypeError``
  instead.
"""

from __future__ import annotations

import collections.abc as cabc
import io
import socket
import threading
from typing import Any

from typesystem import _typing as ty
from typesystem._literals import Binary, Literal, LiteralValue
from typesystem._msgpack import pack_plain, unpack_plain
from typesystem._transformer import TypeTransformer, bad_literal, mismatch
from typesystem._types import BinaryType, LiteralType
from typesystem.errors import ConversionError, Issue

_RESTRICTED: tuple[type, ...] = (
    cabc.Iterator,
    cabc.AsyncIterator,
    cabc.Generator,
    cabc.AsyncGenerator,
    cabc.Coroutine,
    io.IOBase,
    socket.socket,
    type(threading.Lock()),
    type(threading.RLock()),
)


def is_restricted(t: Any) -> bool:
    base, _ = ty.strip_annotated(t)
    origin = getattr(base, "__origin__", None)
    cls = origin if isinstance(origin, type) else base
    return isinstance(cls, type) and issubclass(cls, _RESTRICTED)


class PlainDataTransformer(TypeTransformer[Any]):
    """Untyped ``dict``, ``list`` and ``Any``: plain data as msgpack."""

    def __init__(self, t: Any) -> None:
        name = "Any" if t is Any else t.__name__
        super().__init__(name, t)
        self.cls = t if isinstance(t, type) else None
        self.lt = BinaryType("msgpack", tag=name)

    def literal_type(self, t: Any) -> LiteralType:
        return self.lt

    def to_literal(self, value: Any, t: Any = None) -> Literal:
        if self.cls is not None and not isinstance(value, self.cls):
            raise mismatch(self.name, value)
        try:
            return Binary("msgpack", pack_plain(value))
        except (TypeError, ValueError, OverflowError) as e:
            raise ConversionError(
                [
                    Issue(
                        "$",
                        self.name,
                        ty.type_name(type(value)),
                        f"untyped values must be plain data ({e}); annotate the type, "
                        "e.g. dict[str, MyDataclass]",
                    )
                ]
            ) from e

    def encode(self, value: Any, t: Any = None) -> LiteralValue:
        return self.to_literal(value, t)

    def to_python(self, literal: Literal, t: Any = None) -> Any:
        if type(literal) is not Binary or literal.tag != "msgpack":
            raise bad_literal(self.name, literal)
        return unpack_plain(literal.data)

    def decode(self, value: LiteralValue, t: Any = None) -> Any:
        return self.to_python(value, t)  # type: ignore[arg-type]

    def matches(self, value: Any, t: Any) -> bool:
        return self.cls is None or isinstance(value, self.cls)

    def guess_python_type(self, literal_type: LiteralType) -> Any:
        if literal_type == self.lt:
            return self.python_type
        raise ValueError("not plain data")


class PickleTransformer(TypeTransformer[Any]):
    """Any other class, through cloudpickle (see module docstring)."""

    def __init__(self, t: Any) -> None:
        super().__init__(f"pickle[{ty.type_name(t)}]", t)
        self.lt = BinaryType("cloudpickle", ty.qualified_name(t))
        base, _ = ty.strip_annotated(t)
        self.cls = base if isinstance(base, type) else None

    def literal_type(self, t: Any) -> LiteralType:
        return self.lt

    def to_literal(self, value: Any, t: Any = None) -> Literal:
        import cloudpickle

        if self.cls is not None and not isinstance(value, self.cls):
            raise mismatch(self.lt.python_type, value)
        try:
            return Binary("cloudpickle", cloudpickle.dumps(value))
        except Exception as e:
            raise ConversionError(
                [Issue("$", self.lt.python_type, ty.type_name(type(value)), f"cannot pickle: {e}")]
            ) from e

    def encode(self, value: Any, t: Any = None) -> LiteralValue:
        return self.to_literal(value, t)

    def to_python(self, literal: Literal, t: Any = None) -> Any:
        import cloudpickle

        if type(literal) is not Binary or literal.tag != "cloudpickle":
            raise bad_literal(self.lt.python_type, literal)
        return cloudpickle.loads(literal.data)

    def decode(self, value: LiteralValue, t: Any = None) -> Any:
        return self.to_python(value, t)  # type: ignore[arg-type]

    def matches(self, value: Any, t: Any) -> bool:
        return self.cls is not None and isinstance(value, self.cls)
