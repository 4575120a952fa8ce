"""Canonical digests of literals, for cache keys.

The digest is sha256 over a canonical msgpack encoding: map entries sorted by key, msgpack record
payloads (``Binary`` with tag ``msgpack``) decoded and re-encoded with sorted maps, floats always
as float64, and a literal that carries a ``hash`` (``HashMethod``) represented by that hash
instead of its content. It is therefore the same across processes, dict insertion orders and
Python versions; protobuf bytes, which are not canonical, are never hashed.
"""

from __future__ import annotations

import hashlib
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
from typesystem._msgpack import _default_plain, unpack_plain


def _sort_key(k: Any) -> tuple[str, str]:
    return (type(k).__name__, repr(k))


def _canonical_plain(obj: Any) -> Any:
    if isinstance(obj, dict):
        return [[_canonical_plain(k), _canonical_plain(obj[k])] for k in sorted(obj, key=_sort_key)]
    if isinstance(obj, list | tuple):
        return [_canonical_plain(v) for v in obj]
    return obj


def _canonical(v: LiteralValue) -> Any:
    if not isinstance(v, Literal):
        return v
    if v.hash is not None:
        return ["#", v.hash]
    t = type(v)
    if t is Scalar:
        return v.value  # type: ignore[attr-defined]
    if t is Collection:
        return ["c", [_canonical(i) for i in v.items]]  # type: ignore[attr-defined]
    if t is Map:
        items = v.items  # type: ignore[attr-defined]
        return ["m", [[k, _canonical(items[k])] for k in sorted(items, key=_sort_key)]]
    if t is UnionValue:
        return ["u", v.variant, _canonical(v.value)]  # type: ignore[attr-defined]
    if t is Binary:
        if v.tag == "msgpack":  # type: ignore[attr-defined]
            return ["b", v.tag, _canonical_plain(unpack_plain(v.data))]  # type: ignore[attr-defined]
        return ["b", v.tag, v.data]  # type: ignore[attr-defined]
    if t is Blob:
        return ["f", v.uri, v.format, v.multipart]  # type: ignore[attr-defined]
    if t is Table:
        return ["t", v.uri, v.format, list(v.columns)]  # type: ignore[attr-defined]
    raise TypeError(f"not a literal: {v!r}")


def canonical_bytes(literal: LiteralValue) -> bytes:
    """The canonical msgpack encoding hashed by ``digest``."""
    return msgpack.packb(_canonical(literal), default=_default_plain, use_bin_type=True)


def digest(literal: LiteralValue) -> str:
    """A hex sha256 of the literal's canonical encoding (see module docstring)."""
    return hashlib.sha256(canonical_bytes(literal)).hexdigest()


def canonical_inputs(
    inputs: dict[str, LiteralValue], ignore: frozenset[str] = frozenset()
) -> bytes:
    """The canonical encoding of a named set of literals (task inputs) without ``ignore``: what
    ``digest_inputs`` hashes (for callers that hash it together with other data)."""
    body = [[name, _canonical(inputs[name])] for name in sorted(inputs) if name not in ignore]
    return msgpack.packb(body, default=_default_plain, use_bin_type=True)


def digest_inputs(inputs: dict[str, LiteralValue], ignore: frozenset[str] = frozenset()) -> str:
    """Digest of a named set of literals (task inputs), leaving out ``ignore``."""
    return hashlib.sha256(canonical_inputs(inputs, ignore)).hexdigest()
