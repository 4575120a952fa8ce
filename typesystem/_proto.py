"""Protobuf forms of literals and literal types, for the service boundary and IR files.

``literal_to_proto``/``literal_from_proto`` and ``literal_type_to_proto``/``literal_type_from_proto``
convert between the dataclasses of ``_literals``/``_types`` and the messages of
``typesystem/proto/literals.proto``; the ``*_proto_bytes`` functions add (deterministic)
serialisation. The conversion is lossless: hash and metadata (absent and empty differ),
datetimes with their UTC offset, zone key and fold, dates and durations come back equal. One
exception: a fixed-offset ``datetime.timezone`` keeps its offset but not its name.

Decoding returns the canonical unboxed form (a plain ``Scalar`` inside a ``Collection``, ``Map``
or ``UnionValue`` comes back as its bare primitive) and top-level results are always ``Literal``
or ``LiteralType`` instances.

Errors: every function here raises ``EncodingError`` and nothing else, naming the value path
(``$[1]['k']``) where there is one: bytes that do not parse (protobuf's parser also refuses
messages nested deeper than 100), a value or type nested deeper than ``MAX_DEPTH`` levels,
integers outside int64 (the schema's ``big_int_value`` is refused both ways), dates, datetimes
and durations out of Python's range, unknown time zones, and arguments that are not bytes or
messages of the expected kind.

The generated module is imported on first use, so importing ``typesystem`` never imports
protobuf. msgpack (the native encoding) lives in ``_msgpack`` and JSON in ``_json``, not here.
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from typesystem import _literals as lit
from typesystem import _types as typ
from typesystem._limits import INT64_MAX, INT64_MIN, MAX_DEPTH, int64_detail
from typesystem.errors import EncodingError

if TYPE_CHECKING:
    from typesystem.proto import literals_pb2 as pb

PROTO_FILE = "typesystem/proto/literals.proto"
"""The schema, relative to the directory that holds the ``typesystem`` package."""

REGENERATE_COMMAND = f"python -m grpc_tools.protoc -I. --python_out=. --pyi_out=. {PROTO_FILE}"
"""Regenerates ``literals_pb2.py`` and ``literals_pb2.pyi``; run it from the repository root."""


def proto_root() -> Path:
    """The directory that holds the ``typesystem`` package (where ``REGENERATE_COMMAND`` runs)."""
    return Path(__file__).resolve().parent.parent


def regenerate_command(out_dir: str | os.PathLike[str] = ".") -> list[str]:
    """``REGENERATE_COMMAND`` as an argv writing into ``out_dir``; run it with cwd ``proto_root()``."""
    _, *args = REGENERATE_COMMAND.split()
    return [sys.executable, *(a.replace("_out=.", f"_out={out_dir}") for a in args)]


class _Malformed(Exception):
    """A failure inside a value; each enclosing container adds its path segment as it unwinds."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.segments: list[str] = []

    def error(self, action: str) -> EncodingError:
        path = "$" + "".join(reversed(self.segments))
        return EncodingError(f"cannot {action}: {self.message} - at `{path}`")


_A = TypeVar("_A")
_R = TypeVar("_R")
_EPOCH = _dt.datetime(1970, 1, 1)
_EPOCH_ORDINAL = _EPOCH.toordinal()
_MICROSECOND = _dt.timedelta(microseconds=1)
_PLAIN = frozenset({"int_value", "float_value", "string_value", "bool_value", "bytes_value"})
_NO_KEY = object()
_PRIMITIVES = "int, float, str, bool, bytes, None, datetime, date or timedelta"


# --------------------------------------------------------------------------------- scalars
def _put_scalar(out: pb.Scalar, v: object) -> None:
    # bool before int and datetime before date: bool subclasses int, datetime subclasses date.
    try:
        if isinstance(v, bool):
            out.bool_value = v
        elif isinstance(v, int):
            if not INT64_MIN <= v <= INT64_MAX:
                raise _Malformed(int64_detail(v))
            out.int_value = v
        elif isinstance(v, float):
            out.float_value = v
        elif isinstance(v, str):
            out.string_value = v
        elif isinstance(v, bytes):
            out.bytes_value = v
        elif v is None:
            out.none_value.SetInParent()
        elif isinstance(v, _dt.datetime):
            _put_datetime(out.datetime_value, v)
        elif isinstance(v, _dt.date):
            out.date_value.days = v.toordinal() - _EPOCH_ORDINAL
        elif isinstance(v, _dt.timedelta):
            d = out.duration_value
            d.seconds, d.microseconds = v.days * 86400 + v.seconds, v.microseconds
        else:
            raise _Malformed(f"Expected a primitive ({_PRIMITIVES}), got `{type(v).__qualname__}`")
    except (TypeError, ValueError) as e:
        raise _Malformed(f"{type(v).__qualname__} value {v!r:.60}: {e}") from e


