"""``DataStore``: reading and writing offloaded data over fsspec.

One store object per ``DataContext``: local paths and ``file://`` URIs are handled with the
operating system directly (``shutil.copyfile`` uses in-kernel copies), every other protocol goes
through the fsspec file system named by the URI, with the context's storage options. A missing
fsspec backend raises ``StorageError`` with the ``pip install`` hint.

Reads and writes stream (``open``); directory transfers run one file per worker thread, up to
``DataContext.max_concurrency`` at once; every transfer is retried on transient errors
(``_retry``). The async twins run the same code in a worker thread.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any, TypeVar

from typesystem.io import _paths
from typesystem.io._context import DataContext, current_action_key, current_data_context
from typesystem.io._retry import with_retries

T = TypeVar("T")

_HINTS = {
    "s3": "'flytelike[s3]'",
    "s3a": "'flytelike[s3]'",
    "gs": "gcsfs",
    "gcs": "gcsfs",
    "abfs": "adlfs",
    "az": "adlfs",
    "http": "aiohttp",
    "https": "aiohttp",
}


class StorageError(OSError):
    """A storage backend is missing or an operation on the store failed."""


class DataStore:
    """File access for one ``DataContext`` (the active one when none is given)."""

    def __init__(self, context: DataContext | None = None) -> None:
        self.context = context if context is not None else current_data_context()

    # -- locations ------------------------------------------------------------------------
    @property
    def raw_data_prefix(self) -> str:
        return self.context.raw_data_prefix

    def new_uri(self, *parts: str) -> str:
        """A fresh location under the raw data prefix, ending in ``parts``."""
        return _paths.join(self.raw_data_prefix, _paths.new_key(), *[p for p in parts if p])

    def named_uri(self, name: str) -> str:
        """A deterministic location for ``name`` in the current action (retry-safe)."""
        action = self.context.action_key or current_action_key() or "local"
        return _paths.join(self.raw_data_prefix, "named", action, name)

    def contains(self, uri: str) -> bool:
        """Whether ``uri`` already lies in this store (under the raw data prefix)."""
        return _paths.is_under(uri, self.raw_data_prefix)

    # -- file systems ---------------------------------------------------------------------
    def filesystem(self, uri: str) -> tuple[Any, str]:
        """``(fsspec file system, path)`` for a remote ``uri``."""
        protocol = _paths.protocol_of(uri)
        try:
            import fsspec

            fs, path = fsspec.core.url_to_fs(uri, **self.context.options_for(protocol))
        except ImportError as e:
            package = _HINTS.get(protocol, f"an fsspec implementation for {protocol!r}")
            raise StorageError(
                f"cannot reach {uri!r}: the {protocol!r} storage backend is not installed; "
                f"run `pip install {package}`"
            ) from e
        except ValueError as e:
            raise StorageError(f"cannot reach {uri!r}: {e}") from e
        return fs, path

    def _retry(self, fn: Callable[[], T]) -> T:
        return with_retries(fn, retries=self.context.retries)

    # -- single files ---------------------------------------------------------------------
    def open(self, uri: str, mode: str = "rb", **kwargs: Any) -> IO[Any]:
        """A streaming file object for ``uri`` (parent directories are created for writes)."""
        if _paths.is_local(uri):
            path = _paths.local_path(uri)
            if any(c in mode for c in "wax"):
                os.makedirs(os.path.dirname(path), exist_ok=True)
            return open(path, mode, **kwargs)
        fs, path = self.filesystem(uri)
        if "r" in mode:
            return self._retry(lambda: fs.open(path, mode, **kwargs))
        return fs.open(path, mode, **kwargs)  # type: ignore[no-any-return]

    def exists(self, uri: str) -> bool:
        if _paths.is_local(uri):
            return os.path.exists(_paths.local_path(uri))
        fs, path = self.filesystem(uri)
        fs.invalidate_cache(path)
        return bool(self._retry(lambda: fs.exists(path)))

    def isdir(self, uri: str) -> bool:
        if _paths.is_local(uri):
            return os.path.isdir(_paths.local_path(uri))
        fs, path = self.filesystem(uri)
        fs.invalidate_cache(path)
        return bool(self._retry(lambda: fs.isdir(path)))

    def size(self, uri: str) -> int:
        if _paths.is_local(uri):
            return os.path.getsize(_paths.local_path(uri))
        fs, path = self.filesystem(uri)
        return int(self._retry(lambda: fs.size(path)))

    def copy_file(self, src: str, dst: str) -> None:
        """Copy one file between any two locations (local, remote, or both)."""
        if _paths.is_local(src) and _paths.is_local(dst):
            target = _paths.local_path(dst)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(_paths.local_path(src), target)
        elif _paths.is_local(src):
            fs, path = self.filesystem(dst)
            self._retry(lambda: fs.put_file(_paths.local_path(src), path))
            fs.invalidate_cache(path)
        elif _paths.is_local(dst):
            target = _paths.local_path(dst)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            fs, path = self.filesystem(src)
            self._retry(lambda: fs.get_file(path, target))
        elif _paths.protocol_of(src) == _paths.protocol_of(dst):
            fs, spath = self.filesystem(src)
            _, dpath = self.filesystem(dst)
            self._retry(lambda: fs.copy(spath, dpath))
            fs.invalidate_cache(dpath)
        else:
            self._retry(lambda: self._stream_copy(src, dst))

    def _stream_copy(self, src: str, dst: str, chunk: int = 8 << 20) -> None:
        with self.open(src, "rb") as fin, self.open(dst, "wb") as fout:
            while block := fin.read(chunk):
                fout.write(block)

    def remove(self, uri: str) -> None:
        """Delete a file or a directory tree."""
        if _paths.is_local(uri):
            path = _paths.local_path(uri)
            if os.path.isdir(path):
                shutil.rmtree(path)
            elif os.path.exists(path):
                os.remove(path)
            return
        fs, path = self.filesystem(uri)
        if fs.exists(path):
            fs.rm(path, recursive=True)
        fs.invalidate_cache(path)

    # -- directories ----------------------------------------------------------------------
    def find(self, uri: str, *, maxdepth: int | None = None) -> list[str]:
        """The files under ``uri`` (recursively, down to ``maxdepth``), sorted, as URIs."""
        if _paths.is_local(uri):
            root = _paths.local_path(uri)
            out: list[str] = []
            base_depth = root.rstrip(os.sep).count(os.sep)
            for dirpath, dirnames, filenames in os.walk(root):
                depth = dirpath.rstrip(os.sep).count(os.sep) - base_depth + 1
                if maxdepth is not None and depth >= maxdepth:
                    dirnames[:] = []
                out.extend(os.path.join(dirpath, f) for f in filenames)
            return sorted(_paths.join(uri, os.path.relpath(p, root)) for p in out)
        fs, path = self.filesystem(uri)
        fs.invalidate_cache(path)
        root = path.rstrip("/")
        found = self._retry(lambda: fs.find(root, maxdepth=maxdepth, withdirs=False))
        rels = [p[len(root) :].lstrip("/") for p in found if p.rstrip("/") != root]
        return sorted(_paths.join(uri, r) for r in rels if r)

    def relative_files(self, uri: str) -> list[str]:
        """The files under ``uri`` as paths relative to it (``/``-separated), sorted."""
        base = uri.rstrip("/") if _paths.is_remote(uri) else _paths.local_path(uri)
        out = []
        for f in self.find(uri):
            full = f if _paths.is_remote(uri) else _paths.local_path(f)
            out.append(full[len(base) :].lstrip("/").replace(os.sep, "/"))
        return out

    def copy_dir(self, src: str, dst: str, *, max_workers: int | None = None) -> list[str]:
        """Copy every file under ``src`` to the same relative place under ``dst``, in parallel.

        Returns the destination URIs.
        """
        rels = self.relative_files(src)
        pairs = [(_paths.join(src, r), _paths.join(dst, r)) for r in rels]
        if _paths.is_local(dst):
            os.makedirs(_paths.local_path(dst), exist_ok=True)
        self._parallel(pairs, max_workers)
        return [d for _, d in pairs]

    def _parallel(self, pairs: Iterable[tuple[str, str]], max_workers: int | None) -> None:
        pairs = list(pairs)
        if not pairs:
            return
        workers = max(1, min(max_workers or self.context.max_concurrency, len(pairs)))
        if workers == 1:
            for s, d in pairs:
                self.copy_file(s, d)
            return
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="flytelike-io") as pool:
            for fut in [pool.submit(self.copy_file, s, d) for s, d in pairs]:
                fut.result()

    # -- async twins ----------------------------------------------------------------------
    async def copy_file_async(self, src: str, dst: str) -> None:
        await asyncio.to_thread(self.copy_file, src, dst)

    async def copy_dir_async(
        self, src: str, dst: str, *, max_workers: int | None = None
    ) -> list[str]:
        return await asyncio.to_thread(self.copy_dir, src, dst, max_workers=max_workers)

    async def exists_async(self, uri: str) -> bool:
        return await asyncio.to_thread(self.exists, uri)


def current_store() -> DataStore:
    """The store of the active ``DataContext``."""
    return DataStore(current_data_context())
