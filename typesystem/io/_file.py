"""``File``: a reference to one file, local or in the store; also ``FlyteFile``.

A ``File`` names where its bytes are: a local path, a remote URI, or both once downloaded.
Nothing is fetched until ``open()``, ``download()`` or ``os.fspath()``; ``open()`` streams from
the store. Uploading happens at the task boundary (the transformer in ``_transformers``) or
explicitly with ``from_local``. ``File["csv"]`` and ``FlyteFile[TypeVar("csv")]`` are cached
subclasses that declare a format.

flyte-sdk's methods are async with ``_sync`` twins; flytekit's are sync. Where both use one name
(``download``) the method is *dual*: it returns the result in sync code and an awaitable inside a
running event loop (see ``_dual``). ``open()`` is both a sync and an async context manager.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from typing import IO, Any, ClassVar, Self

from typesystem.io import _paths
from typesystem.io._context import uploads_now
from typesystem.io._dual import Opened
from typesystem.io._hashing import compute_hash, is_algorithm
from typesystem.io._store import DataStore, current_store
from typesystem.io._stored import Stored


class _HashingWriter:
    """Wraps a binary writer and hashes what passes through it."""

    def __init__(self, fh: IO[Any], algorithm: str) -> None:
        self._fh = fh
        self.hasher = hashlib.new(algorithm)

    def write(self, data: Any) -> int:
        self.hasher.update(data if isinstance(data, bytes | bytearray) else str(data).encode())
        return int(self._fh.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fh, name)

    def __enter__(self) -> _HashingWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()


class File(Stored):
    """A file, local or in the store, fetched lazily.

    ``path``: a local path or any fsspec URI. ``remote_path``: where to upload it at the task
    boundary (``None`` a fresh key under the raw data prefix, a URI that exact place, ``False``
    never upload). ``hash``: a content hash to use in cache keys instead of the location;
    ``hash_method``: how to compute it (an algorithm name such as ``"sha256"``, a ``HashMethod``
    or a callable taking the ``File``); any other string is the hash itself, as in flyte 2.
    """

    _declared_format: ClassVar[str] = ""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        name: str | None = None,
        format: str | None = None,
        hash: str | None = None,
        remote_path: str | bool | None = None,
        hash_method: Any = None,
        downloader: Any = None,
    ) -> None:
        self._init_reference(path, name, format, hash, remote_path, hash_method)

    @classmethod
    async def from_local(
        cls,
        local_path: str | os.PathLike[str],
        remote_destination: str | None = None,
        hash_method: Any = None,
    ) -> Self:
        """Upload a local file and return a reference to the uploaded copy (outside a running
        action: when a run takes it, see ``from_local_sync``)."""
        return await asyncio.to_thread(
            cls.from_local_sync, local_path, remote_destination, hash_method
        )

    @classmethod
    def from_local_sync(
        cls,
        local_path: str | os.PathLike[str],
        remote_destination: str | None = None,
        hash_method: Any = None,
    ) -> Self:
        """Synchronous ``from_local``. Outside a running action and without a
        ``remote_destination`` the file is referenced where it is and uploaded when a run takes
        it as an input (``_context.uploads_now``), as flyte 2 defers it; a ``hash_method``'s
        hash is computed now either way."""
        src = _paths.local_path(os.fspath(local_path))
        if not os.path.isfile(src):
            raise ValueError(f"File not found: {src!r} (from_local needs an existing local file)")
        if remote_destination is None and not uploads_now():
            f = cls(src, name=os.path.basename(src))
        else:
            store = current_store()
            dest = remote_destination or store.new_uri(os.path.basename(src))
            store.copy_file(src, dest)
            f = cls._from_store(dest)
            f.name = os.path.basename(src)
        f.hash_method = hash_method
        if hash_method is not None:
            f.hash = compute_hash(src if isinstance(hash_method, str) else f, hash_method)
        return f

    @classmethod
    def new_remote(cls, file_name: str | None = None, hash_method: Any = None) -> Self:
        """A new file at a fresh location in the store, to be written with ``open("wb")``."""
        store = current_store()
        f = cls._from_store(store.new_uri(file_name or "file"))
        if file_name:
            f.name = file_name
        if isinstance(hash_method, str) and not is_algorithm(hash_method):
            f.hash = hash_method  # (flyte 2: a string that is no algorithm is the hash itself)
            return f
        f.hash_method = hash_method
        return f

    @classmethod
    def new_remote_file(cls, name: str | None = None) -> Self:
        """flytekit's spelling of ``new_remote``."""
        return cls.new_remote(name)

    @classmethod
    def from_existing_remote(cls, remote_path: str, file_cache_key: str | None = None) -> Self:
        """A reference to data already in a store; no I/O."""
        return cls._from_store(remote_path, hash=file_cache_key)

    @property
    def downloaded(self) -> bool:
        return self._local is not None and os.path.exists(self._local)

    def download_sync(self, local_path: str | os.PathLike[str] | None = None) -> str:
        """Make the bytes available on local disk and return that path."""
        if local_path is None and self._local is not None and os.path.exists(self._local):
            return self._local
        if self._remote is None:
            if self._local is None:
                raise FileNotFoundError(f"{self!r} has no location to download from")
            src = self._local
        else:
            src = self._remote
        store = current_store()
        if local_path is None:
            target = os.path.join(
                store.context.download_dir(), _paths.new_key(), self.name or "file"
            )
        else:
            target = _paths.local_path(os.fspath(local_path))
            if os.path.isdir(target):
                target = os.path.join(target, self.name or "file")
        store.copy_file(src, target)
        if local_path is None:
            self._local = target
        return target

    def _store(self) -> DataStore:
        return current_store()

    def open(self, mode: str = "rb", **kwargs: Any) -> Opened:
        """A streaming file object: ``with f.open() as fh`` or ``async with f.open() as fh``.

        Reads come from local disk when the file is there, else stream from the store. Writes
        go straight to the file's location (a ``new_remote`` file is written in the store).
        """
        writing = any(c in mode for c in "wax+")
        for key in ("block_size", "cache_type", "cache_options"):
            if _paths.is_local(self.location()):
                kwargs.pop(key, None)

        if writing:
            target = self._remote or self._local or self.path
            algorithm = self.hash_method if isinstance(self.hash_method, str) else None

            def opener_w() -> IO[Any]:
                fh = self._store().open(target, mode, **kwargs)
                if algorithm is not None and "b" in mode:
                    return _HashingWriter(fh, algorithm)  # type: ignore[return-value]
                return fh

            def done() -> None:
                if self._remote is not None and _paths.is_remote(self._remote):
                    self._local = None  # a stale download must not hide the new bytes
                if algorithm is not None and self.hash is None:
                    self.hash = compute_hash(self, algorithm)

            return Opened(opener_w, done)

        def opener_r() -> IO[Any]:
            if self._local is not None and os.path.exists(self._local):
                return open(self._local, mode, **kwargs)
            if self._remote is None:
                raise FileNotFoundError(f"no such file: {self.path!r}")
            return self._store().open(self._remote, mode, **kwargs)

        return Opened(opener_r)

    def open_sync(self, mode: str = "rb", **kwargs: Any) -> Opened:
        """Same as ``open`` (it is already a sync context manager)."""
        return self.open(mode, **kwargs)

    def exists_sync(self) -> bool:
        if self._local is not None and os.path.exists(self._local):
            return True
        return self._remote is not None and self._store().exists(self._remote)

    # -- dunder ---------------------------------------------------------------------------
    def __repr__(self) -> str:
        # As flyte 2 prints a File (its pydantic fields). ``str()`` is the path, as flytekit's
        # FlyteFile (the same class) prints it.
        return (
            f"{type(self).__name__}(path={self.path!r}, name={self.name!r}, "
            f"format={self.format!r}, hash={self.hash!r}, hash_method={self.hash_method!r})"
        )


File._family = File
FlyteFile = File