def _put_datetime(out: pb.DateTime, v: _dt.datetime) -> None:
    wall = v.replace(tzinfo=None) - _EPOCH
    out.wall_seconds, out.microseconds = wall.days * 86400 + wall.seconds, wall.microseconds
    offset = v.utcoffset()
    if offset is not None:
        out.utc_offset_microseconds = offset // _MICROSECOND
        key = getattr(v.tzinfo, "key", None)
        if isinstance(key, str):
            out.zone = key
    out.fold = v.fold


def _get_scalar(m: pb.Scalar) -> lit.Primitive:
    kind = m.WhichOneof("value")
    try:
        if kind in _PLAIN:
            return getattr(m, kind)  # type: ignore[no-any-return]
        if kind == "none_value":
            return None
        if kind == "big_int_value":
            value = int.from_bytes(m.big_int_value[:16], "big", signed=True)
            raise _Malformed(f"big_int_value: {int64_detail(value)}")
        if kind == "datetime_value":
            return _get_datetime(m.datetime_value)
        if kind == "date_value":
            return _dt.date.fromordinal(m.date_value.days + _EPOCH_ORDINAL)
        if kind == "duration_value":
            d = m.duration_value
            return _dt.timedelta(seconds=d.seconds, microseconds=d.microseconds)
    except (ValueError, OverflowError) as e:
        raise _Malformed(f"invalid {kind}: {e}") from e
    raise _Malformed("Scalar has no value set")


def _get_datetime(m: pb.DateTime) -> _dt.datetime:
    value = _EPOCH + _dt.timedelta(seconds=m.wall_seconds, microseconds=m.microseconds)
    if m.HasField("utc_offset_microseconds"):
        tz: _dt.tzinfo
        if m.zone:
            import zoneinfo

            try:
                tz = zoneinfo.ZoneInfo(m.zone)
            except (KeyError, ValueError, OSError) as e:  # (ZoneInfoNotFoundError: KeyError)
                raise _Malformed(f"unknown time zone {m.zone!r} (install `tzdata`?)") from e
        else:
            tz = _dt.timezone(_dt.timedelta(microseconds=m.utc_offset_microseconds))
        value = value.replace(tzinfo=tz)
    elif m.zone:
        raise _Malformed(f"DateTime has zone {m.zone!r} but no UTC offset")
    return value.replace(fold=m.fold) if m.fold else value


# -------------------------------------------------------------------------------- literals
def _too_deep(what: str) -> _Malformed:
    return _Malformed(f"{what} nested deeper than {MAX_DEPTH} levels")


def _put_literal(out: pb.Literal, value: lit.LiteralValue, depth: int = 0) -> None:
    if not isinstance(value, lit.Literal):
        _put_scalar(out.scalar, value)
        return
    if depth >= MAX_DEPTH:
        raise _too_deep("a literal")
    try:
        _put_kind(out, value, depth)
        if value.hash is not None:
            out.hash = value.hash
        if value.metadata is not None:
            out.metadata.SetInParent()
            out.metadata.entries.update(value.metadata)
    except (TypeError, ValueError) as e:
        raise _Malformed(f"{type(value).__name__}: {e}") from e


