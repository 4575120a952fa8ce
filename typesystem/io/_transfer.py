"""Placing a local file or directory into the store: moved when it may be, else copied, with its
content hashed in the same pass.

A file or directory under the running action's scratch directory (``current_scratch_dir``: the
action owns it and it is removed when the action ends) is renamed into a local store, which
costs nothing whatever its size; across file systems (``EXDEV``), outside the scratch directory
or to a remote store it is copied. When a content hash is wanted (``hasher``), it is computed
from the bytes as they are copied, or read once after a rename: the data is never read twice.

What does not live here: choosing the destination and the hash method (``_offloaded``), the
store's own operations (``_store``), hashes computed apart from an upload (``_hashing``).
"""

from __future__ import annotations

import errno
import hashlib
import os
from typing import Any

from typesystem.io import _paths
from typesystem.io._context import current_scratch_dir
from typesystem.io._hashing import _CHUNK
from typesystem.io._store import DataStore


def hasher(method: Any) -> Any:
    """An object with ``update(bytes)`` fed while the content passes, for a hash method that
    is an algorithm name (or ``True``: sha256) or an accumulator (``update``/``result``, fed
    fresh); ``None`` for methods that read the value themselves (callables, ``HashMethod``)."""
    if method is True:
        return hashlib.sha256()
    if isinstance(method, str):
        return hashlib.new(method)
    if callable(getattr(method, "update", None)) and callable(getattr(method, "result", None)):
        reset = getattr(method, "reset", None)
        if callable(reset):
            reset()
        return method
    return None


def digest(h: Any) -> str:
    """The result of a ``hasher``."""
    result = getattr(h, "result", None)
    return str(result()) if callable(result) else str(h.hexdigest())


def movable(local: str, dest: str) -> bool:
    """Whether ``local`` may be moved to ``dest``: it lies under the running action's scratch
    directory and ``dest`` is on local disk."""
    scratch = current_scratch_dir()
    if scratch is None or not _paths.is_local(dest):
        return False
    root = os.path.realpath(scratch)
    return os.path.realpath(local).startswith(root + os.sep)


def _rename(src: str, dest: str) -> bool:
    """Rename ``src`` to the local ``dest``; False when they are on different file systems."""
    target = _paths.local_path(dest)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    try:
        os.rename(src, target)
    except OSError as e:
        if e.errno == errno.EXDEV:
            return False
        raise
    return True


def _read_into(path: str, h: Any) -> None:
    with open(path, "rb") as f:
        while block := f.read(_CHUNK):
            h.update(block)


def _copy_hashing(store: DataStore, src: str, dest: str, h: Any) -> None:
    """Copy the local file ``src`` to ``dest`` (any store URI), feeding ``h`` from the same
    reads."""
    if _paths.is_local(dest):
        target = _paths.local_path(dest)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        out: Any = open(target, "wb")  # noqa: SIM115 (closed by the with below)
    else:
        out = store.open(dest, "wb")
    with open(src, "rb") as fin, out as fout:
        while block := fin.read(_CHUNK):
            h.update(block)
            fout.write(block)


def place_file(store: DataStore, local: str, dest: str, h: Any = None) -> bool:
    """Put the local file ``local`` at ``dest``, feeding ``h`` (a ``hasher``) its content.
    Returns whether it was moved (``local`` is then gone)."""
    # (a file with other hard links is copied: a link kept elsewhere would change the blob)
    if movable(local, dest) and os.stat(local).st_nlink == 1 and _rename(local, dest):
        if h is not None:
            _read_into(_paths.local_path(dest), h)
        return True
    if h is None:
        store.copy_file(local, dest)  # (in the kernel where it can)
    else:
        _copy_hashing(store, local, dest, h)
    return False


def place_dir(store: DataStore, local: str, dest: str, algorithm: str | None = None) -> str | None:
    """Put the local directory ``local`` at ``dest`` (moved when ``movable`` and ``dest`` does
    not exist yet, else copied file by file); returns its content hash with ``algorithm`` (the
    same value as ``content_hash``: relative paths with each file's hash), or None."""
    target = _paths.local_path(dest) if _paths.is_local(dest) else None
    if (
        target is not None
        and not os.path.exists(target)
        and movable(local, dest)
        and _rename(local.rstrip(os.sep), dest)
    ):
        if algorithm is None:
            return None
        moved: dict[str, str] = {}
        for rel in store.relative_files(dest):
            h = hashlib.new(algorithm)
            _read_into(os.path.join(target, rel), h)
            moved[rel] = h.hexdigest()
        return _dir_hash(algorithm, moved)
    if algorithm is None:
        store.copy_dir(local, dest)
        return None
    digests: dict[str, str] = {}
    if target is not None:
        os.makedirs(target, exist_ok=True)
    for rel in store.relative_files(local):
        h = hashlib.new(algorithm)
        _copy_hashing(store, os.path.join(local, rel), _paths.join(dest, rel), h)
        digests[rel] = h.hexdigest()
    return _dir_hash(algorithm, digests)


def _dir_hash(algorithm: str, digests: dict[str, str]) -> str:
    """``content_hash`` of a directory from its files' hashes by relative path (``content_hash``
    walks them in sorted order, as ``relative_files`` lists them)."""
    top = hashlib.new(algorithm)
    for rel in sorted(digests):
        top.update(rel.encode() + b"\0")
        top.update(digests[rel].encode() + b"\n")
    return top.hexdigest()
