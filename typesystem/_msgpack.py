"""msgpack, the native encoding of literals (storage, cache, inter-process).

The encoding is self-describing: a literal decodes without its ``LiteralType``.

- primitives are msgpack's own (nil, bool, int, float, str, bin); ``datetime``, ``date`` and
  ``timedelta`` are extension types 1, 2 and 3;
- ``Scalar`` is its value, ``Collection`` an array, ``Map`` a map;
- ``UnionValue``, ``Binary``, ``Blob`` and ``Table`` are extension types 11 to 14;
- a literal with a ``hash`` or ``metadata`` is wrapped in extension type 20.

``pack_plain``/``unpack_plain`` encode plain Python data (untyped dicts and lists) with the same
extension types for dates and durations.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import msgpack

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
)
from typesystem.errors import EncodingError

EXT_DATETIME = 1
EXT_DATE = 2
EXT_TIMEDELTA = 3
EXT_UNION = 11
EXT_BINARY = 12
EXT_BLOB = 13
EXT_TABLE = 14
EXT_WRAPPED = 20


_SPECIAL = (_dt.datetime, _dt.date, _dt.timedelta)


def _pack_datetime(v: _dt.datetime) -> msgpack.ExtType:
    key = getattr(v.tzinfo, "key", None)
    return msgpack.ExtType(EXT_DATETIME, msgpack.packb([v.isoformat(), key, v.fold]))


def _unpack_datetime(data: bytes) -> _dt.datetime:
    iso, key, fold = msgpack.unpackb(data)
    value = _dt.datetime.fromisoformat(iso)
    if key is not None:
        import zoneinfo

        value = value.replace(tzinfo=zoneinfo.ZoneInfo(key))
    return value.replace(fold=fold) if fold else value


def _default_plain(obj: Any) -> Any:
    t = type(obj)
    if t is _dt.datetime:
        return _pack_datetime(obj)
    if t is _dt.date:
        return msgpack.ExtType(EXT_DATE, obj.isoformat().encode())
    if t is _dt.timedelta:
        return msgpack.ExtType(
            EXT_TIMEDELTA, msgpack.packb([obj.days, obj.seconds, obj.microseconds])
        )
    if isinstance(obj, set | frozenset):
        return sorted(obj, key=repr)
    raise TypeError(f"cannot encode a value of type `{t.__qualname__}` as msgpack")


def _ext_plain(code: int, data: bytes) -> Any:
    if code == EXT_DATETIME:
        return _unpack_datetime(data)
    if code == EXT_DATE:
        return _dt.date.fromisoformat(data.decode())
    if code == EXT_TIMEDELTA:
        days, seconds, micros = msgpack.unpackb(data)
        return _dt.timedelta(days=days, seconds=seconds, microseconds=micros)
    return msgpack.ExtType(code, data)


def pack_plain(obj: Any) -> bytes:
    """Encode plain Python data (dicts, lists, scalars, dates) as msgpack."""
    return msgpack.packb(obj, default=_default_plain, use_bin_type=True)


def unpack_plain(data: bytes) -> Any:
    """Decode what ``pack_plain`` wrote (maps may have non-str keys)."""
    return msgpack.unpackb(data, ext_hook=_ext_plain, strict_map_key=False, raw=False)


def _bare(lit: Literal) -> Any:
    """The encodable form of ``lit`` ignoring its hash and metadata."""
    t = type(lit)
    if t is Scalar:
        value = lit.value  # type: ignore[attr-defined]
        return _default_plain(value) if type(value) in _SPECIAL else value
    if t is Collection:
        return lit.items  # type: ignore[attr-defined]
    if t is Map:
        items = lit.items  # type: ignore[attr-defined]
        return items if type(items) is dict else dict(items)
    if t is UnionValue:
        inner = _pack_value(lit.value)  # type: ignore[attr-defined]
        return msgpack.ExtType(EXT_UNION, msgpack.packb([lit.variant, inner]))  # type: ignore[attr-defined]
    if t is Binary:
        return msgpack.ExtType(EXT_BINARY, msgpack.packb([lit.tag, lit.data]))  # type: ignore[attr-defined]
    if t is Blob:
        return msgpack.ExtType(
            EXT_BLOB,
            msgpack.packb([lit.uri, lit.format, lit.multipart]),  # type: ignore[attr-defined]
        )
    if t is Table:
        return msgpack.ExtType(
            EXT_TABLE,
            msgpack.packb([lit.uri, lit.format, list(lit.columns)]),  # type: ignore[attr-defined]
        )
    raise TypeError(f"not a literal: {lit!r}")


def _default_literal(obj: Any) -> Any:
    if isinstance(obj, Literal):
        if obj.hash is None and obj.metadata is None:
            return _bare(obj)
        meta = dict(obj.metadata) if obj.metadata is not None else None
        return msgpack.ExtType(
            EXT_WRAPPED, msgpack.packb([obj.hash, meta, _pack_value(_bare(obj))])
        )
    return _default_plain(obj)


def _pack_value(value: Any) -> bytes:
    return msgpack.packb(value, default=_default_literal, use_bin_type=True)


def _ext_literal(code: int, data: bytes) -> Any:
    if code == EXT_UNION:
        variant, inner = msgpack.unpackb(data)
        return UnionValue(variant, _unpack_value(inner))
    if code == EXT_BINARY:
        tag, payload = msgpack.unpackb(data)
        return Binary(tag, payload)
    if code == EXT_BLOB:
        uri, fmt, multipart = msgpack.unpackb(data)
        return Blob(uri, fmt, multipart)
    if code == EXT_TABLE:
        uri, fmt, columns = msgpack.unpackb(data)
        return Table(uri, fmt, tuple(columns))
    if code == EXT_WRAPPED:
        hash_, meta, inner = msgpack.unpackb(data)
        bare = _unpack_value(inner)
        return _rewrap(bare, hash_, meta)
    return _ext_plain(code, data)


def _rewrap(bare: LiteralValue, hash_: str | None, meta: dict[str, str] | None) -> Literal:
    lit = bare if isinstance(bare, Literal) else Scalar(bare)
    fields = {f: getattr(lit, f) for f in lit.__dataclass_fields__}
    fields["hash"] = hash_
    fields["metadata"] = meta
    return type(lit)(**fields)


def _list_hook(items: list[Any]) -> Collection:
    return Collection(tuple(items))


def _unpack_value(data: bytes) -> LiteralValue:
    result: LiteralValue = msgpack.unpackb(
        data,
        ext_hook=_ext_literal,
        list_hook=_list_hook,
        object_hook=Map,
        strict_map_key=False,
        raw=False,
    )
    return result


def to_msgpack(literal: Literal) -> bytes:
    """Encode a literal as self-describing msgpack bytes."""
    try:
        return _pack_value(literal)
    except (TypeError, ValueError, OverflowError) as e:
        raise EncodingError(f"cannot encode literal as msgpack: {e}") from e


def from_msgpack(data: bytes) -> Literal:
    """Decode bytes written by ``to_msgpack``."""
    try:
        value = _unpack_value(data)
    except (ValueError, TypeError, msgpack.UnpackException) as e:
        raise EncodingError(
            f"bytes are not a msgpack-encoded literal ({len(data)} bytes): {e}"
        ) from e
    return value if isinstance(value, Literal) else Scalar(value)
