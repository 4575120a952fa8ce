"""Untyped containers, ``typing.Any``, restricted types and the cloudpickle fallback.

- Untyped ``dict``/``list`` (and ``typing.Any``) are msgpack bytes of plain data: ints stay ints,
  non-str keys are kept, dates travel as msgpack extension types. An ``Any`` value that is not
  plain data (a task, a function, an arbitrary object) goes through cloudpickle, as Flyte does,
  with a ``PickleFallbackWarning`` naming its type when it is converted (a strict registry refuses).
- Values that can never travel (generators, coroutines, locks, open files, sockets) are
  *restricted*: resolving such a type raises ``UnsupportedTypeError`` naming it. ``Iterator[T]``
  with its item type is not: its items are collected into a list (``_iterators``).
- Every other unknown class goes through cloudpickle, visibly: resolving the type emits a
  ``PickleFallbackWarning`` naming it, and a strict registry raises ``UnsupportedTypeError``
  instead.
"""

from __future__ import annotations

import collections.abc as cabc
import io
import socket
import threading
import warnings
from typing import Any

from typesystem import _typing as ty
from typesystem._literals import Binary, Literal, LiteralValue
from typesystem._msgpack import pack_plain, unpack_plain
from typesystem._transformer import TypeTransformer, bad_literal, mismatch
from typesystem._types import BinaryType, LiteralType
from typesystem.errors import ConversionError, Issue, PickleFallbackWarning

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
    if origin is cabc.Iterator and len(ty.type_args(base)) == 1:
        return False  # ``Iterator[T]``: its items are collected (``_iterators``)
    cls = origin if isinstance(origin, type) else base
    return isinstance(cls, type) and issubclass(cls, _RESTRICTED)


class PlainDataTransformer(TypeTransformer[Any]):
    """Untyped ``dict``, ``list`` and ``Any``: plain data as msgpack."""

    def __init__(self, t: Any, *, strict: bool = False) -> None:
        name = "Any" if t is Any else t.__name__
        super().__init__(name, t)
        # `typing.Any` is a class on Python >= 3.11, but it cannot be used with isinstance().
        self.cls = t if isinstance(t, type) and t is not Any else None
        self.lt = BinaryType("msgpack", tag=name)
        self.strict = strict

    def literal_type(self, t: Any) -> LiteralType:
        return self.lt

    def to_literal(self, value: Any, t: Any = None) -> Literal:
        if self.cls is not None and not isinstance(value, self.cls):
            raise mismatch(self.name, value)
        try:
            return Binary("msgpack", pack_plain(value))
        except (TypeError, ValueError, OverflowError) as e:
            if self.cls is None and not self.strict:
                return _pickle_any(value)
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
        if type(literal) is Binary and literal.tag == "cloudpickle" and self.cls is None:
            import cloudpickle

            return cloudpickle.loads(literal.data)
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


def _pickle_any(value: Any) -> Literal:
    import cloudpickle

    name = ty.qualified_name(type(value))
    warnings.warn(
        f"a `{name}` value passed as `Any` is not plain data; it is converted with cloudpickle "
        "(Python-only, version-fragile, opaque). Annotate the parameter with its type (or "
        "register a TypeTransformer for it) to avoid this.",
        PickleFallbackWarning,
        stacklevel=2,
    )
    try:
        return Binary("cloudpickle", cloudpickle.dumps(value))
    except Exception as e:
        raise ConversionError(
            [Issue("$", "Any", ty.type_name(type(value)), f"cannot pickle: {e}")]
        ) from e


class PickleTransformer(TypeTransformer[Any]):
    """Any other class, through cloudpickle (see module docstring)."""

    def __init__(self, t: Any) -> None:
        super().__init__(f"pickle[{ty.type_name(t)}]", t)
        base, _ = ty.strip_annotated(t)
        callable_type = ty.is_callable(base)
        self.lt = BinaryType(
            "cloudpickle", ty.type_name(base) if callable_type else ty.qualified_name(t)
        )
        # Callable[[A], R] checks only that the value is callable (its signature is not known).
        cls: Any = cabc.Callable if callable_type else base
        self.cls: type | None = cls if isinstance(cls, type) else None

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
