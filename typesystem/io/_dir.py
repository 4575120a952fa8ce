"""``Dir``: a reference to a directory tree, local or in the store; also ``FlyteDirectory``
and ``Directory``.

Like ``File``, a ``Dir`` is lazy: ``walk()``, ``list_files()`` and ``get_file()`` list the store
without downloading and yield lazy ``File`` objects; ``download()`` fetches the whole tree with
parallel transfers. flytekit's ``listdir``, ``crawl``, ``new_file`` and ``new_dir`` are here too.

``EmptyDir()`` (also ``Dir.empty()``) is flyte's "no directory was produced" value: a ``Dir``
whose path is the sentinel ``EMPTY_DIR_PATH``, passed through the type system as that path (no
upload) and received as a plain ``Dir`` (of the declared type) with ``is_empty`` true. It reads
as an empty directory: listing yields nothing, ``get_file`` returns ``None``, ``download`` makes
an empty local directory; ``exists`` is false (nothing was produced).
"""

from __future__ import annotations

import asyncio
import fnmatch
import os
from collections.abc import Iterator
from typing import Any, ClassVar, Self

from typesystem.io import _paths
from typesystem.io._context import uploads_now
from typesystem.io._dual import DualIterator
from typesystem.io._file import File
from typesystem.io._hashing import compute_hash
from typesystem.io._store import current_store
from typesystem.io._stored import Stored

# The path of every empty-directory sentinel (flyte's spelling, so the value means the same on
# either side): no scheme and leading colons, so no real local path or URI can equal it.
EMPTY_DIR_PATH = "::flyte-empty-dir::"


