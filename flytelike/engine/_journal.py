"""Map item journals: a finished map item survives a kill -9 of the engine's process.

The fast map path hands finished items to the run store in batches (``_items``): a batch reaches
SQLite tens of milliseconds after its items finished, so a kill -9 in that window would lose them
and a resume would run their bodies again. So every finished item is also appended, as it finishes,
to its map's journal: one file per map action under ``<home>/journal/<run>/``, one length-prefixed
record per item (the item's encoded record, as ``_items`` stores it, sealed when it holds a pickle),
or one per chunk for items that ran as a chunk (``_items.encode_chunk``, appended when the chunk
ends: a kill while a chunk runs loses its finished items, which a resume runs again; a chunk lasts
about ``_map_inplace.CHUNK_SECONDS``). No fsync: a killed process's writes are already in the
kernel's page cache, which outlives it (a power cut may lose them, as it may lose SQLite's last
commits with ``synchronous=NORMAL``).

The journal file is mapped into memory (``mmap``, shared) a window of ``_CHUNK`` bytes at a time,
the file grown by zeros as the window moves on: an append is two memory copies, no system call, and
the map's memory holds one window of its journal, not all of it. Pages written through a shared
mapping belong to the kernel's page cache as ``os.write``'s do, so they outlive a kill -9 the same
way. A record's body is copied before its length, so a length that is there has its whole record
before it; the reader stops at the first zero length (the unwritten rest). A journal closed normally
is cut to its records.

A map that ends commits its batches and removes its journal, so journals only exist for maps that
were running when their process died. ``ingest`` (run on resume, before the succeeded outputs are
read) turns each journal into one ``map_items`` row and removes it, leaving out the records whose
batch the store had committed before the kill (so no record is stored twice); a torn record at the
end (the kill hit mid-write) and anything after it are ignored; a record holding a pickle without a
valid seal is refused (logged; the item runs again). ``remove`` drops a run's journals (``runs
delete``/``prune``). Files are 0600 in 0700 folders (``_private``).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import mmap
import os
import shutil
import stat
import struct
from pathlib import Path
from typing import Any

import msgpack

from flytelike.engine._items import INSERT_SQL, chunk_count, is_chunk
from flytelike.engine._private import FILE_MODE, private_dir
from flytelike.engine.errors import UntrustedDataError

log = logging.getLogger("flytelike.engine.journal")

_HEADER = "flytelike-map-journal"
_LEN = struct.Struct("<I")
_CHUNK = 1 << 20  # (the window mapped at a time; the file grows by zeros to its end)


def journal_root(db_path: str | Path) -> Path:
    return Path(db_path).parent / "journal"


def run_folder(db_path: str | Path, run: str) -> Path:
    return journal_root(db_path) / hashlib.sha256(run.encode()).hexdigest()[:32]


def join_items(packed: list[bytes]) -> bytes:
    """Encoded item records as one ``map_items`` batch (a msgpack array of them)."""
    return bytes(msgpack.Packer().pack_array_header(len(packed))) + b"".join(packed)


class MapJournal:
    """The journal of one map action; ``append`` is called under the map's lock."""

    def __init__(self, db_path: str | Path, run: str, aid: str, node_id: str, name: str) -> None:
        folder = run_folder(db_path, run)
        self.folder = str(folder)
        self.path = str(folder / f"{hashlib.sha256(aid.encode()).hexdigest()[:32]}.items")
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
        for attempt in range(3):
            private_dir(str(journal_root(db_path)))
            private_dir(self.folder)
            try:
                self._fd = os.open(self.path, flags | os.O_EXCL, FILE_MODE)
                new = True
            except FileExistsError:  # (a resume killed before it removed the last one)
                self._fd = os.open(self.path, flags, FILE_MODE)
                new = False
            except FileNotFoundError:  # another map of the run removed the folder just now
                if attempt == 2:
                    raise
                continue
            break
        try:
            # (reopened: append after its whole records, over a torn tail)
            self._pos = 0 if new else _whole(os.pread(self._fd, os.fstat(self._fd).st_size, 0))
            os.ftruncate(self._fd, self._pos)  # (a torn tail goes)
            self._mm: mmap.mmap | None = None
            self._base = self._end = 0  # (the window: file offsets)
            self._window(_LEN.size)
        except BaseException:
            os.close(self._fd)
            raise
        if new:
            self.append(msgpack.packb([_HEADER, run, aid, node_id, name], use_bin_type=True))

    def _window(self, need: int) -> None:
        """Map the window from the page holding ``_pos`` on, with room for ``need`` bytes and
        the next record's length; the file is grown (zeros: unwritten) to the window's end."""
        if self._mm is not None:
            self._mm.close()
            self._mm = None
        base = self._pos - self._pos % mmap.ALLOCATIONGRANULARITY
        size = max(_CHUNK, self._pos - base + need + _LEN.size)
        if os.fstat(self._fd).st_size < base + size:
            os.ftruncate(self._fd, base + size)
        self._mm = mmap.mmap(self._fd, size, offset=base)
        self._base, self._end = base, base + size

    def append(self, record: bytes) -> None:
        if self._mm is None:  # (closed: the map has ended; a stopped item finishing late)
            return
        at = self._pos
        end = at + _LEN.size + len(record)
        if end + _LEN.size > self._end:
            self._window(_LEN.size + len(record))
        mm, base = self._mm, self._base
        mm[at - base + _LEN.size : end - base] = record
        mm[at - base : at - base + _LEN.size] = _LEN.pack(len(record))  # (last: it counts now)
        self._pos = end

    def remove(self) -> None:
        """Close and delete (the map's batches are committed)."""
        self.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        with contextlib.suppress(OSError):  # (not empty: other maps of the run are running)
            os.rmdir(self.folder)

    def close(self) -> None:
        """Unmap and cut the file to its records (a resume may still read it)."""
        if self._mm is not None:
            self._mm.close()
            self._mm = None
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, self._pos)
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def _records(data: bytes) -> list[bytes]:
    """The whole records of a journal file (a torn last one is dropped; a zero length is where
    nothing was written yet)."""
    out: list[bytes] = []
    at, end = 0, len(data)
    while at + _LEN.size <= end:
        (size,) = _LEN.unpack_from(data, at)
        at += _LEN.size
        if size == 0 or at + size > end:
            break
        out.append(data[at : at + size])
        at += size
    return out


