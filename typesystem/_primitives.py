"""Transformers for the scalar types: int, float, str, bool, bytes, None, datetime, date, timedelta.

Rules: ``bool`` is never an ``int`` (nor a ``float``); ``float`` accepts ints (widened) and other
real numbers such as ``numpy.float64``; ``int`` accepts other integral numbers such as
``numpy.int64`` and is range-checked to int64; ``str`` accepts str subclasses (stored as plain
``str``); ``datetime`` keeps its tzinfo; ``date`` is a date, never a datetime.
"""

from __future__ import annotations

import datetime as _dt
import numbers
from collections.abc import Callable, Sequence
from typing import Any

from typesystem._limits import INT64_MAX, INT64_MIN
from typesystem._literals import Literal, LiteralValue, Scalar
from typesystem._transformer import TypeTransformer, bad_literal, mismatch
from typesystem._types import (
    BOOLEAN,
    BYTES,
    DATE,
    DATETIME,
    DURATION,
    FLOAT,
    INTEGER,
    NONE,
    STRING,
    LiteralType,
    SimpleType,
)


class PrimitiveTransformer(TypeTransformer[Any]):
    """A scalar type stored unboxed; ``coerce`` widens acceptable non-exact values."""

    def __init__(
        self,
        py: type,
        lt: SimpleType,
        label: str,
        coerce: Callable[[Any], Any] | None = None,
    ) -> None:
        super().__init__(label, py)
        self.py: Any = py  # (Any: comparing `type(value) is self.py` must not narrow value)
        self.lt = lt
        self.label = label
        self._coerce = coerce

    def literal_type(self, t: Any) -> LiteralType:
        return self.lt

    def encode(self, value: Any, t: Any = None) -> Any:
        if type(value) is self.py:
            if self.py is int and not INT64_MIN <= value <= INT64_MAX:
                raise mismatch("int", value, "out of the int64 range")
            return value
        if self._coerce is not None:
            coerced = self._coerce(value)
            if coerced is not _NO:
                return coerced
        raise mismatch(self.label, value)

    def to_literal(self, value: Any, t: Any = None) -> Literal:
        if type(value) is self.py and (self.py is not int or INT64_MIN <= value <= INT64_MAX):
            return Scalar(value)
        return Scalar(self.encode(value, t))

    def decode(self, value: LiteralValue, t: Any = None) -> Any:
        if type(value) is self.py:
            return value
        if type(value) is Scalar:
            return self.decode(value.value, t)
        if self._coerce is not None and not isinstance(value, Literal):
            coerced = self._coerce(value)
            if coerced is not _NO:
                return coerced
        raise bad_literal(self.label, value)

    def to_python(self, literal: Literal, t: Any = None) -> Any:
        if type(literal) is Scalar:
            value = literal.value
            if type(value) is self.py:
                return value
        return self.decode(literal, t)

    def matches(self, value: Any, t: Any) -> bool:
        return type(value) is self.py or (
            self._coerce is not None and self._coerce(value) is not _NO
        )

    def guess_python_type(self, literal_type: LiteralType) -> Any:
        if literal_type == self.lt:
            return self.py
        raise ValueError(f"not a {self.label}")


_NO = object()


def _coerce_int(v: Any) -> Any:
    if isinstance(v, bool) or not isinstance(v, numbers.Integral):
        return _NO
    i = int(v)
    return i if INT64_MIN <= i <= INT64_MAX else _NO


def _coerce_float(v: Any) -> Any:
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        return _NO
    return float(v)


def _coerce_str(v: Any) -> Any:
    return v[:] if isinstance(v, str) else _NO


def _coerce_bool(v: Any) -> Any:
    # numpy.bool_ is not a bool subclass; accept anything whose type is named like a bool.
    if type(v).__name__ in ("bool_", "bool8") and hasattr(v, "item"):
        return bool(v)
    return _NO


def _coerce_bytes(v: Any) -> Any:
    return bytes(v) if isinstance(v, bytearray | memoryview) else _NO


def _coerce_datetime(v: Any) -> Any:
    if not isinstance(v, _dt.datetime):
        return _NO
    return _dt.datetime(
        v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond, v.tzinfo, fold=v.fold
    )


def _coerce_date(v: Any) -> Any:
    return _NO


def _coerce_timedelta(v: Any) -> Any:
    if not isinstance(v, _dt.timedelta):
        return _NO
    return _dt.timedelta(days=v.days, seconds=v.seconds, microseconds=v.microseconds)


def primitive_transformers() -> list[PrimitiveTransformer]:
    """The built-in scalar transformers, one per exact Python type."""
    return [
        PrimitiveTransformer(int, INTEGER, "int", _coerce_int),
        PrimitiveTransformer(float, FLOAT, "float", _coerce_float),
        PrimitiveTransformer(str, STRING, "str", _coerce_str),
        PrimitiveTransformer(bool, BOOLEAN, "bool", _coerce_bool),
        PrimitiveTransformer(bytes, BYTES, "bytes", _coerce_bytes),
        PrimitiveTransformer(type(None), NONE, "None"),
        PrimitiveTransformer(_dt.datetime, DATETIME, "datetime", _coerce_datetime),
        PrimitiveTransformer(_dt.date, DATE, "date", _coerce_date),
        PrimitiveTransformer(_dt.timedelta, DURATION, "timedelta", _coerce_timedelta),
    ]


def plain_column(transformer: TypeTransformer[Any]) -> Callable[[Sequence[Any]], bool] | None:
    """For a scalar transformer (the built-ins above, whatever type it was registered for): a
    check ``plain(values)``, true when every value is exactly of the transformer's type (an int
    within int64), so that its item-level ``encode`` and ``decode`` would return each value as it
    is and a column of them needs no conversion. ``None`` for any other transformer: convert its
    values one by one. A column that is not plain (a ``numpy.int64``, a str subclass, a value out
    of range or of another type) is converted one by one too, which also names what is wrong."""
    if not isinstance(transformer, PrimitiveTransformer):
        return None
    kinds = frozenset({transformer.py})
    if transformer.py is not int:
        return lambda values: set(map(type, values)) <= kinds

    def plain_ints(values: Sequence[Any]) -> bool:
        return not values or (
            set(map(type, values)) <= kinds
            and min(values) >= INT64_MIN
            and max(values) <= INT64_MAX
        )

    return plain_ints