def _put_kind(out: pb.Literal, value: lit.Literal, depth: int) -> None:
    if isinstance(value, lit.Scalar):
        _put_scalar(out.scalar, value.value)
    elif isinstance(value, lit.Collection):
        out.collection.SetInParent()
        items = out.collection.items
        try:
            for item in value.items:
                _put_literal(items.add(), item, depth + 1)
        except _Malformed as e:
            e.segments.append(f"[{len(items) - 1}]")
            raise
    elif isinstance(value, lit.Map):
        out.map.SetInParent()
        add_entry, key = out.map.entries.add, None
        try:
            for key, item in value.items.items():
                entry = add_entry()
                _put_scalar(entry.key, key)
                _put_literal(entry.value, item, depth + 1)
        except _Malformed as e:
            e.segments.append(f"[{key!r}]")
            raise
    elif isinstance(value, lit.UnionValue):
        out.union_value.variant = value.variant
        _put_literal(out.union_value.value, value.value, depth + 1)
    elif isinstance(value, lit.Binary):
        out.binary.tag, out.binary.data = value.tag, value.data
    elif isinstance(value, lit.Blob):
        b = out.blob
        b.uri, b.format, b.multipart = value.uri, value.format, value.multipart
    elif isinstance(value, lit.Table):
        t = out.table
        t.uri, t.format = value.uri, value.format
        t.columns.extend(value.columns)
    else:
        raise _Malformed(f"`{type(value).__qualname__}` is not a kind of Literal")


def _get_item(m: pb.Literal, depth: int) -> lit.LiteralValue:
    """A literal in the unboxed form used inside containers."""
    if m.WhichOneof("kind") == "scalar" and not m.HasField("hash") and not m.HasField("metadata"):
        return _get_scalar(m.scalar)
    return _get_literal(m, depth)


def _get_literal(m: pb.Literal, depth: int = 0) -> lit.Literal:
    if depth >= MAX_DEPTH:
        raise _too_deep("a literal")
    kind = m.WhichOneof("kind")
    hash_ = m.hash if m.HasField("hash") else None
    meta = dict(m.metadata.entries) if m.HasField("metadata") else None
    if kind == "scalar":
        return lit.Scalar(_get_scalar(m.scalar), hash=hash_, metadata=meta)
    if kind == "collection":
        items: list[lit.LiteralValue] = []
        try:
            for item in m.collection.items:
                items.append(_get_item(item, depth + 1))
        except _Malformed as e:
            e.segments.append(f"[{len(items)}]")
            raise
        return lit.Collection(tuple(items), hash=hash_, metadata=meta)
    if kind == "map":
        entries: dict[lit.Primitive, lit.LiteralValue] = {}
        key: Any = _NO_KEY
        try:
            for entry in m.map.entries:
                key = _NO_KEY
                key = _get_scalar(entry.key)
                if key in entries:
                    raise _Malformed(f"duplicate map key {key!r}")
                entries[key] = _get_item(entry.value, depth + 1)
        except _Malformed as e:
            e.segments.append("[<key>]" if key is _NO_KEY else f"[{key!r}]")
            raise
        return lit.Map(entries, hash=hash_, metadata=meta)
    if kind == "union_value":
        u = m.union_value
        if not u.HasField("value"):
            raise _Malformed(f"UnionValue of variant {u.variant!r} has no value")
        return lit.UnionValue(u.variant, _get_item(u.value, depth + 1), hash=hash_, metadata=meta)
    if kind == "binary":
        return lit.Binary(m.binary.tag, m.binary.data, hash=hash_, metadata=meta)
    if kind == "blob":
        b = m.blob
        return lit.Blob(b.uri, b.format, b.multipart, hash=hash_, metadata=meta)
    if kind == "table":
        t = m.table
        return lit.Table(t.uri, t.format, tuple(t.columns), hash=hash_, metadata=meta)
    raise _Malformed("Literal has no kind set")


