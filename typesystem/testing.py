"""Hypothesis strategies that draw a Python type together with a value of it.

``types_and_values(max_depth=3)`` draws ``(python_type, value)`` pairs over every built-in kind:
scalars (int64, float without NaN, str, bool, bytes, naive and offset-aware datetimes, dates,
durations, None), str- and int-valued enums, ``typing.Literal``, and, nested up to ``max_depth``,
``list[T]``, ``dict[str, T]``, ``dict[int, T]``, ``Optional[T]``, ``tuple[A, B]``, ``NamedTuple``
and dataclasses with fields of drawn types. Use it to check that a registry round-trips values:

    @given(types_and_values())
    def test_round_trip(pair):
        t, v = pair
        assert registry.to_python(registry.to_literal(v, t), t) == v

``mutated(data)`` draws ``data`` with a few random edits, to fuzz a decoder with inputs close to
valid ones (a decoder must return a value or raise its documented error, whatever the bytes):

    @given(mutated(to_msgpack(literal)))
    def test_decoder_never_crashes(data):
        try:
            from_msgpack(data)
        except EncodingError:
            pass

Requires hypothesis (a test dependency, not a runtime one).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
import itertools
import typing
from dataclasses import dataclass
from typing import Any, NamedTuple, Optional

from hypothesis import strategies as st

_counter = itertools.count()


class Fruit(enum.Enum):
    """A string-valued enum (the kind Flyte supports)."""

    APPLE = "apple"
    PEAR = "pear"


class Level(enum.Enum):
    """An int-valued enum (beyond Flyte)."""

    LOW = 1
    HIGH = 2


@dataclass(frozen=True)
class TypeSpec:
    """A Python type and a strategy for its values."""

    t: Any
    values: st.SearchStrategy[Any]


_INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
_OFFSETS = st.integers(min_value=-23 * 60, max_value=23 * 60).map(
    lambda m: _dt.timezone(_dt.timedelta(minutes=m))
)
_DATETIMES = st.datetimes(timezones=st.none() | _OFFSETS)

SCALARS: list[TypeSpec] = [
    TypeSpec(int, _INT64),
    TypeSpec(float, st.floats(allow_nan=False)),
    TypeSpec(str, st.text(max_size=20)),
    TypeSpec(bool, st.booleans()),
    TypeSpec(bytes, st.binary(max_size=20)),
    TypeSpec(_dt.datetime, _DATETIMES),
    TypeSpec(_dt.date, st.dates()),
    TypeSpec(_dt.timedelta, st.timedeltas()),
    TypeSpec(type(None), st.none()),
    TypeSpec(Fruit, st.sampled_from(Fruit)),
    TypeSpec(Level, st.sampled_from(Level)),
    TypeSpec(typing.Literal["a", "b", "c"], st.sampled_from(["a", "b", "c"])),
]


def _list(s: TypeSpec) -> TypeSpec:
    return TypeSpec(list[s.t], st.lists(s.values, max_size=5))  # type: ignore[name-defined]


def _dict_str(s: TypeSpec) -> TypeSpec:
    return TypeSpec(dict[str, s.t], st.dictionaries(st.text(max_size=8), s.values, max_size=4))  # type: ignore[name-defined]


def _dict_int(s: TypeSpec) -> TypeSpec:
    return TypeSpec(dict[int, s.t], st.dictionaries(_INT64, s.values, max_size=4))  # type: ignore[name-defined]


def _optional(s: TypeSpec) -> TypeSpec:
    if s.t is type(None):
        return s
    return TypeSpec(Optional[s.t], st.none() | s.values)  # noqa: UP045


def _pair(a: TypeSpec, b: TypeSpec) -> TypeSpec:
    return TypeSpec(tuple[a.t, b.t], st.tuples(a.values, b.values))  # type: ignore[name-defined]


def _named(specs: list[TypeSpec]) -> TypeSpec:
    fields = [(f"f{i}", s.t) for i, s in enumerate(specs)]
    cls = NamedTuple(f"Drawn{next(_counter)}", fields)  # type: ignore[misc]
    cls.__module__ = __name__
    globals()[cls.__name__] = cls  # record codecs look classes up by module and name
    return TypeSpec(cls, st.tuples(*(s.values for s in specs)).map(lambda v: cls(*v)))


def _record(specs: list[TypeSpec]) -> TypeSpec:
    fields = [(f"f{i}", s.t) for i, s in enumerate(specs)]
    cls = dataclasses.make_dataclass(f"Record{next(_counter)}", fields)
    cls.__module__ = __name__
    globals()[cls.__name__] = cls
    return TypeSpec(cls, st.tuples(*(s.values for s in specs)).map(lambda v: cls(*v)))


def type_specs(max_depth: int = 3) -> st.SearchStrategy[TypeSpec]:
    """Strategies for ``TypeSpec`` nested up to ``max_depth`` levels."""
    scalars = st.sampled_from(SCALARS)
    if max_depth <= 0:
        return scalars
    inner = type_specs(max_depth - 1)
    fields = st.lists(inner, min_size=1, max_size=4)
    return st.one_of(
        scalars,
        inner.map(_list),
        inner.map(_dict_str),
        inner.map(_dict_int),
        inner.map(_optional),
        st.tuples(inner, inner).map(lambda p: _pair(*p)),
        fields.map(_named),
        fields.map(_record),
    )


def types_and_values(max_depth: int = 3) -> st.SearchStrategy[tuple[Any, Any]]:
    """``(python_type, value)`` pairs over every built-in kind, nested up to ``max_depth``."""
    return type_specs(max_depth).flatmap(lambda s: s.values.map(lambda v: (s.t, v)))


# Bytes that change the meaning of what follows them in msgpack and protobuf: length prefixes,
# varint continuations, type markers (uint64, int64, ext, array, map), zero and all-ones.
_MARKERS = (
    0x00,
    0x01,
    0x7F,
    0x80,
    0xFF,
    0xC1,
    0xCF,
    0xD3,
    0xC7,
    0xD4,
    0xD8,
    0xDC,
    0xDE,
    0x91,
    0x81,
)
_EDITS = ("set", "insert", "delete", "duplicate", "truncate", "marker")


def _edit(data: bytes, edits: list[tuple[str, int, int]]) -> bytes:
    out = bytearray(data)
    for kind, where, value in edits:
        i = where % (len(out) + 1)
        if kind == "set" and out:
            out[i % len(out)] = value
        elif kind == "insert":
            out.insert(i, value)
        elif kind == "delete" and out:
            del out[i % len(out)]
        elif kind == "duplicate" and out:
            j = i % len(out)
            out[j:j] = out[j : j + 1 + value % 8]
        elif kind == "truncate":
            del out[i:]
        elif kind == "marker":
            out.insert(i, _MARKERS[value % len(_MARKERS)])
    return bytes(out)


def mutated(data: bytes, max_edits: int = 6) -> st.SearchStrategy[bytes]:
    """``data`` with 1 to ``max_edits`` edits: bytes set, inserted, deleted or duplicated,
    encoding markers inserted, the tail cut off. Shrinks towards fewer, earlier edits."""
    edit = st.tuples(st.sampled_from(_EDITS), st.integers(0, 2**16), st.integers(0, 255))
    return st.lists(edit, min_size=1, max_size=max_edits).map(lambda edits: _edit(data, edits))
