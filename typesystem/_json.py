"""JSON forms of literals (CLI input, display) and JSON Schema of literal types.

``literal_to_json(literal, lt)`` gives the plain JSON a user would write: numbers, strings, lists,
objects; datetimes and dates as ISO 8601, durations as seconds, bytes as base64, files as their
URI, records as objects. ``literal_from_json(data, lt)`` reads that form back, guided by the
literal type (JSON alone cannot tell an int from a float or a date from a string).
``json_schema(lt)`` describes the same form; it drives CLI flags and documentation.

``literal_from_json`` reads user input, so it checks what typed decoding cannot see: ints are
int64, durations fit ``timedelta`` (parsed by ``_durations``), bytes are base64, and untyped parts
(``Any``, recursive records) nest at most ``MAX_DEPTH`` levels and hold int64 ints only. It
raises ``ConversionError`` listing every failing path, and nothing else.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
from typing import Any

# (re-exported: flytelike reads duration settings with ``typesystem._json.parse_duration``)
from typesystem._durations import format_duration as format_duration
from typesystem._durations import parse_duration as parse_duration
from typesystem._limits import DURATION_RANGE, INT64_MAX, INT64_MIN, int64_detail, plain_issue
from typesystem._literals import (
    Binary,
    Blob,
    Collection,
    Literal,
    LiteralValue,
    Map,
    Scalar,
    Table,
    UnionValue,
    box,
    unbox,
)
from typesystem._msgpack import from_msgpack, pack_plain, to_msgpack, unpack_plain
from typesystem._render import render
from typesystem._types import (
    BinaryType,
    BlobType,
    CollectionType,
    EnumType,
    LiteralType,
    MapType,
    RefType,
    SimpleKind,
    SimpleType,
    StructType,
    TableType,
    TupleType,
    UnionType,
)
from typesystem.errors import ConversionError, Issue


# ---------------------------------------------------------------------------- to JSON
def _scalar_to_json(v: Any) -> Any:
    if isinstance(v, _dt.datetime | _dt.date):
        return v.isoformat()
    if isinstance(v, _dt.timedelta):
        return format_duration(v)
    if isinstance(v, bytes):
        return base64.b64encode(v).decode()
    return v


def _plain_to_json(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _plain_to_json(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_plain_to_json(x) for x in v]
    return _scalar_to_json(v)


# Records whose stored form is their JSON form (pydantic models, TypedDicts); inside a
# dataclass they are fields stored as literal bytes.
_JSON_RECORDS = ("pydantic", "typeddict")


def _is_record_native(lt: LiteralType) -> bool:
    """Whether a record field of this type is stored by mashumaro itself (not as literal bytes)."""
    if isinstance(lt, SimpleType):
        return not lt.tag
    if isinstance(lt, StructType):
        return lt.tag not in _JSON_RECORDS
    if isinstance(lt, BinaryType):
        return lt.format == "msgpack"
    return not isinstance(lt, BlobType | TableType)


def _record_to_json(v: Any, lt: LiteralType | None) -> Any:
    """JSON from a record's mashumaro form, decoding fields stored as literal bytes."""
    if lt is None:
        return _plain_to_json(v)
    if not _is_record_native(lt) and isinstance(v, bytes):
        return literal_to_json(from_msgpack(v), lt)
    match lt:
        case StructType(fields=fields) if isinstance(v, dict):
            by_name = {f.name: f.type for f in fields}
            return {k: _record_to_json(x, by_name.get(k)) for k, x in v.items()}
        case CollectionType(item=item) if isinstance(v, list):
            return [_record_to_json(x, item) for x in v]
        case MapType(value=value) if isinstance(v, dict):
            return {str(k): _record_to_json(x, value) for k, x in v.items()}
        case TupleType(items=items) if isinstance(v, list) and len(v) == len(items):
            return [_record_to_json(x, t) for x, t in zip(v, items, strict=True)]
        case SimpleType(kind=SimpleKind.DURATION) if isinstance(v, list):
            return format_duration(_dt.timedelta(days=v[0], seconds=v[1], microseconds=v[2]))
        case UnionType(variants=variants) if v is not None:
            for variant in variants:
                if _shape_fits(v, variant.type):
                    return _record_to_json(v, variant.type)
    return _plain_to_json(v)


