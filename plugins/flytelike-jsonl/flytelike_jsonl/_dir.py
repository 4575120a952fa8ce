"""``JsonlDir``: a ``Dir`` of JSONL shards ``part-00000.jsonl``, ``part-00001.jsonl``, ...

The writer opens a new shard when the current one reaches ``max_records_per_shard`` records or
``max_bytes_per_shard`` (uncompressed) bytes, and continues after the highest existing shard
index, so opening a writer on a non-empty directory appends. Readers go through the shards in
name order, compressed and plain mixed, fetching the next remote shard in the background.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar

from flytelike_jsonl._codec import OnError, check_on_error
from flytelike_jsonl._file import (
    AsyncRecordWriter,
    JsonlFile,
    WriterContext,
    _FileWriter,
)
from flytelike_jsonl._reading import RecordReader
from typesystem.io import Dir, File

_SHARD = re.compile(r"^part-(\d+)\.")
_JSONL = re.compile(r"\.jsonl(\.zstd?)?$", re.IGNORECASE)


class ShardedWriter:
    """Writes records across shards of a ``JsonlDir``."""

    def __init__(
        self,
        directory: JsonlDir,
        max_records_per_shard: int | None,
        max_bytes_per_shard: int | None,
        shard_extension: str,
        compression_level: int,
    ) -> None:
        if not shard_extension.startswith("."):
            shard_extension = "." + shard_extension
        self.directory = directory
        self.max_records = max_records_per_shard
        self.max_bytes = max_bytes_per_shard
        self.extension = shard_extension
        self.compression_level = compression_level
        self.records = 0
        self.shards: list[File] = []
        self._next = directory._next_shard_index()
        self._current: _FileWriter | None = None

    def _writer(self) -> _FileWriter:
        if self._current is None:
            f = self.directory.new_file(f"part-{self._next:05d}{self.extension}")
            self._next += 1
            self.shards.append(f)
            buffer = min(1 << 20, self.max_bytes) if self.max_bytes else 1 << 20
            self._current = _FileWriter(f, self.compression_level, buffer)
        return self._current

    def _rotate_if_full(self) -> None:
        w = self._current
        if w is None:
            return
        if (self.max_records is not None and w.records >= self.max_records) or (
            self.max_bytes is not None and w.bytes >= self.max_bytes
        ):
            w.close()
            self._current = None

    def _add(self, record: Any) -> bool:
        w = self._writer()
        full = w._add(record)
        self.records += 1
        at_limit = (self.max_records is not None and w.records >= self.max_records) or (
            self.max_bytes is not None and w.bytes >= self.max_bytes
        )
        return full or at_limit

    def flush(self) -> None:
        if self._current is not None:
            self._current.flush()
            self._rotate_if_full()

    def write(self, record: Any) -> None:
        if self._add(record):
            self.flush()

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None

    def async_view(self) -> AsyncRecordWriter:
        return AsyncRecordWriter(self)  # type: ignore[arg-type]

    def __enter__(self) -> ShardedWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class JsonlDir(RecordReader, Dir):
    """A directory of JSONL shards (``part-NNNNN.jsonl[.zst]``)."""

    _declared_format: ClassVar[str] = "jsonl"
    _file_class: ClassVar[type[File]] = JsonlFile

    def shards(self) -> list[JsonlFile]:
        """The JSONL files in this directory, in name order."""
        files = [f for f in self.walk_sync(recursive=False) if _JSONL.search(f.name)]
        return sorted((f for f in files if isinstance(f, JsonlFile)), key=lambda f: f.name)

    def _next_shard_index(self) -> int:
        if not self.exists_sync():
            return 0
        indices = [int(m.group(1)) for f in self.shards() if (m := _SHARD.match(f.name))]
        return max(indices) + 1 if indices else 0

    # -- writing --------------------------------------------------------------------------
    def _make_writer(self, *args: Any) -> ShardedWriter:
        return ShardedWriter(self, *args)

    def writer(
        self,
        max_records_per_shard: int | None = None,
        max_bytes_per_shard: int | None = None,
        shard_extension: str = ".jsonl",
        compression_level: int = 3,
    ) -> WriterContext:
        """``async with d.writer(max_records_per_shard=...) as w: await w.write({...})``."""
        args = (max_records_per_shard, max_bytes_per_shard, shard_extension, compression_level)
        return WriterContext(lambda: self._make_writer(*args))

    def writer_sync(
        self,
        max_records_per_shard: int | None = None,
        max_bytes_per_shard: int | None = None,
        shard_extension: str = ".jsonl",
        compression_level: int = 3,
    ) -> ShardedWriter:
        return self._make_writer(
            max_records_per_shard, max_bytes_per_shard, shard_extension, compression_level
        )

    # -- reading --------------------------------------------------------------------------
    def _records(self, on_error: OnError) -> Iterator[Any]:
        check_on_error(on_error)
        shards = self.shards()
        if not shards:
            return
        # The prefetch thread runs in a copy of this context, so it sees the same store.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="jsonl-prefetch") as pool:
            upcoming = pool.submit(contextvars.copy_context().run, _prefetch, shards[0])
            for i in range(len(shards)):
                shard = upcoming.result()
                if i + 1 < len(shards):
                    upcoming = pool.submit(contextvars.copy_context().run, _prefetch, shards[i + 1])
                yield from shard.iter_records_sync(on_error)


def _prefetch(shard: JsonlFile) -> JsonlFile:
    """Bring a remote shard to local disk ahead of reading it."""
    if shard.remote_source is not None and not shard.downloaded:
        from typesystem.io import is_remote

        if is_remote(shard.remote_source):
            shard.download_sync()
    return shard
