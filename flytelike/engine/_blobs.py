"""Literal maps as bytes, inline in the run store or offloaded to the blob store.

A map of named literals (a node's inputs or outputs) encodes as msgpack ``{name: literal bytes}``
(each literal through ``typesystem.to_msgpack``). Encodings up to ``inline_limit`` bytes stay in
the run store; larger ones are written to ``<prefix>/runs/<run>/<action>/<what>.msgpack`` and
only the URI is stored. Also here: finding the blob URIs a literal refers to, to check that a
cached value's data still exists.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping

import msgpack

import typesystem
from typesystem import Blob, Collection, Literal, LiteralValue, Map, Table, UnionValue


def pack_literals(values: Mapping[str, Literal]) -> bytes:
    return msgpack.packb(
        {k: typesystem.to_msgpack(v) for k, v in values.items()}, use_bin_type=True
    )


def unpack_literals(data: bytes) -> dict[str, Literal]:
    raw = msgpack.unpackb(data, raw=False)
    return {k: typesystem.from_msgpack(v) for k, v in raw.items()}


def _local_path(uri: str) -> str | None:
    if uri.startswith("file://"):
        return uri[len("file://") :]
    if "://" not in uri:
        return uri
    return None


def write_blob(uri: str, data: bytes) -> None:
    path = _local_path(uri)
    if path is not None:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        return
    import fsspec

    with fsspec.open(uri, "wb") as f:
        f.write(data)


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
        from typesystem.io._store import current_store

        return bool(current_store().exists(uri))
    except Exception:
        return False


class LiteralCodec:
    """Encodes literal maps for the store, offloading large ones under ``prefix``."""

    def __init__(self, prefix: str, inline_limit: int) -> None:
        self.prefix = prefix.rstrip("/")
        self.inline_limit = inline_limit

    def encode(
        self, values: Mapping[str, Literal], run: str, action: str, what: str
    ) -> tuple[bytes | None, str | None]:
        data = pack_literals(values)
        if len(data) <= self.inline_limit:
            return data, None
        safe = action.replace("/", "__") or "_run"
        uri = f"{self.prefix}/runs/{run}/{safe}/{what}.msgpack"
        write_blob(uri, data)
        return None, uri

    @staticmethod
    def decode(data: bytes | None, uri: str | None) -> dict[str, Literal] | None:
        if data is not None:
            return unpack_literals(data)
        if uri:
            return unpack_literals(read_blob(uri))
        return None


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
