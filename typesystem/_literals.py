"""The value half of the literal model: ``Literal`` and its kinds.

Literals are frozen, slotted dataclasses without behaviour. Encoding lives in ``_msgpack``,
``_json`` and ``_proto``; hashing in ``_digest``.

Unboxed primitives
------------------
Inside a ``Collection``, a ``Map`` or a ``UnionValue``, an item may be a bare primitive Python value
(``int``, ``float``, ``str``, ``bool``, ``bytes``, ``None``, ``datetime``, ``date``,
``timedelta``) instead of a ``Scalar``: a bare primitive ``p`` means exactly ``Scalar(p)`` with no
hash and no metadata. Transformers always produce the unboxed form and every decoder returns it,
so a ``list[int]`` of 10,000 items is one tuple, not 10,000 objects. ``box`` and ``unbox`` convert
between the two spellings. At the top level, conversions always return a ``Literal``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeAlias

Primitive: TypeAlias = (
    int | float | str | bool | bytes | _dt.datetime | _dt.date | _dt.timedelta | None
)

PRIMITIVE_TYPES: frozenset[type] = frozenset(
    {int, float, str, bool, bytes, type(None), _dt.datetime, _dt.date, _dt.timedelta}
)


@dataclass(frozen=True, slots=True)
class Literal:
    """Base of all literal values.

    ``hash`` replaces the value's content in cache keys when set (``HashMethod``);
    ``metadata`` is free-form string metadata carried with the value.
    """

    hash: str | None = field(default=None, kw_only=True)
    metadata: Mapping[str, str] | None = field(default=None, kw_only=True)


LiteralValue: TypeAlias = Literal | Primitive


@dataclass(frozen=True, slots=True)
class Scalar(Literal):
    """A single primitive value."""

    value: Primitive


@dataclass(frozen=True, slots=True)
class Collection(Literal):
    """A list or tuple of literal values (items may be unboxed primitives)."""

    items: tuple[LiteralValue, ...]


@dataclass(frozen=True, slots=True)
class Map(Literal):
    """A dict of literal values keyed by primitives (values may be unboxed primitives)."""

    items: Mapping[Primitive, LiteralValue]


@dataclass(frozen=True, slots=True)
class UnionValue(Literal):
    """A value of a union type, carrying the name of the variant it was stored as."""

    variant: str
    value: LiteralValue


@dataclass(frozen=True, slots=True)
class Binary(Literal):
    """Structured bytes tagged by format (``msgpack`` for records, ``cloudpickle``, ...)."""

    tag: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Blob(Literal):
    """A file or directory in the blob store."""

    uri: str
    format: str = ""
    multipart: bool = False


@dataclass(frozen=True, slots=True)
class Table(Literal):
    """A dataframe stored in the blob store, with its format and column names."""

    uri: str
    format: str = "parquet"
    columns: tuple[str, ...] = ()


def _fast_scalar_init() -> None:
    """Replace ``Scalar.__init__`` with one that sets the slots directly.

    A frozen dataclass's generated ``__init__`` goes through ``object.__setattr__`` by name for
    every field; scalars are built once per converted value, so this halves their cost. The
    signature and the frozen behaviour are unchanged.
    """
    set_value = Scalar.__dict__["value"].__set__
    set_hash = Literal.__dict__["hash"].__set__
    set_metadata = Literal.__dict__["metadata"].__set__

    def __init__(
        self: Scalar,
        value: Primitive,
        *,
        hash: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        set_value(self, value)
        set_hash(self, hash)
        set_metadata(self, metadata)

    __init__.__qualname__ = "Scalar.__init__"
    Scalar.__init__ = __init__  # type: ignore[method-assign]


_fast_scalar_init()


def box(value: LiteralValue) -> Literal:
    """Return ``value`` as a ``Literal`` (wrapping a bare primitive in ``Scalar``)."""
    return value if isinstance(value, Literal) else Scalar(value)


def unbox(value: LiteralValue) -> LiteralValue:
    """Return a plain ``Scalar`` (no hash, no metadata) as its bare primitive."""
    if type(value) is Scalar and value.hash is None and value.metadata is None:
        return value.value
    return value