class Dir(Stored):
    """A directory, local or in the store, fetched lazily (see ``File`` for the arguments)."""

    _declared_format: ClassVar[str] = ""
    _file_class: ClassVar[type[File]] = File

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        name: str | None = None,
        format: str | None = None,
        hash: str | None = None,
        remote_directory: str | bool | None = None,
        remote_path: str | bool | None = None,
        hash_method: Any = None,
        downloader: Any = None,
    ) -> None:
        if remote_path is None:
            remote_path = remote_directory
        self._init_reference(path, name, format, hash, remote_path, hash_method)
        if self.path == EMPTY_DIR_PATH:  # names no location: nothing to upload or read
            self._local = self._remote = None
            self.name = self.name if name is None else name

    @property
    def is_empty(self) -> bool:
        """Whether this is the "no directory was produced" sentinel (``EmptyDir``)."""
        return self.path == EMPTY_DIR_PATH

    @classmethod
    def empty(cls) -> Dir:
        """The "no directory was produced" sentinel (an ``EmptyDir``)."""
        return EmptyDir()

    @classmethod
    async def from_local(
        cls,
        local_path: str | os.PathLike[str],
        remote_destination: str | None = None,
        dir_cache_key: str | None = None,
        batch_size: int | None = None,
    ) -> Self:
        """Upload a local directory (``batch_size`` files at once) and reference the copy;
        outside a running action it is uploaded when a run takes it (``File.from_local_sync``)."""
        return await asyncio.to_thread(
            cls._upload, local_path, remote_destination, dir_cache_key, batch_size
        )

    @classmethod
    def from_local_sync(
        cls,
        local_path: str | os.PathLike[str],
        remote_destination: str | None = None,
        dir_cache_key: str | None = None,
    ) -> Self:
        """Synchronous ``from_local``."""
        return cls._upload(local_path, remote_destination, dir_cache_key, None)

    @classmethod
    def _upload(
        cls,
        local_path: str | os.PathLike[str],
        remote_destination: str | None,
        dir_cache_key: str | None,
        batch_size: int | None,
    ) -> Self:
        src = _paths.local_path(os.fspath(local_path))
        if not os.path.isdir(src):
            raise ValueError(f"Directory not found: {src!r} (from_local needs a local directory)")
        name = os.path.basename(src.rstrip(os.sep))
        if remote_destination is None and not uploads_now():  # (as File.from_local_sync)
            return cls(src, name=name, hash=dir_cache_key)
        store = current_store()
        dest = remote_destination or store.new_uri(name)
        store.copy_dir(src, dest, max_workers=batch_size)
        d = cls._from_store(dest, hash=dir_cache_key)
        d.name = name
        return d

    @classmethod
    def new_remote(cls, dir_name: str | None = None, hash: str | None = None) -> Self:
        """A new directory at a fresh location in the store; add files with ``new_file``."""
        d = cls._from_store(current_store().new_uri(dir_name or "dir"), hash=hash)
        if dir_name:
            d.name = dir_name.strip("/")
        return d

    @classmethod
    def from_existing_remote(cls, remote_path: str, dir_cache_key: str | None = None) -> Self:
        return cls._from_store(remote_path, hash=dir_cache_key)

    @property
    def remote_directory(self) -> str | None:
        return self._remote

    def _reading_location(self) -> str:
        if self._local is not None and os.path.isdir(self._local):
            return self._local
        return self.location()

    # -- listing --------------------------------------------------------------------------
    def _files(
        self, recursive: bool = True, max_depth: int | None = None, file_pattern: str = "*"
    ) -> Iterator[File]:
        if self.is_empty:
            return
        base = self._reading_location()
        store = current_store()
        depth = 1 if not recursive else max_depth
        cls = type(self)._file_class
        for uri in sorted(store.find(base, maxdepth=depth), key=lambda u: _walk_order(u, base)):
            name = _paths.basename(uri)
            if file_pattern != "*" and not fnmatch.fnmatch(name, file_pattern):
                continue
            yield cls._from_store(uri) if _paths.is_remote(uri) else cls(uri)

    def walk(
        self, recursive: bool = True, max_depth: int | None = None, file_pattern: str = "*"
    ) -> DualIterator[File]:
        """The files below this directory as lazy ``File`` objects (``for`` or ``async for``)."""
        return DualIterator(lambda: self._files(recursive, max_depth, file_pattern))

    def walk_sync(
        self, recursive: bool = True, file_pattern: str = "*", max_depth: int | None = None
    ) -> Iterator[File]:
        return self._files(recursive, max_depth, file_pattern)

    def list_files_sync(self) -> list[File]:
        """The files directly in this directory (not recursive)."""
        return list(self._files(recursive=False))

    async def list_files(self) -> list[File]:
        return await asyncio.to_thread(self.list_files_sync)

    def get_file_sync(self, file_name: str) -> File | None:
        """The file ``file_name`` (a relative path) in this directory, or ``None``."""
        if self.is_empty:
            return None
        uri = _paths.join(self._reading_location(), file_name)
        store = current_store()
        if not store.exists(uri) or store.isdir(uri):
            return None
        cls = type(self)._file_class
        return cls._from_store(uri) if _paths.is_remote(uri) else cls(uri)

    async def get_file(self, file_name: str) -> File | None:
        return await asyncio.to_thread(self.get_file_sync, file_name)

    def exists_sync(self) -> bool:
        if self.is_empty:
            return False
        if self._local is not None and os.path.isdir(self._local):
            return True
        return self._remote is not None and current_store().exists(self._remote)

    @staticmethod
    def listdir(directory: Dir) -> list[File | Dir]:
        """flytekit's ``FlyteDirectory.listdir``: the entries directly inside ``directory``."""
        out: list[File | Dir] = []
        if directory.is_empty:
            return out
        base = directory._reading_location()
        store = current_store()
        seen: set[str] = set()
        for rel in store.relative_files(base):
            head = rel.split("/", 1)[0]
            if head in seen:
                continue
            seen.add(head)
            uri = _paths.join(base, head)
            kind: Any = type(directory) if "/" in rel else type(directory)._file_class
            out.append(kind._from_store(uri) if _paths.is_remote(uri) else kind(uri))
        return out

    def crawl(self, maxdepth: int | None = None, topdown: bool = True) -> Iterator[tuple[str, str]]:
        """flytekit's ``crawl``: ``(base, relative path)`` for every file below."""
        if self.is_empty:
            return
        base = self._reading_location()
        for rel in current_store().relative_files(base):
            if maxdepth is None or rel.count("/") < maxdepth:
                yield base, rel

    def new_file(self, name: str) -> File:
        """A file inside this directory (written with ``open("wb")``)."""
        self._not_empty("new_file")
        uri = _paths.join(self.location(), name)
        cls = type(self)._file_class
        return cls._from_store(uri) if self._remote is not None else cls(uri)

    def new_dir(self, name: str) -> Self:
        self._not_empty("new_dir")
        uri = _paths.join(self.location(), name)
        return type(self)._from_store(uri) if self._remote is not None else type(self)(uri)

    def __truediv__(self, name: str) -> File:
        return self.new_file(name)

    # -- downloading ----------------------------------------------------------------------
    def download_sync(self, local_path: str | os.PathLike[str] | None = None) -> str:
        """Fetch the whole tree (parallel transfers) and return the local directory."""
        if local_path is None and self._local is not None and os.path.isdir(self._local):
            return self._local
        store = current_store()
        if self.is_empty:  # an empty directory: nothing to fetch
            target = _paths.local_path(os.fspath(local_path)) if local_path else ""
            if not target:
                target = os.path.join(store.context.download_dir(), _paths.new_key(), "empty")
            os.makedirs(target, exist_ok=True)
            return target
        if local_path is None:
            target = os.path.join(
                store.context.download_dir(), _paths.new_key(), self.name or "dir"
            )
        else:
            target = _paths.local_path(os.fspath(local_path))
        store.copy_dir(self.location(), target)
        if local_path is None:
            self._local = target
        return target

    def compute_hash(self, method: Any = "sha256") -> str | None:
        return None if self.is_empty else compute_hash(self, method)

    def _not_empty(self, what: str) -> None:
        if self.is_empty:
            raise ValueError(
                f"Dir.{what}: this Dir is the empty-directory sentinel (EmptyDir), which names "
                "no location; make a directory with Dir.new_remote() or Dir.from_local()"
            )

    # -- dunder ---------------------------------------------------------------------------
    def __repr__(self) -> str:
        # As flyte 2 prints a Dir (see File.__repr__).
        return (
            f"{type(self).__name__}(path={self.path!r}, name={self.name!r}, "
            f"format={self.format!r}, hash={self.hash!r})"
        )


class EmptyDir(Dir):
    """flyte's "no directory was produced" value (see the module docstring); arguments other
    than the path (``name``, ``format``) are kept, the path is always ``EMPTY_DIR_PATH``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["path"] = EMPTY_DIR_PATH
        kwargs.setdefault("name", "")
        super().__init__(**kwargs)


Dir._family = Dir
FlyteDirectory = Dir
Directory = Dir


def _walk_order(uri: str, base: str) -> tuple[tuple[int, str], ...]:
    """Top-down walk order, as ``os.walk`` and flyte's ``Dir.walk`` give it: a directory's own
    files (by name) before its subdirectories (by name, each walked the same way)."""
    rel = uri[len(base) :] if uri.startswith(base) else uri
    parts = [p for p in rel.replace(os.sep, "/").split("/") if p]
    if not parts:
        return ()
    return (*((1, d) for d in parts[:-1]), (0, parts[-1]))