def _whole(data: bytes) -> int:
    """Where the whole records at the start of ``data`` end."""
    return sum(_LEN.size + len(r) for r in _records(data))


def _read(path: Path, integrity: Any) -> tuple[list[Any], list[tuple[bytes, int]]] | None:
    """``(header, records)`` of one journal file, each record with the number of items it holds
    (an item's record one, a chunk's its items), or ``None`` when the file is unusable."""
    st = path.lstat()
    if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid():
        log.warning("map journal %s ignored: not a file of yours", path)
        return None
    records = _records(path.read_bytes())
    try:
        header = msgpack.unpackb(records[0], raw=False) if records else None
    except (ValueError, msgpack.ExtraData):
        header = None
    if not (isinstance(header, list) and len(header) == 5 and header[0] == _HEADER):
        log.warning("map journal %s ignored: it has no valid header", path)
        return None
    items: list[tuple[bytes, int]] = []
    for rec in records[1:]:
        try:
            body = integrity.check_literals(rec, f"a journaled map item of {header[2]}", str(path))
            raw = msgpack.unpackb(body, raw=False)
        except UntrustedDataError as e:
            log.warning("%s; the item runs again", e)
            continue
        except (ValueError, msgpack.ExtraData):
            log.warning("map journal %s: a damaged record and what follows are ignored", path)
            break
        if isinstance(raw, list) and raw and raw[0] == _HEADER:
            continue  # the header again (a journal reopened by a resume)
        if is_chunk(raw):
            items.append((body, chunk_count(raw)))
        elif isinstance(raw, list) and len(raw) == 7 and isinstance(raw[0], int):
            items.append((body, 1))
        else:
            log.warning("map journal %s: a malformed record and what follows are ignored", path)
            break
    return header, items


def ingest(store: Any, run: str) -> int:
    """Commit the journals of ``run`` as ``map_items`` rows and remove them; returns how many
    items they held that the store did not have yet (a record already in a committed row, the
    batch it went in having been committed before the kill, is not added again). ``store`` is
    the ``RunStore``."""
    folder = run_folder(store.db.path, run)
    try:
        paths = sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime)
    except FileNotFoundError:
        return 0
    store.db.flush()  # (what this process queued for the run goes first)
    ops: list[tuple[str, tuple[Any, ...]]] = []
    count = 0
    for path in paths:
        found = _read(path, store.integrity) if path.suffix == ".items" else None
        if found is None:
            continue
        (_, jrun, aid, node_id, name), records = found
        if jrun != run or not records:
            continue
        stored = _committed(store, run, aid)
        new = [(body, n) for body, n in records if body not in stored]
        if not new:
            continue
        data = store.integrity.seal_if_pickled(join_items([body for body, _ in new]))
        ops.append((INSERT_SQL, (run, aid, node_id, name, data)))
        count += sum(n for _, n in new)
    if ops:
        store.db.execute(ops)
    remove(store.db.path, run)
    return count


def split_items(data: bytes) -> list[bytes]:
    """The encoded records of a ``map_items`` batch (``join_items`` undone)."""
    unpacker = msgpack.Unpacker(raw=False, max_buffer_size=max(len(data), 1 << 20))
    unpacker.feed(data)
    out: list[bytes] = []
    n = unpacker.read_array_header()
    at = unpacker.tell()
    for _ in range(n):
        unpacker.skip()
        end = unpacker.tell()
        out.append(data[at:end])
        at = end
    return out


def _committed(store: Any, run: str, aid: str) -> set[bytes]:
    """The item records of map action ``aid`` that committed rows of the store hold."""
    sql = "SELECT data FROM map_items WHERE run_name=? AND action_id=?"
    out: set[bytes] = set()
    for (data,) in store.db.query(sql, (run, aid)):
        try:
            body = store.integrity.check_literals(data, f"map items of {aid}", str(store.db.path))
            out.update(split_items(body))
        except (UntrustedDataError, ValueError, msgpack.ExtraData):
            continue  # (an unusable row adds nothing: its items come from the journal)
    return out


def remove(db_path: str | Path, run: str) -> None:
    shutil.rmtree(run_folder(db_path, run), ignore_errors=True)
