"""Literal maps as bytes, inline in the run store or offloaded to the blob store.

A map of named literals (a node's inputs or outputs) encodes as msgpack ``{name: literal bytes}``
(each literal through ``typesystem.to_msgpack``). Encodings up to ``inline_limit`` bytes stay in
the run store; larger ones are written to ``<prefix>/runs/<run>/<action>/<what>.msgpack`` and
only the URI is stored. A map holding a pickled value is sealed and checked (``_integrity``);
local blob files are private to their owner (0600). Also here: finding the blob URIs a literal
refers to, to check that a cached value's data still exists.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any

import msgpack

import typesystem
from flytelike.engine._faults import store_error
from flytelike.engine._integrity import MAC_SIZE, MAGIC, PICKLED, Integrity, sealed
from flytelike.engine._private import write_private
from typesystem import Blob, Collection, Literal, LiteralValue, Map, Scalar, Table, UnionValue

# Scalar values msgpack encodes natively: ``typesystem.to_msgpack`` of a plain ``Scalar`` holding
# one is msgpack of the bare value, which one C call makes (no ``default`` hook to call back).
_NATIVE = frozenset({int, float, str, bool, bytes, type(None)})
# One packer for every thread: without a ``default`` hook ``pack`` runs no Python code, so under
# the GIL no two calls interleave (as ``_items``); ``msgpack.packb`` makes a packer per call.
_PACK = msgpack.Packer(use_bin_type=True).pack


# The last scalar literal packed and its bytes: a chain's task gets its upstream's output literal
# as its input, so the value encoded with one action's outputs is encoded again with the next
# one's inputs (literals are immutable: the same object packs to the same bytes). One tuple,
# read and replaced whole: threads packing at once see a pair that belongs together.
_last: tuple[Any, bytes] = (None, b"")


def pack_literals(values: Mapping[str, Literal]) -> bytes:
    global _last
    out: dict[str, bytes] = {}
    last = _last
    for k, v in values.items():
        if v is last[0]:
            out[k] = last[1]
            continue
        if type(v) is Scalar and v.hash is None and v.metadata is None:
            value = v.value
            if type(value) in _NATIVE:
                try:
                    out[k] = packed = _PACK(value)
                except OverflowError:  # (an int beyond 64 bits: to_msgpack says so)
                    pass
                else:
                    _last = last = (v, packed)
                    continue
        out[k] = typesystem.to_msgpack(v)
    return _PACK(out)


# Scalar values whose equality (same type, ``==``) means equal encodings and equal cache keys:
# not floats (``-0.0 == 0.0``), not ``bool`` against ``int`` (``True == 1``: types must match).
_EXACT = frozenset({int, str, bool, bytes, type(None)})


def same_literals(a: Mapping[str, Literal], b: Mapping[str, Literal]) -> bool:
    """Whether ``a`` and ``b`` certainly encode (and key) alike: the same names with the same
    literal objects, or plain scalars of one exact type with equal values (``False`` when in
    doubt: the caller then encodes or hashes afresh)."""
    if len(a) != len(b):
        return False
    for k, v in a.items():
        w = b.get(k)
        if v is w:
            continue
        if type(v) is not Scalar or type(w) is not Scalar:
            return False
        x, y = v.value, w.value
        if type(x) is not type(y) or type(x) not in _EXACT or x != y:
            return False
        if v.hash is not None or w.hash is not None or v.metadata or w.metadata:
            return False
    return True


# First bytes of a msgpack value that is a plain scalar: nil, booleans, ints but uint 64 (which
# ``from_msgpack`` checks against the int64 range), floats, strings and bins. ``from_msgpack``
# makes ``Scalar(value)`` of such a value without its hooks: ``unpack_literals`` does so
# directly (maps, arrays and ext types, which the hooks turn into literals, go through it).
_PLAIN_FIRST = bytes(
    b
    for b in range(256)
    if b < 0x80
    or 0xA0 <= b <= 0xC0
    or b >= 0xE0
    or b in b"\xc2\xc3\xc4\xc5\xc6\xca\xcb"
    or 0xCC <= b <= 0xCE
    or 0xD0 <= b <= 0xD3
    or 0xD9 <= b <= 0xDB
)
_IS_PLAIN = tuple(b in _PLAIN_FIRST for b in range(256))


def unpack_literals(data: bytes) -> dict[str, Literal]:
    raw = msgpack.unpackb(data, raw=False)
    out: dict[str, Literal] = {}
    for k, v in raw.items():
        if type(v) is bytes and v and _IS_PLAIN[v[0]]:
            try:
                out[k] = Scalar(msgpack.unpackb(v, raw=False))
                continue
            except ValueError:  # (not one whole value: ``from_msgpack`` says what is wrong)
                pass
        out[k] = typesystem.from_msgpack(v)
    return out


def _local_path(uri: str) -> str | None:
    if uri.startswith("file://"):
        return uri[len("file://") :]
    if "://" not in uri:
        return uri
    return None


def write_blob(uri: str, data: bytes) -> None:
    """Write ``data`` at ``uri``: a local file is private to its owner (0600, in 0700 folders);
    a failure (a full disk, permissions) raises a ``StoreError`` naming the URI."""
    path = _local_path(uri)
    try:
        if path is not None:
            write_private(path, data)
            return
        import fsspec

        with fsspec.open(uri, "wb") as f:
            f.write(data)
    except OSError as e:
        raise store_error(e, uri, "write to the blob store") from e


def read_blob(uri: str) -> bytes:
    path = _local_path(uri)
    if path is not None:
        with open(path, "rb") as f:
            return f.read()
    import fsspec

    with fsspec.open(uri, "rb") as f:
        data: bytes = f.read()
        return data


def blob_exists(uri: str) -> bool:
    path = _local_path(uri)
    if path is not None:
        return os.path.exists(path)
    try:
        from typesystem.io import current_store

        return bool(current_store().exists(uri))
    except Exception:
        return False


class LiteralCodec:
    """Encodes literal maps for the store, offloading large ones under ``prefix``; with an
    ``Integrity``, maps holding a pickle are sealed and checked (``_integrity``)."""

    def __init__(self, prefix: str, inline_limit: int, integrity: Integrity | None = None) -> None:
        self.prefix = prefix.rstrip("/")
        self.inline_limit = inline_limit
        self.integrity = integrity

    def encode(
        self, values: Mapping[str, Literal], run: str, action: str, what: str
    ) -> tuple[bytes | None, str | None]:
        data = pack_literals(values)
        # (``find``, not ``in``: see ``_integrity.holds_pickle``)
        if self.integrity is not None and data.find(PICKLED) != -1:
            data = self.integrity.seal(data)
        if len(data) <= self.inline_limit:
            return data, None
        safe = action.replace("/", "__") or "_run"
        uri = f"{self.prefix}/runs/{run}/{safe}/{what}.msgpack"
        write_blob(uri, data)
        return None, uri

    def decode(
        self, data: bytes | None, uri: str | None, what: str = "a stored value"
    ) -> dict[str, Literal] | None:
        """The literal map stored as ``data`` (inline) or at ``uri``; ``what`` names it in the
        ``UntrustedDataError`` a pickle without a valid seal raises."""
        where = uri or "the run store"
        if data is None:
            if not uri:
                return None
            data = read_blob(uri)
        if self.integrity is not None:
            data = self.integrity.check_literals(data, what, where)
        elif sealed(data):
            data = data[len(MAGIC) + MAC_SIZE :]
        return unpack_literals(data)


def blob_uris(value: LiteralValue) -> Iterator[str]:
    """Every blob or table URI inside ``value``."""
    if not isinstance(value, Literal):
        return
    t = type(value)
    if t is Blob or t is Table:
        yield value.uri  # type: ignore[attr-defined]
    elif t is Collection:
        for v in value.items:  # type: ignore[attr-defined]
            yield from blob_uris(v)
    elif t is Map:
        for v in value.items.values():  # type: ignore[attr-defined]
            yield from blob_uris(v)
    elif t is UnionValue:
        yield from blob_uris(value.value)  # type: ignore[attr-defined]


def all_exist(values: Mapping[str, Literal]) -> bool:
    """Whether the data of every offloaded value in ``values`` still exists."""
    return all(blob_exists(uri) for v in values.values() for uri in blob_uris(v))