def _shape_fits(v: Any, lt: LiteralType) -> bool:
    """Whether a record-form value could be of ``lt`` (to render union fields)."""
    if isinstance(lt, SimpleType) and lt.kind is SimpleKind.DURATION:
        return isinstance(v, list) and len(v) == 3
    if isinstance(v, dict):
        return isinstance(lt, StructType | MapType | RefType)
    if isinstance(v, list):
        return isinstance(lt, CollectionType | TupleType)
    return True


def literal_to_json(literal: LiteralValue, lt: LiteralType | None = None) -> Any:
    """The plain JSON form of a literal (``lt`` improves records and nested offloaded values)."""
    v = unbox(literal)
    if not isinstance(v, Literal):
        return _scalar_to_json(v)
    if isinstance(v, Scalar):
        return _scalar_to_json(v.value)
    if isinstance(v, Collection):
        items = lt.items if isinstance(lt, TupleType) else None
        item = lt.item if isinstance(lt, CollectionType) else None
        return [literal_to_json(x, items[i] if items else item) for i, x in enumerate(v.items)]
    if isinstance(v, Map):
        value_t = lt.value if isinstance(lt, MapType) else None
        return {str(k): literal_to_json(x, value_t) for k, x in v.items.items()}
    if isinstance(v, UnionValue):
        variant = None
        if isinstance(lt, UnionType):
            variant = next((x.type for x in lt.variants if x.name == v.variant), None)
        return literal_to_json(v.value, variant)
    if isinstance(v, Binary):
        if v.tag == "msgpack":
            return _record_to_json(unpack_plain(v.data), lt)
        return {"tag": v.tag, "base64": base64.b64encode(v.data).decode()}
    if isinstance(v, Blob):
        return v.uri
    if isinstance(v, Table):
        return {"uri": v.uri, "format": v.format, "columns": list(v.columns)}
    raise TypeError(f"not a literal: {literal!r}")


# ---------------------------------------------------------------------------- from JSON
def _fail(lt: LiteralType, data: Any, detail: str = "") -> ConversionError:
    got = "null" if data is None else type(data).__name__
    return ConversionError([Issue("$", render(lt), got, detail)])


def _simple_from_json(data: Any, lt: SimpleType) -> Any:
    k = lt.kind
    try:
        if k is SimpleKind.NONE and data is None:
            return None
        if k is SimpleKind.INTEGER and type(data) in (int, float):
            if type(data) is float and not data.is_integer():
                raise ValueError(f"{data!r} is not a whole number")
            value = int(data)
            if not INT64_MIN <= value <= INT64_MAX:
                raise ValueError(int64_detail(value))
            return value
        if k is SimpleKind.FLOAT and type(data) in (int, float):
            return float(data)  # (OverflowError for ints beyond 1.8e308)
        if k is SimpleKind.STRING and isinstance(data, str):
            return data
        if k is SimpleKind.BOOLEAN and type(data) is bool:
            return data
        if k is SimpleKind.BYTES and isinstance(data, str):
            return base64.b64decode(data, validate=True)
        if k is SimpleKind.DATETIME and isinstance(data, str):
            return _dt.datetime.fromisoformat(data)
        if k is SimpleKind.DATE and isinstance(data, str):
            return _dt.date.fromisoformat(data)
        if k is SimpleKind.DATETIME and type(data) is _dt.datetime:  # (YAML reads timestamps)
            return data
        if k is SimpleKind.DATE and type(data) is _dt.date:
            return data
        if k is SimpleKind.DURATION and type(data) in (int, float):
            return _dt.timedelta(seconds=data)
        if k is SimpleKind.DURATION and isinstance(data, str):
            return parse_duration(data)
    except OverflowError as e:
        detail = DURATION_RANGE if k is SimpleKind.DURATION else "too large for a float"
        raise _fail(lt, data, detail) from e
    except ValueError as e:  # (binascii.Error is a ValueError)
        raise _fail(lt, data, str(e)) from e
    raise _fail(lt, data)


