"""``Stored``: what ``File`` and ``Dir`` share - a path-like reference to data that is local,
in a store, or both, with a declared format (``File["csv"]``).

Subclasses keep ``_remote`` (the URI in a store) and ``_local`` (a path on local disk), define
``download_sync``/``exists_sync``, and set ``_family`` to the class whose instances compare
equal to theirs (``File`` for every ``File[...]``).

``path`` is what users open and print, as flytekit and flyte show it: the path as given for a
value made from a path; for a value read from a store on local disk (the default raw data
prefix ``file://...``: a task's input, a local run's output) the absolute local path, so
``open(f.path)`` works; for a value in a remote store (``s3://``, ``memory://``) its URI, which
``os.fspath(f)``/``download()`` fetch to local disk. ``remote_source`` is the store URI in
every case; ``str()`` is ``path``.
"""

from __future__ import annotations

import asyncio
import os
import typing
from typing import Any, ClassVar, Self

from typesystem.io import _paths
from typesystem.io._dual import dual
from typesystem.io._pydantic import ModelLike
from typesystem.io._store import current_store

_SUBCLASSES: dict[tuple[type, str], type] = {}


def format_name(item: Any) -> str:
    """The format a generic parameter names: ``"csv"``, ``TypeVar("csv")``, a class. A string
    is taken as flytekit takes it: ``".csv"`` and ``" csv"`` are ``"csv"``."""
    if isinstance(item, str):
        return item.strip().lstrip("~").lstrip(".")
    if isinstance(item, typing.TypeVar):
        return item.__name__
    if isinstance(item, type):
        return item.__name__.lower()
    raise TypeError(f"a format must be a string or a TypeVar, not {item!r}")


def with_format(cls: type, item: Any) -> Any:
    """The cached subclass of ``cls`` whose declared format is ``item``."""
    fmt = format_name(item)
    if not fmt:  # File[""]: no format, the class itself
        return cls
    key = (cls, fmt)
    sub = _SUBCLASSES.get(key)
    if sub is None:
        name = f"{cls.__name__}[{fmt!r}]"
        sub = type(
            name,
            (cls,),
            {"_declared_format": fmt, "__module__": cls.__module__, "__qualname__": name},
        )
        _SUBCLASSES[key] = sub
    return sub


class Stored(ModelLike, os.PathLike[str]):
    """Base of ``File`` and ``Dir`` (see the module docstring)."""

    _declared_format: ClassVar[str] = ""
    _family: ClassVar[type] = object
    path: str
    format: str
    _remote: str | None
    _local: str | None

    def __init__(self, path: Any, format: str | None = None, hash: str | None = None) -> None:
        raise NotImplementedError

    def _init_reference(
        self,
        path: str | os.PathLike[str],
        name: str | None,
        format: str | None,
        hash: str | None,
        remote_path: str | bool | None,
        hash_method: Any,
    ) -> None:
        """Set what every reference holds: where it is (local and/or in a store), its name,
        format, known hash and upload settings."""
        text = os.fspath(path)
        self.path = text
        self.name: str = name or _paths.basename(text)
        self.format = format if format is not None else type(self)._declared_format
        self.hash: str | None = hash
        self.remote_path = remote_path
        self.hash_method = hash_method
        self._remote = text if _paths.is_remote(text) else None
        self._local = _paths.local_path(text) if _paths.is_local(text) else None
        self._uploaded: tuple[str, float, int, str] | None = None

    def __class_getitem__(cls, item: Any) -> Any:
        return with_format(cls, item)

    @classmethod
    def _from_store(cls, uri: str, *, format: str = "", hash: str | None = None) -> Self:
        """The value a task receives: a lazy reference to ``uri`` (local URIs read in place)."""
        value = cls(uri, format=format or cls._declared_format, hash=hash)
        value._remote = uri
        if value._local is not None:  # a store on local disk: users get the plain path
            value.path = value._local
        return value

    @classmethod
    def named_remote(cls, name: str) -> Self:
        """A location of the current action that is the same on every retry."""
        return cls._from_store(current_store().named_uri(name))

    @classmethod
    def from_source(cls, source: str | os.PathLike[str]) -> Self:
        """flytekit's ``from_source``: a value from a local path or a URI."""
        return cls(source)

    @property
    def remote_source(self) -> str | None:
        """The URI in the store this value is read from, if it is in a store."""
        return self._remote

    @property
    def local_path(self) -> str | None:
        """Where the data is on local disk (``None`` until downloaded, for remote values)."""
        return self._local

    def location(self) -> str:
        """The remote URI if there is one, else the local path."""
        return self._remote or self._local or self.path

    def __fspath__(self) -> str:
        return self.download_sync()

    def download_sync(self, local_path: str | os.PathLike[str] | None = None) -> str:
        raise NotImplementedError

    def download(self, local_path: str | os.PathLike[str] | None = None) -> Any:
        """``download_sync`` in sync code; an awaitable of it inside a running event loop."""
        return dual(lambda: self.download_sync(local_path))

    def exists_sync(self) -> bool:
        raise NotImplementedError

    async def exists(self) -> bool:
        return await asyncio.to_thread(self.exists_sync)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from typesystem.io._pydantic import offloaded_schema

        return offloaded_schema(cls, source)

    def __str__(self) -> str:
        return self.path

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, self._family):
            return NotImplemented
        return (self.location(), self.format) == (other.location(), other.format)  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((self.location(), self.format))
