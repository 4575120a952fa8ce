"""Transformers for ``File`` and ``Dir`` (and their subclasses): blobs at the task boundary.

``to_literal`` uploads what is not in the store yet: a local file or directory is copied to a
fresh key under the raw data prefix (or to its ``remote_path``), or moved there when it lies in
the running action's scratch directory (``_transfer``); a value already in the store,
or at any remote URI, passes by reference without copying; ``remote_path=False`` keeps the local
path. A task may return a ``str`` or ``pathlib.Path`` where a ``File``/``Dir`` is declared.
``to_python`` does no I/O: it returns a lazy ``File``/``Dir`` reading from the literal's URI.
The empty-directory sentinel (``EmptyDir``) is a multipart blob at ``EMPTY_DIR_PATH``, received
as the declared ``Dir`` type with ``is_empty`` true.
The literal's ``hash`` is the value's ``hash`` (or its ``hash_method``'s result), so cache keys
use content hashes when one is known.
"""

from __future__ import annotations

import os
from typing import Any

from typesystem._literals import Blob, Literal
from typesystem._transformer import TypeTransformer, bad_literal, mismatch
from typesystem._types import BlobType, LiteralType
from typesystem.errors import ConversionError, Issue
from typesystem.io import _paths, _transfer
from typesystem.io._dir import EMPTY_DIR_PATH, Dir
from typesystem.io._file import File
from typesystem.io._hashing import compute_hash
from typesystem.io._store import current_store
from typesystem.io._stored import with_format


def _stamp(path: str) -> tuple[float, int]:
    st = os.stat(path)
    return st.st_mtime, st.st_size


class _BlobTransformer(TypeTransformer[Any]):
    multipart = False
    kind = "file"

    def __init__(self, cls: type) -> None:
        super().__init__(cls.__qualname__, cls)
        self.cls: Any = cls
        self.fmt: str = getattr(cls, "_declared_format", "")
        self.lt = BlobType(self.fmt, self.multipart)

    def literal_type(self, t: Any) -> LiteralType:
        return self.lt

    def matches(self, value: Any, t: Any) -> bool:
        return isinstance(value, self.base_class())

    def base_class(self) -> type:
        raise NotImplementedError

    def _coerce(self, value: Any) -> Any:
        base = self.base_class()
        if isinstance(value, base):
            return value
        if isinstance(value, str | os.PathLike) and not isinstance(value, File | Dir):
            return self.cls(value)
        raise mismatch(f"{self.name} (or a str/pathlib.Path)", value)

    def _exists_locally(self, path: str) -> bool:
        return os.path.isdir(path) if self.multipart else os.path.isfile(path)

    def to_literal(self, value: Any, t: Any = None) -> Literal:
        v = self._coerce(value)
        uri = self._place(v)
        fmt = v.format or self.fmt
        digest = v.hash
        if digest is None and v.hash_method is not None:  # (not hashed by an upload)
            digest = compute_hash(v, v.hash_method)
            v.hash = digest
        return Blob(uri, fmt, self.multipart, hash=digest)

    def _place(self, v: Any) -> str:
        """The URI the value is stored at, uploading it first when needed (moved when it lies
        in the running action's scratch directory; its content hash, when it has a
        ``hash_method`` and no hash, computed from the same pass: ``_transfer``)."""
        if self.multipart and v.is_empty:
            return EMPTY_DIR_PATH
        store = current_store()
        remote = v._remote
        if remote is not None and (
            _paths.is_remote(remote) or store.contains(remote) or v.remote_path is False
        ):
            return str(remote)
        local = v._local
        if local is None:
            raise ConversionError([Issue("$", self.name, repr(v), "it names no location")])
        if not self._exists_locally(local):
            what = "directory" if self.multipart else "file"
            raise ConversionError(
                [
                    Issue(
                        "$",
                        self.name,
                        f"missing {what} {local!r}",
                        f"the {what} does not exist; create it before returning it",
                    )
                ]
            )
        if v.remote_path is False:
            return str(local)
        if store.contains(local) and not isinstance(v.remote_path, str):
            return str(local)
        stamp = _stamp(local)
        memo = v._uploaded
        if memo is not None and memo[:3] == (store.raw_data_prefix, *stamp):
            return str(memo[3])
        if isinstance(v.remote_path, str):
            dest = v.remote_path
        else:
            dest = store.new_uri(os.path.basename(local.rstrip(os.sep)) or self.kind)
        method = v.hash_method if v.hash is None else None
        if self.multipart:
            algorithm = "sha256" if method is True else method
            if isinstance(algorithm, str) or method is None:
                digest = _transfer.place_dir(store, local, dest, algorithm)
                if digest is not None:
                    v.hash = digest
            else:  # (an accumulator over a directory reads it in its own order, afterwards)
                store.copy_dir(local, dest)
        else:
            h = _transfer.hasher(method) if method is not None else None
            _transfer.place_file(store, local, dest, h)
            if h is not None:
                v.hash = _transfer.digest(h)
        if not os.path.exists(local):  # moved: the value now lives in the store
            v._remote = dest
            v._local = v.path = _paths.local_path(dest)
        v._uploaded = (store.raw_data_prefix, *stamp, dest)
        return dest

    def to_python(self, literal: Literal, t: Any = None) -> Any:
        if type(literal) is not Blob:
            raise bad_literal(self.name, literal)
        if literal.multipart != self.multipart:
            want = "a directory (multipart blob)" if self.multipart else "a file (single blob)"
            raise ConversionError(
                [Issue("$", self.name, f"Blob(multipart={literal.multipart})", f"expected {want}")]
            )
        if self.multipart and literal.uri == EMPTY_DIR_PATH:
            return self.cls(path=EMPTY_DIR_PATH, name="", format=literal.format, hash=literal.hash)
        return self.cls._from_store(literal.uri, format=literal.format, hash=literal.hash)

    def guess_python_type(self, literal_type: LiteralType) -> Any:
        if isinstance(literal_type, BlobType) and literal_type.multipart == self.multipart:
            if literal_type.format == self.fmt and literal_type.tag == self.lt.tag:
                return self.cls
            if self.cls is self.base_class():
                return guess_blob_type(literal_type)
        raise ValueError("not this blob type")


class FileTransformer(_BlobTransformer):
    """``File`` and its subclasses as single-part blobs."""

    def base_class(self) -> type:
        return File


class DirTransformer(_BlobTransformer):
    """``Dir`` and its subclasses as multipart blobs."""

    multipart = True
    kind = "dir"

    def base_class(self) -> type:
        return Dir


def is_file_type(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, File)


def is_dir_type(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, Dir)


def file_factory(t: Any, registry: Any) -> TypeTransformer[Any]:
    return FileTransformer(t)


def dir_factory(t: Any, registry: Any) -> TypeTransformer[Any]:
    return DirTransformer(t)


def guess_blob_type(lt: BlobType) -> Any:
    """``File``/``Dir`` (format-typed when the literal type has a format)."""
    base = Dir if lt.multipart else File
    return with_format(base, lt.format) if lt.format else base
