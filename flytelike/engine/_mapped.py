"""Length-prefixed records appended to a file through a shared memory map (no system call per
record).

The file is mapped a window of ``CHUNK`` bytes at a time and grown by zeros as the window moves
on; a record's body is copied before its 4-byte length, so a length that is there has its whole
record before it, and a reader stops at the first zero length (the unwritten rest) or at a record
running past the end (torn). Pages written through a shared mapping are the kernel's page cache,
as ``os.write``'s are: they outlive a kill -9 of the process (not a power cut; nothing here
fsyncs). Used by the run store's pending journal (``_pending``).
"""

from __future__ import annotations

import mmap
import os
import struct

LEN = struct.Struct("<I")
_SIZE = LEN.size
_PUT_LEN = LEN.pack_into  # (into the map itself: no bytes object, no slice)
CHUNK = 1 << 20  # (the window mapped at a time)


def records(data: bytes) -> list[bytes]:
    """The whole records at the start of ``data`` (a torn last one is dropped; a zero length is
    where nothing was written yet)."""
    out: list[bytes] = []
    at, end = 0, len(data)
    while at + LEN.size <= end:
        (size,) = LEN.unpack_from(data, at)
        at += LEN.size
        if size == 0 or at + size > end:
            break
        out.append(data[at : at + size])
        at += size
    return out


class MappedRecords:
    """Appends records to the open file ``fd`` (from its start; the caller owns ``fd``)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.pos = 0  # (where the next record goes: the end of the whole records)
        self._mm: mmap.mmap | None = None
        self._base = self._end = 0  # (the window: file offsets)

    def _window(self, need: int) -> None:
        """Map the window from the page holding ``pos`` on, with room for ``need`` bytes and the
        next record's length; the file is grown (zeros: unwritten) to the window's end."""
        if self._mm is not None:
            self._mm.close()
            self._mm = None
        base = self.pos - self.pos % mmap.ALLOCATIONGRANULARITY
        size = max(CHUNK, self.pos - base + need + LEN.size)
        if os.fstat(self.fd).st_size < base + size:
            os.ftruncate(self.fd, base + size)
        self._mm = mmap.mmap(self.fd, size, offset=base)
        self._base, self._end = base, base + size

    def append(self, record: bytes) -> None:
        """Append one (non-empty) record (raises ``OSError`` when the file cannot grow)."""
        n = len(record)
        at = self.pos
        end = at + _SIZE + n
        mm = self._mm
        if mm is None or end + _SIZE > self._end:
            self._window(_SIZE + n)
            mm = self._mm
            assert mm is not None
        base = self._base
        mm[at - base + _SIZE : end - base] = record
        _PUT_LEN(mm, at - base, n)  # (last: it counts now)
        self.pos = end

    def clear(self) -> None:
        """Drop every record: the file is cut to nothing (mapped again on the next append)."""
        self.unmap()
        os.ftruncate(self.fd, 0)
        self.pos = 0

    def unmap(self) -> None:
        if self._mm is not None:
            self._mm.close()
            self._mm = None
