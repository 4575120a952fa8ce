"""Content hashes of files and directories, for cache keys.

``content_hash`` is the built-in option: a sha256 over the bytes of a file, or over the sorted
relative paths and bytes of a directory, read in streaming chunks. Use it as
``Annotated[File, HashMethod(content_hash)]`` or ``File.from_local(p, hash_method="sha256")``.

A ``hash_method`` may also be an accumulator with ``update(data)`` and ``result()`` (flyte 2's
``HashMethod`` protocol), such as ``HashFunction.from_fn(fn)``: the content is fed to it in
chunks of up to 4 MiB, as flyte feeds an upload (a ``HashFunction`` keeps ``fn`` of the last
chunk, so for a file of one chunk it is ``fn(all the bytes)``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from typing import Any

_CHUNK = 4 << 20


def hash_stream(fh: Any, algorithm: str = "sha256") -> str:
    h = hashlib.new(algorithm)
    while block := fh.read(_CHUNK):
        h.update(block)
    return h.hexdigest()


class HashFunction:
    """flyte 2's ``flyte.io.HashFunction``: a hash method made of a function of the data."""

    def __init__(self, fn: Callable[[Any], str]) -> None:
        if not callable(fn):
            raise TypeError(f"HashFunction needs a callable (data -> str), got {fn!r}")
        self._fn = fn
        self._value: str | None = None

    @classmethod
    def from_fn(cls, fn: Callable[[Any], str]) -> HashFunction:
        return cls(fn)

    def update(self, data: Any, /) -> None:
        self._value = self._fn(data)

    def result(self) -> str:
        if self._value is None:
            raise ValueError("HashFunction.result(): no data yet; call update(data) first")
        return self._value

    def reset(self) -> None:
        self._value = None


def _accumulate(value: Any, method: Any) -> str:
    """Feed the content of ``value`` (a ``File``, ``Dir`` or local path) to ``method.update``."""
    from typesystem.io._dir import Dir
    from typesystem.io._file import File
    from typesystem.io._store import current_store

    reset = getattr(method, "reset", None)
    if callable(reset):
        reset()
    store = current_store()
    handles: list[Any]
    if isinstance(value, File):
        handles = [value.open("rb")]
    else:
        path = value._reading_location() if isinstance(value, Dir) else os.fspath(value)
        if store.isdir(path):
            from typesystem.io._paths import join

            handles = [store.open(join(path, rel), "rb") for rel in store.relative_files(path)]
        else:
            handles = [store.open(path, "rb")]
    for h in handles:
        with h as fh:
            while block := fh.read(_CHUNK):
                method.update(block)
    return str(method.result())


def content_hash(value: Any, algorithm: str = "sha256") -> str:
    """Hash of the content of a ``File``, a ``Dir``, or a local path (file or directory)."""
    from typesystem.io._dir import Dir
    from typesystem.io._file import File
    from typesystem.io._store import current_store

    store = current_store()
    if isinstance(value, Dir):
        from typesystem.io._paths import join

        h = hashlib.new(algorithm)
        base = value._reading_location()
        for rel in store.relative_files(base):
            h.update(rel.encode() + b"\0")
            with store.open(join(base, rel), "rb") as fh:
                h.update(hash_stream(fh, algorithm).encode() + b"\n")
        return h.hexdigest()
    if isinstance(value, File):
        with value.open("rb") as fh:
            return hash_stream(fh, algorithm)
    path = os.fspath(value)
    if store.isdir(path):
        return content_hash(Dir(path), algorithm)
    with store.open(path, "rb") as fh:
        return hash_stream(fh, algorithm)


def is_algorithm(name: str) -> bool:
    """Whether ``name`` is a hashlib algorithm (``"sha256"``); another string given as a
    ``hash_method`` is a precomputed hash, as in flyte 2."""
    return name.lower() in hashlib.algorithms_available


def compute_hash(value: Any, method: Any) -> str | None:
    """The hash ``method`` gives for ``value``: an algorithm name, ``HashMethod``, a callable,
    or (any other string) the hash itself."""
    if method is None or method is False:
        return None
    if method is True:
        return content_hash(value)
    if isinstance(method, str):
        # flyte 2's meaning of any other string: the hash itself, computed elsewhere
        return content_hash(value, method) if is_algorithm(method) else method
    calculate: Callable[[Any], Any] | None = getattr(method, "calculate", None)
    if calculate is not None:
        return str(calculate(value))
    if callable(getattr(method, "update", None)) and callable(getattr(method, "result", None)):
        return _accumulate(value, method)
    if callable(method):
        return str(method(value))
    raise TypeError(
        f"hash_method must be an algorithm name ('sha256'), a HashMethod or a callable, "
        f"not {type(method).__name__}"
    )
