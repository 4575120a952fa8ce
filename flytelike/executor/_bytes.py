"""The executor's most frequent messages, written and read as protobuf bytes directly.

Most answers (``ActionOutcome``) hold only outputs that are plain scalars (an int, a float, a
string, a bool, bytes), and most requests only such inputs and a context that repeats, but
for the action's id and attempt, across a run's actions. ``plain_outputs`` writes such an
answer and ``read_plain_outputs`` reads it; ``named_literals`` and ``context_field`` write a
request's inputs and context (the run's part of a context serialised once per run). All in
protobuf's wire format byte by byte, which any protobuf reader (the Node.js executor's
included) reads, for fewer instructions than building or reading message objects (under
callgrind: the client's reading of a one-output answer 39.6K -> 21.7K instructions, the
server's writing 19.0K -> 16.3K).

Anything else goes the general way (``_wire``): the writer returns ``None`` for a value it does
not handle, and the reader returns ``None`` for bytes it does not fully understand (the general
reader then reads them and names what is wrong).
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from typing import Any

from flytelike.backends import ActionContext
from typesystem import Scalar

_BYTE = [bytes((i,)) for i in range(128)]
_INT64 = 1 << 63
_PACK_DOUBLE = struct.Struct("<d").pack
_UNPACK_DOUBLE = struct.Struct("<d").unpack_from


def varint(n: int) -> bytes:
    """``n`` (>= 0) as a protobuf varint."""
    if n < 0x80:
        return _BYTE[n]
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def read_varint(data: bytes, pos: int) -> tuple[int, int]:
    """The varint at ``pos`` and the position after it; ``ValueError`` or ``IndexError`` when
    ``data`` holds none there."""
    b = data[pos]
    if b < 0x80:
        return b, pos + 1
    result = 0
    shift = 0
    while True:
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise ValueError("varint longer than 10 bytes")


def _field(tag: bytes, payload: bytes) -> bytes:
    return tag + varint(len(payload)) + payload


# ---------------------------------------------------------------------------------- literals
def _plain_scalar(value: Any) -> bytes | None:
    """The one field of a ``Scalar`` message holding ``value`` as a plain scalar, or
    ``None``."""
    v = value
    if type(v) is Scalar:
        if v.hash is not None or v.metadata is not None:
            return None
        v = v.value
    t = type(v)
    if t is int:
        if not -_INT64 <= v < _INT64:
            return None
        z = (v << 1) ^ (v >> 63)  # (sint64: zigzag)
        return b"\x10" + (_BYTE[z] if z < 0x80 else varint(z))
    if t is float:
        return b"\x21" + _PACK_DOUBLE(v)
    if t is str:
        try:
            return _field(b"\x2a", v.encode())
        except UnicodeEncodeError:
            return None
    if t is bool:
        return b"\x30\x01" if v else b"\x30\x00"
    if t is bytes:
        return _field(b"\x3a", v)
    return None


# A ``NamedLiteral``'s bytes up to its value's length, by name (names repeat: an interface's).
_HEADS: dict[str, bytes] = {}


def _head(name: str) -> bytes | None:
    """``name`` as field 1 of a ``NamedLiteral``, then the key byte of its value (field 2);
    ``None`` for an empty name or one UTF-8 cannot hold."""
    if not name:
        return None
    try:
        head = _field(b"\x0a", name.encode()) + b"\x12"
    except UnicodeEncodeError:
        return None
    if len(_HEADS) >= 4096:
        _HEADS.clear()
    _HEADS[name] = head
    return head


def named_literals(values: Mapping[str, Any], tag: bytes) -> bytes | None:
    """``values`` as a repeated ``NamedLiteral`` field (``tag``: its key byte), when each is a
    plain scalar with a non-empty name; else ``None``. (One call per value at most: this
    runs on both sides of every action.)"""
    out = b""
    for name, value in values.items():
        scalar = _plain_scalar(value)
        head = _HEADS.get(name) or _head(name)
        if scalar is None or head is None:
            return None
        n = len(scalar)
        if n < 0x7E:  # (the value's lengths in one byte each: most are)
            named = head + _BYTE[n + 2] + b"\x0a" + _BYTE[n] + scalar
        else:
            named = head + varint(n + 1 + len(varint(n))) + b"\x0a" + varint(n) + scalar
        n = len(named)
        out += tag + (_BYTE[n] if n < 0x80 else varint(n)) + named
    return out


def plain_outputs(outputs: Mapping[str, Any]) -> bytes | None:
    """An ``ActionOutcome`` holding only ``outputs`` (field 1), when each is a plain scalar;
    else ``None``."""
    return named_literals(outputs, b"\x0a")


# ---------------------------------------------------------------------------------- requests
# The run's part of an encoded context by the context's fields but the action's id and attempt
# (the actions of a run share it).
_RUN_PARTS: dict[tuple[Any, ...], bytes] = {}
_RUN_PARTS_LIMIT = 256


def context_field(
    c: ActionContext, encode: Callable[[ActionContext], bytes], tag: bytes = b"\x1a"
) -> bytes | None:
    """``c`` as one ``ActionContext`` field (``tag``: its key byte; ``ActionRequest.context``
    by default): the action's id and attempt, then the run's part, serialised by ``encode``
    once per run (with an empty action id and attempt 0, which protobuf leaves out). ``None``
    when ``c`` declares artifacts (the general way then)."""
    if c.declared_artifacts is not None:
        return None
    key = (
        c.run_name,
        c.run_dir,
        c.raw_data_prefix,
        c.timeout,
        c.enable_deck,
        c.environment,
        c.secrets_dir,
        c.secrets_env_prefix,
        c.project,
        c.domain,
    )
    part = _RUN_PARTS.get(key)
    if part is None:
        blank = ActionContext(key[0], "", 0, *key[1:])  # (the key lists the fields in order)
        part = encode(blank)
        if len(_RUN_PARTS) >= _RUN_PARTS_LIMIT:
            _RUN_PARTS.clear()
        _RUN_PARTS[key] = part
    head = _field(b"\x12", c.action_id.encode()) if c.action_id else b""
    if c.attempt:
        if c.attempt < 0:  # (int32: ten bytes, as protobuf writes it)
            return None
        head += b"\x18" + varint(c.attempt)
    return _field(tag, head + part)


_CODE_FIELDS: dict[Any, bytes] = {}


def code_field(key: Any, encode: Callable[..., bytes], *args: Any) -> bytes:
    """An ``ActionRequest``'s ``code`` field, ``encode(*args)`` once per ``key`` (the code's
    place and whether the function travels pickled: a run's requests repeat it)."""
    field = _CODE_FIELDS.get(key)
    if field is None:
        field = encode(*args)
        if len(_CODE_FIELDS) >= _RUN_PARTS_LIMIT:
            _CODE_FIELDS.clear()
        _CODE_FIELDS[key] = field
    return field


