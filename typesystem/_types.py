"""The schema half of the literal model: ``LiteralType`` and its kinds.

A ``LiteralType`` describes the shape of a value independently of Python: it is what an interface
records for each input and output, what the compiler compares when it checks a binding, and what
the JSON Schema and the protobuf schema are generated from. Every kind is a frozen, slotted,
hashable dataclass without behaviour; rendering and conversion live elsewhere (``_render``,
``_jsonschema``, ``_proto``).

Every kind carries an optional ``tag``: a transformer-chosen name (``"PositiveInt"``,
``"pandas.DataFrame"``) that tells otherwise identical schemas apart and lets
``guess_python_type`` find the transformer that produced the type.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class SimpleKind(enum.Enum):
    """Kinds of scalar literal types."""

    NONE = "none"
    INTEGER = "integer"
    FLOAT = "float"
    STRING = "string"
    BOOLEAN = "boolean"
    BYTES = "bytes"
    DATETIME = "datetime"
    DATE = "date"
    DURATION = "duration"


@dataclass(frozen=True, slots=True)
class LiteralType:
    """Base of all literal types. Never instantiated directly."""

    tag: str = field(default="", kw_only=True)


@dataclass(frozen=True, slots=True)
class SimpleType(LiteralType):
    """A scalar: int, float, str, bool, bytes, None, datetime, date or timedelta."""

    kind: SimpleKind


@dataclass(frozen=True, slots=True)
class CollectionType(LiteralType):
    """A homogeneous list."""

    item: LiteralType


@dataclass(frozen=True, slots=True)
class MapType(LiteralType):
    """A dict. ``key`` is a simple type (string unless the Python type says otherwise)."""

    value: LiteralType
    key: LiteralType = SimpleType(SimpleKind.STRING)


@dataclass(frozen=True, slots=True)
class TupleType(LiteralType):
    """A fixed-length tuple; ``names`` is set for ``NamedTuple`` types."""

    items: tuple[LiteralType, ...]
    names: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class UnionVariant:
    """One variant of a union: its stable id (stored with every union value) and its type."""

    name: str
    type: LiteralType


@dataclass(frozen=True, slots=True)
class UnionType(LiteralType):
    """A union (``Optional[T]`` is ``UnionType`` of ``T`` and ``none``)."""

    variants: tuple[UnionVariant, ...]


@dataclass(frozen=True, slots=True)
class EnumType(LiteralType):
    """A closed set of string or int values (``enum.Enum`` and ``typing.Literal``)."""

    values: tuple[str | int, ...]
    name: str = ""


@dataclass(frozen=True, slots=True)
class StructField:
    """One field of a record type."""

    name: str
    type: LiteralType
    required: bool = True


@dataclass(frozen=True, slots=True)
class StructType(LiteralType):
    """A record (dataclass, pydantic model) stored as structured binary of ``format``."""

    name: str
    fields: tuple[StructField, ...]
    format: str = "msgpack"


@dataclass(frozen=True, slots=True)
class RefType(LiteralType):
    """A reference to an enclosing ``StructType`` by name (recursive records)."""

    name: str


@dataclass(frozen=True, slots=True)
class BinaryType(LiteralType):
    """Opaque structured bytes: ``msgpack`` (untyped dicts), ``cloudpickle`` (fallback), ...."""

    format: str
    python_type: str = ""


@dataclass(frozen=True, slots=True)
class BlobType(LiteralType):
    """A file (``multipart=False``) or directory (``multipart=True``) in the blob store."""

    format: str = ""
    multipart: bool = False


@dataclass(frozen=True, slots=True)
class Column:
    """A declared column of a table."""

    name: str
    type: LiteralType


@dataclass(frozen=True, slots=True)
class TableType(LiteralType):
    """A dataframe stored in the blob store; no ``columns`` means any columns."""

    format: str = ""
    columns: tuple[Column, ...] = ()


NONE = SimpleType(SimpleKind.NONE)
INTEGER = SimpleType(SimpleKind.INTEGER)
FLOAT = SimpleType(SimpleKind.FLOAT)
STRING = SimpleType(SimpleKind.STRING)
BOOLEAN = SimpleType(SimpleKind.BOOLEAN)
BYTES = SimpleType(SimpleKind.BYTES)
DATETIME = SimpleType(SimpleKind.DATETIME)
DATE = SimpleType(SimpleKind.DATE)
DURATION = SimpleType(SimpleKind.DURATION)