def _plain_from_json(data: Any, what: str) -> bytes:
    """Untyped data (``Any``, a recursive record's fields) as plain msgpack, within the limits."""
    issue = plain_issue(data)
    if issue is not None:
        where, got, detail = issue
        raise ConversionError([Issue(where, what, got, detail)])
    try:
        return pack_plain(data)
    except (TypeError, ValueError, OverflowError) as e:
        raise ConversionError([Issue("$", what, type(data).__name__, str(e))]) from e


def _items(
    data: Any, lts: list[LiteralType], keys: list[Any] | None = None
) -> tuple[LiteralValue, ...]:
    """``data``'s items read as ``lts``; errors are under ``$[i]`` (``$['key']`` for objects)."""
    out: list[LiteralValue] = []
    errors: list[Issue] = []
    for i, (x, t) in enumerate(zip(data, lts, strict=True)):
        try:
            out.append(_from_json(x, t))
        except ConversionError as e:
            errors.extend(e.with_prefix(f"$[{i}]" if keys is None else f"$[{keys[i]!r}]").issues)
    if errors:
        raise ConversionError(errors)
    return tuple(out)


def _record_scalar(v: Any) -> Any:
    if isinstance(v, _dt.datetime | _dt.date):
        return v.isoformat()
    if isinstance(v, _dt.timedelta):
        return [v.days, v.seconds, v.microseconds]
    return v


def _record_items(pairs: list[tuple[str, Any, LiteralType]]) -> list[Any]:
    out: list[Any] = []
    errors: list[Issue] = []
    for where, x, t in pairs:
        try:
            out.append(_to_record_form(x, t))
        except ConversionError as e:
            errors.extend(e.with_prefix(where).issues)
    if errors:
        raise ConversionError(errors)
    return out


def _to_record_form(data: Any, lt: LiteralType) -> Any:
    """JSON -> the plain structure mashumaro's msgpack decoder reads (validated)."""
    if not _is_record_native(lt):
        return to_msgpack(box(_from_json(data, lt)))
    match lt:
        case SimpleType(kind=kind):
            return _record_scalar(_simple_from_json(data, SimpleType(kind)))
        case EnumType():
            return _from_json(data, lt)
        case UnionType(variants=variants):
            failures = []
            for variant in variants:
                try:
                    return _to_record_form(data, variant.type)
                except ConversionError as e:
                    failures.append(f"as `{variant.name}`: {e.issues[0]}")
            raise _fail(lt, data, "no variant accepts it: " + "; ".join(failures))
        case StructType(fields=fields):
            if not isinstance(data, dict):
                raise _fail(lt, data, "expected a JSON object")
            by_name = {f.name: f for f in fields}
            unknown = [
                Issue(f"$.{k}", "a known field", "unknown field", render(lt))
                for k in data
                if k not in by_name
            ]
            missing = [
                Issue(f"$.{f.name}", "a value", "nothing", "required field")
                for f in fields
                if f.required and f.name not in data
            ]
            try:
                values = _record_items(
                    [(f"$.{k}", v, by_name[k].type) for k, v in data.items() if k in by_name]
                )
            except ConversionError as e:
                raise ConversionError([*e.issues, *unknown, *missing]) from None
            if unknown or missing:
                raise ConversionError([*unknown, *missing])
            return dict(zip([k for k in data if k in by_name], values, strict=True))
        case CollectionType(item=item):
            if not isinstance(data, list):
                raise _fail(lt, data, "expected a JSON array")
            return _record_items([(f"$[{i}]", x, item) for i, x in enumerate(data)])
        case TupleType(items=items):
            if not isinstance(data, list) or len(data) != len(items):
                raise _fail(lt, data, f"expected an array of {len(items)} items")
            return _record_items(
                [(f"$[{i}]", x, t) for i, (x, t) in enumerate(zip(data, items, strict=True))]
            )
        case MapType(value=value, key=key):
            if not isinstance(data, dict):
                raise _fail(lt, data, "expected a JSON object")
            values = _record_items([(f"$[{k!r}]", x, value) for k, x in data.items()])
            return dict(zip(_keys_from_json(data, key), values, strict=True))
    issue = plain_issue(data)
    if issue is not None:
        where, got, detail = issue
        raise ConversionError([Issue(where, render(lt), got, detail)])
    return data