# ---------------------------------------------------------------------------------- answers
_MISSING = object()


def _read_scalar(data: bytes, pos: int, end: int) -> Any:
    """The plain value of the ``Literal`` message in ``data[pos:end]``, or ``_MISSING``.
    (Lengths below 128, one byte each, are read in place: most are.)"""
    if data[pos] != 0x0A:
        return _MISSING
    length = data[pos + 1]
    if length > 0x7F:
        length, pos = read_varint(data, pos + 1)
    else:
        pos += 2
    if pos + length != end or length == 0:
        return _MISSING
    tag = data[pos]
    pos += 1
    if tag == 0x10:
        v, pos = read_varint(data, pos)
        if v >> 64:  # (protobuf keeps a varint's low 64 bits)
            return _MISSING
        value: Any = (v >> 1) ^ -(v & 1)
    elif tag == 0x21:
        if pos + 8 > end:
            return _MISSING
        (value,) = _UNPACK_DOUBLE(data, pos)
        pos += 8
    elif tag == 0x2A or tag == 0x3A:
        length, pos = read_varint(data, pos)
        raw = data[pos : pos + length]
        pos += length
        value = raw.decode() if tag == 0x2A else raw
    elif tag == 0x30:
        v, pos = read_varint(data, pos)
        value = v != 0
    else:
        return _MISSING
    return value if pos == end else _MISSING


def _read_named(data: bytes, pos: int, n: int, tag: int, out: dict[str, Any]) -> int:
    """Read the ``NamedLiteral`` fields with key byte ``tag`` from ``pos`` on into ``out`` (as
    ``Scalar`` literals), each a plain scalar with a distinct, non-empty name; the position
    after the last one, or -1 when one is not such a field. ``IndexError``/``ValueError`` for
    truncated bytes. (Fields whose lengths fit in one byte each, most, are read in place,
    here; others by ``_read_named_long``.)"""
    while pos < n and data[pos] == tag:
        size = data[pos + 1]
        length = data[pos + 3]
        if size > 0x7F or length > 0x7F or data[pos + 2] != 0x0A:
            return _read_named_long(data, pos, n, tag, out)
        end = pos + 2 + size
        p = pos + 4 + length
        name = data[pos + 4 : p].decode()
        if data[p] != 0x12 or data[p + 1] > 0x7F or data[p + 3] > 0x7F:
            return _read_named_long(data, pos, n, tag, out)
        if (
            end > n
            or p + 2 + data[p + 1] != end
            or data[p + 2] != 0x0A
            or p + 4 + data[p + 3] != end
            or not name
            or name in out
        ):
            return -1
        kind = data[p + 4]
        p += 5
        if kind == 0x10:
            v = data[p]
            if v < 0x80:
                p += 1
            else:
                v, p = read_varint(data, p)
                if v >> 64:  # (protobuf keeps a varint's low 64 bits)
                    return -1
            value: Any = (v >> 1) ^ -(v & 1)
        else:
            value = _read_scalar(data, p - 3, end)
            if value is _MISSING:
                return -1
            p = end
        if p != end:
            return -1
        out[name] = Scalar(value)
        pos = end
    return pos