# --------------------------------------------------------------------------- literal types
def _type_message(lt: typ.LiteralType, depth: int = 0) -> pb.LiteralType:
    from typesystem.proto import literals_pb2 as p

    if depth >= MAX_DEPTH:
        raise _too_deep("a literal type")

    body: Any
    if isinstance(lt, typ.SimpleType):
        field, body = "simple_type", p.SimpleType(kind=f"SIMPLE_KIND_{lt.kind.name}")
    elif isinstance(lt, typ.CollectionType):
        field, body = "collection_type", p.CollectionType(item=_type_message(lt.item, depth + 1))
    elif isinstance(lt, typ.MapType):
        value, key = _type_message(lt.value, depth + 1), _type_message(lt.key, depth + 1)
        field, body = "map_type", p.MapType(value=value, key=key)
    elif isinstance(lt, typ.TupleType):
        if lt.names is not None and len(lt.names) != len(lt.items):
            raise _Malformed(f"TupleType has {len(lt.names)} names for {len(lt.items)} items")
        names = None if lt.names is None else p.FieldNames(names=lt.names)
        items = [_type_message(item, depth + 1) for item in lt.items]
        field, body = "tuple_type", p.TupleType(items=items, names=names)
    elif isinstance(lt, typ.UnionType):
        variants = [
            p.UnionVariant(name=v.name, type=_type_message(v.type, depth + 1)) for v in lt.variants
        ]
        field, body = "union_type", p.UnionType(variants=variants)
    elif isinstance(lt, typ.EnumType):
        field, body = "enum_type", p.EnumType(name=lt.name)
        for v in lt.values:
            _put_scalar(body.values.add(), _enum_value(v))
    elif isinstance(lt, typ.StructType):
        fields = [
            p.StructField(name=f.name, type=_type_message(f.type, depth + 1), required=f.required)
            for f in lt.fields
        ]
        field, body = "struct_type", p.StructType(name=lt.name, fields=fields, format=lt.format)
    elif isinstance(lt, typ.RefType):
        field, body = "ref_type", p.RefType(name=lt.name)
    elif isinstance(lt, typ.BinaryType):
        field, body = "binary_type", p.BinaryType(format=lt.format, python_type=lt.python_type)
    elif isinstance(lt, typ.BlobType):
        field, body = "blob_type", p.BlobType(format=lt.format, multipart=lt.multipart)
    elif isinstance(lt, typ.TableType):
        columns = [p.Column(name=c.name, type=_type_message(c.type, depth + 1)) for c in lt.columns]
        field, body = "table_type", p.TableType(format=lt.format, columns=columns)
    else:
        raise _Malformed(f"`{type(lt).__qualname__}` is not a kind of LiteralType")
    out = p.LiteralType(tag=lt.tag)
    getattr(out, field).CopyFrom(body)
    return out


def _enum_value(value: object) -> str | int:
    if isinstance(value, str | int) and not isinstance(value, bool):
        return value
    raise _Malformed(f"Expected an enum value of type `str` or `int`, got `{type(value).__name__}`")


def _required(parent: Any, field: str, depth: int) -> typ.LiteralType:
    """Decode the ``LiteralType`` that ``parent.<field>`` must hold."""
    if not parent.HasField(field):
        raise _Malformed(f"{type(parent).__name__}.{field} is missing")
    return _get_type(getattr(parent, field), depth + 1)


def _get_type(m: pb.LiteralType, depth: int = 0) -> typ.LiteralType:
    if depth >= MAX_DEPTH:
        raise _too_deep("a literal type")
    kind, tag = m.WhichOneof("kind"), m.tag
    if kind == "simple_type":
        from typesystem.proto import literals_pb2

        number = m.simple_type.kind
        try:
            name = literals_pb2.SimpleKind.Name(number).removeprefix("SIMPLE_KIND_")
            return typ.SimpleType(typ.SimpleKind[name], tag=tag)
        except (ValueError, KeyError):
            raise _Malformed(f"SimpleType.kind must name a kind, got {number}") from None
    if kind == "collection_type":
        return typ.CollectionType(_required(m.collection_type, "item", depth), tag=tag)
    if kind == "map_type":
        mt = m.map_type
        return typ.MapType(_required(mt, "value", depth), _required(mt, "key", depth), tag=tag)
    if kind == "tuple_type":
        t = m.tuple_type
        items = tuple(_get_type(item, depth + 1) for item in t.items)
        names = tuple(t.names.names) if t.HasField("names") else None
        if names is not None and len(names) != len(items):
            raise _Malformed(f"TupleType has {len(names)} names for {len(items)} items")
        return typ.TupleType(items, names, tag=tag)
    if kind == "union_type":
        variants = tuple(
            typ.UnionVariant(v.name, _required(v, "type", depth)) for v in m.union_type.variants
        )
        return typ.UnionType(variants, tag=tag)
    if kind == "enum_type":
        values = tuple(_enum_value(_get_scalar(v)) for v in m.enum_type.values)
        return typ.EnumType(values, m.enum_type.name, tag=tag)
    if kind == "struct_type":
        s = m.struct_type
        fields = tuple(
            typ.StructField(f.name, _required(f, "type", depth), f.required) for f in s.fields
        )
        return typ.StructType(s.name, fields, s.format, tag=tag)
    if kind == "ref_type":
        return typ.RefType(m.ref_type.name, tag=tag)
    if kind == "binary_type":
        return typ.BinaryType(m.binary_type.format, m.binary_type.python_type, tag=tag)
    if kind == "blob_type":
        return typ.BlobType(m.blob_type.format, m.blob_type.multipart, tag=tag)
    if kind == "table_type":
        columns = tuple(
            typ.Column(c.name, _required(c, "type", depth)) for c in m.table_type.columns
        )
        return typ.TableType(m.table_type.format, columns, tag=tag)
    raise _Malformed("LiteralType has no kind set")


