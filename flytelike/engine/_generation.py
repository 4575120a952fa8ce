"""The store's generation: 8 bytes in a file next to the database (``runs.db.cache-generation``),
mapped into memory by every process, rewritten whenever records others may remember are deleted
or replaced (cache entries cleared or overwritten, runs and closures pruned). A process compares
it with the value it last saw before trusting what it remembers; reading it is a memory read (no
system call). The file is private to its owner (0600), like the database.
"""

from __future__ import annotations

import mmap
import os


def generation_file(db_path: object) -> str:
    return f"{db_path}.cache-generation"


def map_generation(path: str) -> mmap.mmap:
    """The generation file at ``path`` mapped into memory (created on first use)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if os.fstat(fd).st_size < 8:
            os.write(fd, os.urandom(8))
        return mmap.mmap(fd, 8)
    finally:
        os.close(fd)


def bump(path: str) -> None:
    """Tell every process that records were deleted or replaced."""
    mm = map_generation(path)
    try:
        mm[:8] = os.urandom(8)
    finally:
        mm.close()


class Generation:
    """Reads one store's generation (mapped on first read)."""

    __slots__ = ("_mm", "path")

    def __init__(self, path: str) -> None:
        self.path = path
        self._mm: mmap.mmap | None = None

    def read(self) -> bytes:
        mm = self._mm
        if mm is None:
            mm = self._mm = map_generation(self.path)
        return mm[:8]