def _from_json(data: Any, lt: LiteralType) -> LiteralValue:
    match lt:
        case SimpleType():
            scalar: LiteralValue = _simple_from_json(data, SimpleType(lt.kind))
            return scalar
        case CollectionType(item=item):
            if not isinstance(data, list):
                raise _fail(lt, data, "expected a JSON array")
            return Collection(_items(data, [item] * len(data)))
        case TupleType(items=items, names=names):
            if names and isinstance(data, dict):
                data = [data.get(n) for n in names]
            if not isinstance(data, list) or len(data) != len(items):
                raise _fail(lt, data, f"expected an array of {len(items)} items")
            return Collection(_items(data, list(items)))
        case MapType(value=value, key=key):
            if not isinstance(data, dict):
                raise _fail(lt, data, "expected a JSON object")
            keys = _keys_from_json(data, key)
            values = _items(list(data.values()), [value] * len(data), list(data))
            return Map(dict(zip(keys, values, strict=True)))
        case UnionType(variants=variants):
            failures = []
            for variant in variants:
                try:
                    return UnionValue(variant.name, _from_json(data, variant.type))
                except ConversionError as e:
                    failures.append(f"as `{variant.name}`: {e.issues[0]}")
            raise _fail(lt, data, "no variant accepts it: " + "; ".join(failures))
        case EnumType(values=values):
            if data in values and type(data) in (str, int):
                return data  # type: ignore[no-any-return]
            raise _fail(lt, data, f"one of {list(values)}")
        case StructType(tag=tag) if tag in _JSON_RECORDS:
            # (checked by the model or TypedDict when read; reading it as a record would recurse)
            if not isinstance(data, dict):
                raise _fail(lt, data, "expected a JSON object")
            return Binary("msgpack", _plain_from_json(data, render(lt)))
        case StructType() | RefType():
            return Binary("msgpack", _plain_from_json(_to_record_form(data, lt), render(lt)))
        case BinaryType(format="msgpack"):
            return Binary("msgpack", _plain_from_json(data, render(lt)))
        case BinaryType(format=fmt):
            if isinstance(data, dict) and isinstance(data.get("base64"), str):
                try:
                    return Binary(fmt, base64.b64decode(data["base64"], validate=True))
                except binascii.Error as e:
                    raise _fail(lt, data, f"`base64` is not base64: {e}") from e
            raise _fail(lt, data, 'expected {"base64": "<base64 text>"}')
        case BlobType(format=fmt, multipart=multipart):
            if isinstance(data, str):
                return Blob(data, fmt, multipart)
            raise _fail(lt, data, "expected a path or URI string")
        case TableType(format=fmt):
            if isinstance(data, str):
                return Table(data, fmt or "parquet")
            if isinstance(data, dict) and _is_table_form(data):
                return Table(data["uri"], data.get("format", fmt), tuple(data.get("columns", ())))
            raise _fail(lt, data, 'expected a URI string or {"uri": str, "columns": [str, ...]}')
    raise _fail(lt, data, "unsupported literal type")


def _is_table_form(data: dict[Any, Any]) -> bool:
    columns = data.get("columns", ())
    return (
        isinstance(data.get("uri"), str)
        and isinstance(data.get("format", ""), str)
        and isinstance(columns, list | tuple)
        and all(isinstance(c, str) for c in columns)
    )


def _keys_from_json(data: dict[Any, Any], lt: LiteralType) -> list[Any]:
    """The keys of a JSON object as keys of type ``lt``; errors name every bad key."""
    keys: list[Any] = []
    errors: list[Issue] = []
    for k in data:
        try:
            keys.append(_key_from_json(k, lt))
        except ValueError as e:
            errors.append(
                Issue(f"$[{k!r:.60}]", f"a key of type `{render(lt)}`", repr(k)[:60], str(e))
            )
    if errors:
        raise ConversionError(errors)
    return keys