# ------------------------------------------------------------------------------ public API
def literal_to_proto(literal: lit.Literal) -> pb.Literal:
    """The ``Literal`` message of ``literal``; raises ``EncodingError`` naming the failing path."""
    return _reporting("encode literal as protobuf", _literal_message, literal)


def literal_from_proto(message: pb.Literal) -> lit.Literal:
    """The ``Literal`` a message holds, with containers' items in the canonical unboxed form."""
    return _reporting("decode literal from protobuf", _get_literal, message)


def literal_type_to_proto(literal_type: typ.LiteralType) -> pb.LiteralType:
    """The ``LiteralType`` message of ``literal_type``."""
    return _reporting("encode literal type as protobuf", _type_message, literal_type)


def literal_type_from_proto(message: pb.LiteralType) -> typ.LiteralType:
    """The ``LiteralType`` a message describes."""
    return _reporting("decode literal type from protobuf", _get_type, message)


def literal_to_proto_bytes(literal: lit.Literal) -> bytes:
    """``literal`` as serialised protobuf (deterministic: one literal, one byte string)."""
    return literal_to_proto(literal).SerializeToString(deterministic=True)


def literal_from_proto_bytes(data: bytes) -> lit.Literal:
    """Decode bytes written by ``literal_to_proto_bytes``."""
    return literal_from_proto(_parse("Literal", data))


def literal_type_to_proto_bytes(literal_type: typ.LiteralType) -> bytes:
    """``literal_type`` as serialised protobuf (deterministic)."""
    return literal_type_to_proto(literal_type).SerializeToString(deterministic=True)


def literal_type_from_proto_bytes(data: bytes) -> typ.LiteralType:
    """Decode bytes written by ``literal_type_to_proto_bytes``."""
    return literal_type_from_proto(_parse("LiteralType", data))


def _literal_message(literal: lit.Literal) -> pb.Literal:
    from typesystem.proto import literals_pb2

    out = literals_pb2.Literal()
    _put_literal(out, literal)
    return out


def _reporting(action: str, convert: Callable[[_A], _R], arg: _A) -> _R:
    try:
        return convert(arg)
    except _Malformed as e:
        raise e.error(action) from e.__cause__
    except AttributeError as e:  # a message of another kind, or not a message
        raise EncodingError(
            f"cannot {action}: `{type(arg).__qualname__}` is not a message of the right kind"
        ) from e
    except RecursionError as e:
        raise EncodingError(f"cannot {action}: nested too deeply") from e
    except (TypeError, ValueError, OverflowError, KeyError, IndexError) as e:
        raise EncodingError(f"cannot {action}: {e}") from e


def _parse(message_name: str, data: bytes) -> Any:
    from google.protobuf.message import DecodeError

    from typesystem.proto import literals_pb2

    if not isinstance(data, bytes | bytearray | memoryview):
        raise EncodingError(
            f"cannot decode a protobuf {message_name}: expected bytes, got `{type(data).__name__}`"
        )
    try:
        return getattr(literals_pb2, message_name).FromString(bytes(data))
    except (DecodeError, SystemError) as e:  # (upb has raised SystemError on odd input)
        raise EncodingError(
            f"bytes are not a protobuf {message_name} ({len(data)} bytes): {e} (truncated or "
            "corrupt, or nested deeper than the 100 messages protobuf's parser allows)"
        ) from e
