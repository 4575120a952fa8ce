"""msgpack, the native encoding of literals (storage, cache, inter-process).

The encoding is self-describing: a literal decodes without its ``LiteralType``.

- primitives are msgpack's own (nil, bool, int, float, str, bin); ``datetime``, ``date`` and
  ``timedelta`` are extension types 1, 2 and 3;
- ``Scalar`` is its value, ``Collection`` an array, ``Map`` a map;
- ``UnionValue``, ``Binary``, ``Blob`` and ``Table`` are extension types 11 to 14;
- a literal with a ``hash`` or ``metadata`` is wrapped in extension type 20.

``pack_plain``/``unpack_plain`` encode plain Python data (untyped dicts and lists) with the same
extension types for dates and durations.

Decoding errors
---------------
``from_msgpack`` and ``unpack_plain`` raise ``EncodingError`` and nothing else, for any bytes:
truncated or trailing data, invalid UTF-8, unknown extension types, malformed extension payloads
(a union value whose variant is not a string, an unknown time zone, a duration beyond what
``timedelta`` holds), and union values or hash/metadata wrappers nested deeper than
``MAX_DEPTH`` (each level is a nested decode holding about 45 KB of C stack; arrays and maps
nest up to msgpack's own limit of 1024 levels, without recursion).

Integers: ``from_msgpack`` refuses any int above int64 (msgpack's uint64 range), wherever it
stands (the whole value, array items, map keys and values, union values). msgpack-python has no
per-int hook and walking every result costs 60-70% more on large lists, so the bytes are
scanned first: msgpack can only write such an int as ``uint 64`` (marker 0xcf) with its high bit
set, so unless the bytes hold 0xcf followed by a byte >= 0x80 no int can be out of range, and
only then is the decoded value walked (a string or binary payload that happens to hold those
two bytes costs the walk, never a wrong answer). ``unpack_plain`` keeps msgpack's full range:
plain data belongs to records and models, which check their own fields.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from typing import Any

import msgpack

from typesystem._limits import DURATION_RANGE, INT64_MAX, MAX_DEPTH, int64_detail
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


_SHAPES = {
    EXT_DATETIME: "datetime (extension 1): expected [iso: str, zone: str|nil, fold: 0|1]",
    EXT_DATE: "date (extension 2): expected an ISO 8601 date",
    EXT_TIMEDELTA: "timedelta (extension 3): expected [days: int, seconds: int, microseconds: int]",
    EXT_UNION: "union value (extension 11): expected [variant: str, value: bytes]",
    EXT_BINARY: "binary (extension 12): expected [tag: str, data: bytes]",
    EXT_BLOB: "blob (extension 13): expected [uri: str, format: str, multipart: bool]",
    EXT_TABLE: "table (extension 14): expected [uri: str, format: str, columns: [str, ...]]",
    EXT_WRAPPED: "wrapper (extension 20): expected [hash: str|nil, metadata: {str: str}|nil, "
    "value: bytes]",
}


class _BadExt(Exception):
    """A malformed extension payload; the public decoders turn it into ``EncodingError``."""


def _bad(code: int, cause: BaseException | str | None = None) -> _BadExt:
    detail = f" ({cause})" if isinstance(cause, str) else ""
    return _BadExt(_SHAPES[code] + detail)


# The payloads are unpacked inline, inside try blocks (free when nothing is raised): extension
# values are decoded once per item (a list of datetimes, of optionals, of records).
def _unpack_datetime(data: bytes) -> _dt.datetime:
    try:
        iso, key, fold = msgpack.unpackb(data)
        value = _dt.datetime.fromisoformat(iso)
        if fold:
            value = value.replace(fold=fold)
    except (ValueError, TypeError) as e:
        raise _bad(EXT_DATETIME, str(e)) from e
    if key is None:
        return value
    import zoneinfo

    try:
        return value.replace(tzinfo=zoneinfo.ZoneInfo(key))
    except (ValueError, TypeError, KeyError, OSError) as e:  # ZoneInfoNotFoundError: a KeyError
        raise _bad(EXT_DATETIME, f"unknown time zone {key!r:.80}; install `tzdata`?") from e


def _unpack_timedelta(data: bytes) -> _dt.timedelta:
    try:
        days, seconds, micros = msgpack.unpackb(data)
        return _dt.timedelta(days=days, seconds=seconds, microseconds=micros)
    except OverflowError as e:
        raise _bad(EXT_TIMEDELTA, DURATION_RANGE) from e
    except (ValueError, TypeError) as e:
        raise _bad(EXT_TIMEDELTA, str(e)) from e


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
        try:
            return _dt.date.fromisoformat(data.decode())
        except ValueError as e:  # (UnicodeDecodeError is a ValueError)
            raise _bad(EXT_DATE, str(e)) from e
    if code == EXT_TIMEDELTA:
        return _unpack_timedelta(data)
    known = ", ".join(str(c) for c in _SHAPES)
    raise _BadExt(f"unknown msgpack extension type {code} (known: {known})")


def pack_plain(obj: Any) -> bytes:
    """Encode plain Python data (dicts, lists, scalars, dates) as msgpack."""
    return msgpack.packb(obj, default=_default_plain, use_bin_type=True)


def unpack_plain(data: bytes) -> Any:
    """Decode what ``pack_plain`` wrote (maps may have non-str keys); ``EncodingError`` for
    anything else. Integers keep msgpack's range (up to uint64): plain data belongs to records
    and models, which check their own fields."""
    try:
        return msgpack.unpackb(data, ext_hook=_ext_plain, strict_map_key=False, raw=False)
    except Exception as e:
        raise _decode_error("plain msgpack data", data, e) from e


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


def _make_ext_hook(depth: int) -> Callable[[int, bytes], Any]:
    """The extension hook for values ``depth`` nested decodes deep (unions and wrappers nest)."""

    def ext_hook(code: int, data: bytes) -> Any:
        try:
            if code == EXT_UNION:
                variant, inner = msgpack.unpackb(data)
                if type(variant) is str:
                    return UnionValue(variant, _unpack_value(inner, depth + 1))
            elif code == EXT_BINARY:
                tag, payload = msgpack.unpackb(data)
                if type(tag) is str and type(payload) is bytes:
                    return Binary(tag, payload)
            elif code == EXT_BLOB:
                uri, fmt, multipart = msgpack.unpackb(data)
                if type(uri) is str and type(fmt) is str and type(multipart) is bool:
                    return Blob(uri, fmt, multipart)
            elif code == EXT_TABLE:
                uri, fmt, columns = msgpack.unpackb(data)
                if type(uri) is str and type(fmt) is str and all(type(c) is str for c in columns):
                    return Table(uri, fmt, tuple(columns))
            elif code == EXT_WRAPPED:
                hash_, meta, inner = msgpack.unpackb(data)
                if _wrapper_fields_ok(hash_, meta):
                    return _rewrap(_unpack_value(inner, depth + 1), hash_, meta)
            else:
                return _ext_plain(code, data)
        except (ValueError, TypeError) as e:  # wrong item count, unhashable keys, not bytes
            raise _bad(code, str(e)) from e
        raise _bad(code)

    return ext_hook


def _wrapper_fields_ok(hash_: Any, meta: Any) -> bool:
    if hash_ is not None and type(hash_) is not str:
        return False
    if meta is None:
        return True
    return type(meta) is dict and all(type(k) is str and type(v) is str for k, v in meta.items())


def _too_deep(code: int, data: bytes) -> Any:
    if code in (EXT_UNION, EXT_WRAPPED):
        raise _BadExt(
            f"union values and hash/metadata wrappers nest more than {MAX_DEPTH} levels deep "
            "(the limit of every decoder; no flytelike type nests that deep)"
        )
    return _EXT_HOOKS[0](code, data)


_EXT_HOOKS = [_make_ext_hook(depth) for depth in range(MAX_DEPTH)] + [_too_deep]


def _rewrap(bare: LiteralValue, hash_: str | None, meta: dict[str, str] | None) -> Literal:
    lit = bare if isinstance(bare, Literal) else Scalar(bare)
    fields = {f: getattr(lit, f) for f in lit.__dataclass_fields__}
    fields["hash"] = hash_
    fields["metadata"] = meta
    return type(lit)(**fields)


def _list_hook(items: list[Any]) -> Collection:
    return Collection(tuple(items))


def _unpack_value(data: bytes, depth: int = 0) -> LiteralValue:
    result: LiteralValue = msgpack.unpackb(
        data,
        ext_hook=_EXT_HOOKS[depth],
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
    """Decode bytes written by ``to_msgpack``; ``EncodingError`` for anything else (see the
    module docstring for what is checked)."""
    try:
        value = _unpack_value(data)
        if _MAYBE_UINT64.search(data) is not None:  # only then can an int exceed int64
            _check_ints(value)
    except Exception as e:
        raise _decode_error("a msgpack-encoded literal", data, e) from e
    return value if isinstance(value, Literal) else Scalar(value)


# msgpack's ``uint 64`` marker followed by a byte with its high bit set: a value >= 2**63.
_MAYBE_UINT64 = re.compile(rb"\xcf[\x80-\xff]")


def _check_ints(value: Any) -> None:
    """Raise for the first int above int64 anywhere in a decoded literal (iteratively)."""
    stack = [value]
    while stack:
        v = stack.pop()
        t = type(v)
        if t is int:
            if v > INT64_MAX:
                raise _BadExt(int64_detail(v))
        elif t is Scalar:
            stack.append(v.value)
        elif t is Collection:
            stack.extend(v.items)
        elif t is Map:
            stack.extend(v.items.keys())
            stack.extend(v.items.values())
        elif t is UnionValue:
            stack.append(v.value)


def _decode_error(what: str, data: Any, e: Exception) -> EncodingError:
    size = (
        f"{len(data)} bytes"
        if isinstance(data, bytes | bytearray | memoryview)
        else type(data).__name__
    )
    if isinstance(e, _BadExt):
        return EncodingError(f"bytes are not {what} ({size}): {e}")
    if isinstance(e, RecursionError):
        return EncodingError(f"bytes are not {what} ({size}): nested too deeply to decode")
    if isinstance(e, msgpack.ExtraData):
        return EncodingError(f"bytes are not {what} ({size}): trailing bytes after the value")
    if isinstance(e, UnicodeDecodeError):
        return EncodingError(
            f"bytes are not {what} ({size}): a string is not valid UTF-8 ({e.reason})"
        )
    detail = str(e) or type(e).__name__
    return EncodingError(f"bytes are not {what} ({size}): {detail}")