def _key_from_json(k: Any, lt: LiteralType) -> Any:
    kind = lt.kind if isinstance(lt, SimpleType) else None
    if kind is SimpleKind.INTEGER:
        value = int(k) if type(k) in (str, int) else None  # (YAML keys may be ints)
        if value is None:
            raise ValueError("expected an integer key")
        if not INT64_MIN <= value <= INT64_MAX:
            raise ValueError(int64_detail(value))
        return value
    if kind is SimpleKind.FLOAT:
        if type(k) not in (str, int, float):
            raise ValueError("expected a number key")
        return float(k)
    if kind is SimpleKind.BOOLEAN:
        if k in ("true", "false") or type(k) is bool:
            return k in ("true", True)
        raise ValueError('expected "true" or "false"')
    if kind is SimpleKind.STRING and not isinstance(k, str):
        raise ValueError("expected a string key")
    return k


def literal_from_json(data: Any, lt: LiteralType) -> Literal:
    """Read the plain JSON form of a value of type ``lt``; errors list every failing path.

    Raises ``ConversionError`` (and nothing else) for data that does not fit ``lt``: ints outside
    int64, durations beyond what ``timedelta`` holds, text that is not base64 or ISO 8601, and
    untyped parts (``Any``, recursive records) nested deeper than ``MAX_DEPTH``.
    """
    try:
        return box(_from_json(data, lt))
    except RecursionError as e:
        raise ConversionError(
            [Issue("$", render(lt), type(data).__name__, "nested too deeply to convert")]
        ) from e


# ---------------------------------------------------------------------------- JSON Schema
_SIMPLE_SCHEMA: dict[SimpleKind, dict[str, Any]] = {
    SimpleKind.NONE: {"type": "null"},
    SimpleKind.INTEGER: {"type": "integer"},
    SimpleKind.FLOAT: {"type": "number"},
    SimpleKind.STRING: {"type": "string"},
    SimpleKind.BOOLEAN: {"type": "boolean"},
    SimpleKind.BYTES: {"type": "string", "contentEncoding": "base64"},
    SimpleKind.DATETIME: {"type": "string", "format": "date-time"},
    SimpleKind.DATE: {"type": "string", "format": "date"},
    SimpleKind.DURATION: {"type": "string", "format": "duration"},
}


def json_schema(lt: LiteralType) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) for the JSON form of values of ``lt``."""
    defs: dict[str, Any] = {}
    schema = _schema(lt, defs)
    if defs:
        schema = {**schema, "$defs": defs}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def _schema(lt: LiteralType, defs: dict[str, Any]) -> dict[str, Any]:
    match lt:
        case SimpleType(kind=kind):
            return dict(_SIMPLE_SCHEMA[kind])
        case CollectionType(item=item):
            return {"type": "array", "items": _schema(item, defs)}
        case MapType(value=value):
            return {"type": "object", "additionalProperties": _schema(value, defs)}
        case TupleType(items=items, names=names):
            if names:
                return {
                    "type": "object",
                    "properties": {n: _schema(i, defs) for n, i in zip(names, items, strict=True)},
                    "required": list(names),
                }
            return {
                "type": "array",
                "prefixItems": [_schema(i, defs) for i in items],
                "minItems": len(items),
                "maxItems": len(items),
            }
        case UnionType(variants=variants):
            return {"anyOf": [_schema(v.type, defs) for v in variants]}
        case EnumType(values=values):
            return {"enum": list(values)}
        case StructType(name=name, fields=fields):
            short = name.rsplit(".", 1)[-1]
            if name not in defs:
                defs[name] = {}
                defs[name] = {
                    "title": short,
                    "type": "object",
                    "properties": {f.name: _schema(f.type, defs) for f in fields},
                    "required": [f.name for f in fields if f.required],
                    "additionalProperties": False,
                }
            return {"$ref": f"#/$defs/{name}"}
        case RefType(name=name):
            return {"$ref": f"#/$defs/{name}"}
        case BinaryType(format="msgpack"):
            return {}
        case BinaryType():
            return {"type": "object", "properties": {"base64": {"type": "string"}}}
        case BlobType(multipart=multipart):
            return {
                "type": "string",
                "format": "uri",
                "description": "directory" if multipart else "file",
            }
        case TableType():
            return {"type": "string", "format": "uri", "description": "dataframe"}
    return {}
