"""``flytelike.storage``: flyte 2's ``flyte.storage``, over the active data store.

Paths are local paths or URIs (``s3://...``, ``file://...``, ``memory://...``), reached through
``typesystem.io``'s ``DataStore`` with the storage options of the active data context (the
engine's ``FLYTELIKE_*`` settings; see docs/configuration.md).

- ``get(from_path, to_path=None, recursive=False)`` / ``put(from_path, to_path=None,
  recursive=False)``: copy to a local path (a new one when not given) / to the store (a new
  location under the raw data prefix when not given); both return where it went. ``exists(path)``
  (``exists_sync``), ``open(path, mode)`` (an async file: ``await f.read()``, ``await
  f.write(b)``, ``async with``), ``get_stream(path, chunk_size)`` (async chunks of bytes),
  ``put_stream(data, name=None, to_path=None)``: as flyte's, async except ``exists_sync``.
- ``is_remote``, ``join``, ``get_random_local_path``, ``get_random_local_directory``,
  ``get_underlying_filesystem(protocol)`` (the fsspec file system) and
  ``get_configured_fsspec_kwargs(protocol)`` (the data context's options for it).
- ``Storage``, ``S3``, ``GCS``, ``ABFS``: flyte's storage settings (``S3.auto(region=...)``,
  ``S3.for_sandbox()``, ``get_fsspec_kwargs()``). ``flyte.init(storage=...)`` accepts them as
  flyte does; a local run reads and writes with the data context's options, not theirs.
"""

from __future__ import annotations

import os
import pathlib
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterable
from typing import Any

from flytelike.storage._config import ABFS, GCS, S3, Storage

__all__ = [
    "ABFS",
    "GCS",
    "S3",
    "Storage",
    "exists",
    "exists_sync",
    "get",
    "get_configured_fsspec_kwargs",
    "get_random_local_directory",
    "get_random_local_path",
    "get_stream",
    "get_underlying_filesystem",
    "is_remote",
    "join",
    "open",
    "put",
    "put_stream",
]

_SANDBOX: list[str] = []


def _store() -> Any:
    from typesystem.io import current_store

    return current_store()


def is_remote(path: str | pathlib.Path) -> bool:
    p = str(path)
    return "://" in p and not p.startswith("file://")


def join(*paths: str) -> str:
    if not paths:
        return ""
    return "/".join([paths[0].rstrip("/"), *(p.strip("/") for p in paths[1:])])


def get_random_local_directory() -> pathlib.Path:
    if not _SANDBOX:
        _SANDBOX.append(tempfile.mkdtemp(prefix="flytelike-storage-"))
    path = pathlib.Path(_SANDBOX[0]) / uuid.uuid4().hex
    path.mkdir(parents=True, exist_ok=True)
    return path


def get_random_local_path(file_path_or_file_name: pathlib.Path | str | None = None) -> pathlib.Path:
    name = os.path.basename(str(file_path_or_file_name or "")) or uuid.uuid4().hex
    return get_random_local_directory() / name


def exists_sync(path: str, **kwargs: Any) -> bool:
    return bool(_store().exists(str(path)))


async def exists(path: str, **kwargs: Any) -> bool:
    return bool(await _store().exists_async(str(path)))


def _copy(src: str, dst: str, recursive: bool) -> None:
    store = _store()
    if recursive or store.isdir(src):
        store.copy_dir(src, dst)
    else:
        store.copy_file(src, dst)


async def get(
    from_path: str,
    to_path: str | pathlib.Path | None = None,
    recursive: bool = False,
    **kwargs: Any,
) -> str:
    """Copy ``from_path`` to the local ``to_path`` (a new local path when ``None``)."""
    import asyncio

    dst = str(to_path) if to_path is not None else str(get_random_local_path(from_path))
    await asyncio.to_thread(_copy, str(from_path), dst, recursive)
    return dst


async def put(
    from_path: str, to_path: str | None = None, recursive: bool = False, **kwargs: Any
) -> str:
    """Copy the local ``from_path`` to ``to_path`` (a new location in the store when ``None``)."""
    import asyncio

    dst = to_path or _store().new_uri(os.path.basename(str(from_path).rstrip("/")))
    await asyncio.to_thread(_copy, str(from_path), dst, recursive)
    return dst


class _AsyncFile:
    """What ``open`` returns: a file whose reads and writes are awaited, as flyte's."""

    def __init__(self, fh: Any) -> None:
        self._fh = fh

    async def read(self, size: int = -1) -> Any:
        return self._fh.read(size)

    async def write(self, data: Any) -> int:
        return int(self._fh.write(data))

    async def close(self) -> None:
        self._fh.close()

    async def __aenter__(self) -> _AsyncFile:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self._fh.close()


async def open(path: str, mode: str = "rb", **kwargs: Any) -> _AsyncFile:
    return _AsyncFile(_store().open(str(path), mode))


async def get_stream(
    path: str, chunk_size: int = 10 * 2**20, **kwargs: Any
) -> AsyncIterator[bytes]:
    with _store().open(str(path), "rb") as fh:
        while chunk := fh.read(chunk_size):
            yield chunk


async def put_stream(
    data_iterable: Any, *, name: str | None = None, to_path: str | None = None, **kwargs: Any
) -> str:
    """Write ``data_iterable`` (bytes, or an iterable or async iterable of bytes) to ``to_path``
    (a new location in the store, ending in ``name``, when ``None``)."""
    dst = to_path or _store().new_uri(name or uuid.uuid4().hex)
    with _store().open(dst, "wb") as fh:
        if isinstance(data_iterable, bytes | bytearray):
            fh.write(data_iterable)
        elif hasattr(data_iterable, "__aiter__"):
            async for chunk in data_iterable:
                fh.write(chunk)
        else:
            for chunk in data_iterable if isinstance(data_iterable, Iterable) else ():
                fh.write(chunk)
    return str(dst)


def get_configured_fsspec_kwargs(
    protocol: str | None = None, anonymous: bool = False
) -> dict[str, Any]:
    from typesystem.io import current_data_context

    opts = current_data_context().options_for(protocol or "file")
    if anonymous:
        opts["anon"] = True
    return opts


def get_underlying_filesystem(
    protocol: str | None = None, anonymous: bool = False, path: str | None = None, **kwargs: Any
) -> Any:
    import fsspec

    if protocol is None and path is not None:
        protocol = path.split("://", 1)[0] if "://" in path else "file"
    protocol = protocol or "file"
    return fsspec.filesystem(
        protocol, **{**get_configured_fsspec_kwargs(protocol, anonymous), **kwargs}
    )