def _read_named_long(data: bytes, pos: int, n: int, tag: int, out: dict[str, Any]) -> int:
    """``_read_named`` for fields with lengths of more than one byte."""
    while pos < n and data[pos] == tag:
        length = data[pos + 1]
        if length > 0x7F:
            length, pos = read_varint(data, pos + 1)
        else:
            pos += 2
        end = pos + length
        if end > n or data[pos] != 0x0A:
            return -1
        length = data[pos + 1]
        if length > 0x7F:
            length, pos = read_varint(data, pos + 1)
        else:
            pos += 2
        name = data[pos : pos + length].decode()
        pos += length
        if data[pos] != 0x12:
            return -1
        length = data[pos + 1]
        if length > 0x7F:
            length, pos = read_varint(data, pos + 1)
        else:
            pos += 2
        if pos + length != end or not name or name in out:
            return -1
        value = _read_scalar(data, pos, end)
        if value is _MISSING:
            return -1
        out[name] = Scalar(value)
        pos = end
    return pos


def read_plain_outputs(data: bytes) -> dict[str, Any] | None:
    """The outputs of an ``ActionOutcome`` holding only outputs, each a plain scalar with a
    distinct, non-empty name (as ``Scalar`` literals); else ``None``."""
    out: dict[str, Any] = {}
    try:
        n = len(data)
        if _read_named(data, 0, n, 0x0A, out) != n:
            return None
    except (IndexError, ValueError):
        return None
    return out


# A request's layout as ``_wire.request_body`` writes it: a key ``(the digest and code fields,
# the context's run part)`` (the same for every action of a task in a run), the action's id,
# its attempt and its inputs (``Scalar`` literals by name).
RequestParts = tuple[tuple[bytes, bytes], str, int, dict[str, Any]]


def read_request(data: bytes) -> RequestParts | None:
    """The parts of an ``ActionRequest`` laid out exactly as this client writes one with plain
    inputs (``_wire.request_body``): ``task_digest`` (no template), ``code`` (optional), plain
    inputs, then ``context`` as its last field, starting with the action's id and attempt
    (attempts below 2**31). ``None`` for anything else, which is then read the general way.
    What the key's bytes mean is not checked here: see ``ExecutorService`` (its prepared
    runs)."""
    try:
        n = len(data)
        if data[0] != 0x2A or data[1] > 0x7F:  # (task_digest: 64 characters)
            return None
        pos = 2 + data[1]
        if data[pos] == 0x22:  # code
            length = data[pos + 1]
            if length > 0x7F:
                length, pos = read_varint(data, pos + 1)
            else:
                pos += 2
            pos += length
        head = pos
        inputs: dict[str, Any] = {}
        pos = _read_named(data, pos, n, 0x12, inputs)
        if pos < 0 or data[pos] != 0x1A:
            return None
        length = data[pos + 1]
        if length > 0x7F:
            length, pos = read_varint(data, pos + 1)
        else:
            pos += 2
        if pos + length != n or data[pos] != 0x12 or data[pos + 1] > 0x7F:
            return None
        end = pos + 2 + data[pos + 1]
        action_id = data[pos + 2 : end].decode()
        if not action_id or end > n:
            return None
        attempt = 0
        if end < n and data[end] == 0x18:
            attempt, end = read_varint(data, end + 1)
            if attempt >= 1 << 31:
                return None
    except (IndexError, ValueError):
        return None
    return (data[:head], data[end:]), action_id, attempt, inputs


def field_numbers(data: bytes) -> list[int] | None:
    """The numbers of the top-level fields of the message ``data``, in order; ``None`` when
    ``data`` is not well formed (a group, a truncated field)."""
    out = []
    pos = 0
    n = len(data)
    try:
        while pos < n:
            key, pos = read_varint(data, pos)
            kind = key & 7
            if kind == 0:
                _, pos = read_varint(data, pos)
            elif kind == 1:
                pos += 8
            elif kind == 2:
                length, pos = read_varint(data, pos)
                pos += length
            elif kind == 5:
                pos += 4
            else:
                return None
            out.append(key >> 3)
    except (IndexError, ValueError):
        return None
    return out if pos == n else None
