"""The executor's most frequent answer, written and read as protobuf bytes directly.

Most answers (``ActionOutcome``) hold only outputs that are plain scalars (an int, a float, a
string, a bool, bytes). ``plain_outputs`` writes such an answer and ``read_plain_outputs``
reads it byte by byte in protobuf's wire format, byte for byte what protobuf itself writes (so
any protobuf reader, the Node.js executor's included, reads it), for fewer instructions than
building or reading message objects (under callgrind, the client's reading of a one-output
answer 39.6K -> 24.3K instructions, the server's writing 19.0K -> 16.2K).

Anything else goes the general way (``_wire``): the writer returns ``None`` for a value it does
not handle, and the reader returns ``None`` for bytes it does not fully understand (the general
reader then reads them and names what is wrong).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from typing import Any

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


# ---------------------------------------------------------------------------------- outputs
def _plain_scalar(value: Any) -> bytes | None:
    """A ``Literal`` message holding ``value`` as a plain scalar, or ``None``."""
    v = value
    if type(v) is Scalar and v.hash is None and v.metadata is None:
        v = v.value
    t = type(v)
    if t is int:
        if not -_INT64 <= v < _INT64:
            return None
        scalar = b"\x10" + varint((v << 1) ^ (v >> 63))  # (sint64: zigzag)
    elif t is float:
        scalar = b"\x21" + _PACK_DOUBLE(v)
    elif t is str:
        try:
            scalar = _field(b"\x2a", v.encode())
        except UnicodeEncodeError:
            return None
    elif t is bool:
        scalar = b"\x30\x01" if v else b"\x30\x00"
    elif t is bytes:
        scalar = _field(b"\x3a", v)
    else:
        return None
    return _field(b"\x0a", scalar)


def plain_outputs(outputs: Mapping[str, Any]) -> bytes | None:
    """An ``ActionOutcome`` holding only ``outputs`` (field 1), when each is a plain scalar;
    else ``None``."""
    parts = []
    for name, value in outputs.items():
        literal = _plain_scalar(value)
        if literal is None or not name:
            return None
        try:
            named = _field(b"\x0a", name.encode()) + _field(b"\x12", literal)
        except UnicodeEncodeError:
            return None
        parts.append(_field(b"\x0a", named))
    return b"".join(parts)


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


def read_plain_outputs(data: bytes) -> dict[str, Any] | None:
    """The outputs of an ``ActionOutcome`` holding only outputs, each a plain scalar with a
    distinct, non-empty name (as ``Scalar`` literals); else ``None``. (Lengths below 128,
    one byte each, are read in place: most are.)"""
    out: dict[str, Any] = {}
    try:
        pos = 0
        n = len(data)
        while pos < n:
            if data[pos] != 0x0A:
                return None
            length = data[pos + 1]
            if length > 0x7F:
                length, pos = read_varint(data, pos + 1)
            else:
                pos += 2
            end = pos + length
            if end > n or data[pos] != 0x0A:
                return None
            length = data[pos + 1]
            if length > 0x7F:
                length, pos = read_varint(data, pos + 1)
            else:
                pos += 2
            name = data[pos : pos + length].decode()
            pos += length
            if data[pos] != 0x12:
                return None
            length = data[pos + 1]
            if length > 0x7F:
                length, pos = read_varint(data, pos + 1)
            else:
                pos += 2
            if pos + length != end or not name or name in out:
                return None
            value = _read_scalar(data, pos, end)
            if value is _MISSING:
                return None
            out[name] = Scalar(value)
            pos = end
    except (IndexError, ValueError):
        return None
    return out
