"""``JsonlFile``: a ``File`` of JSON Lines records, written and read as streams.

``writer()`` is an async context manager (``await w.write(record)``) and a sync one
(``w.write(record)``); ``writer_sync()`` is the explicit sync twin. Records are buffered and
written in blocks, through zstd when the file name ends in ``.zst``/``.zstd``. Readers
(``iter_records``, ``iter_batches``, ``iter_arrow_batches``) support ``for`` and ``async for``
and have ``_sync`` twins.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from types import TracebackType
from typing import IO, Any, ClassVar

from flytelike_jsonl._codec import (
    OnError,
    check_on_error,
    compressing,
    decompressing,
    dumps,
    is_compressed,
    records,
)
from flytelike_jsonl._reading import RecordReader
from typesystem.io import File


class RecordWriter:
    """Writes records to one file; ``records`` and ``bytes`` count what was written."""

    def __init__(self, file: File, compression_level: int = 3, buffer_bytes: int = 1 << 20) -> None:
        self.file = file
        self.compression_level = compression_level
        self.buffer_bytes = buffer_bytes
        self.records = 0
        self.bytes = 0
        self._buf: list[bytes] = []
        self._pending = 0
        self._opened: Any = None
        self._stream: IO[bytes] | None = None

    def _open(self) -> None:
        self._opened = self.file.open("wb")
        fh = self._opened.__enter__()
        self._stream = (
            compressing(fh, self.compression_level) if is_compressed(self.file.location()) else fh
        )

    def _add(self, record: Any) -> bool:
        line = dumps(record)
        self._buf.append(line)
        self._pending += len(line)
        self.records += 1
        self.bytes += len(line)
        return self._pending >= self.buffer_bytes

    def flush(self) -> None:
        if self._stream is None:
            self._open()
        if self._buf:
            assert self._stream is not None
            self._stream.write(b"".join(self._buf))
            self._buf.clear()
            self._pending = 0

    def write(self, record: Any) -> None:
        """Append one JSON-serialisable record."""
        if self._add(record):
            self.flush()

    def write_many(self, items: Any) -> None:
        for record in items:
            self.write(record)

    def close(self) -> None:
        self.flush()
        if self._stream is not None:
            self._stream.close()
            self._opened.__exit__(None, None, None)
            self._stream = None

    def __enter__(self) -> RecordWriter:
        return self

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncRecordWriter:
    """The async face of a ``RecordWriter``: serialising is in line, file I/O in a thread."""

    def __init__(self, inner: RecordWriter) -> None:
        self.inner = inner

    @property
    def records(self) -> int:
        return self.inner.records

    async def write(self, record: Any) -> None:
        if self.inner._add(record):
            await asyncio.to_thread(self.inner.flush)

    async def write_many(self, items: Any) -> None:
        for record in items:
            await self.write(record)

    async def flush(self) -> None:
        await asyncio.to_thread(self.inner.flush)


class WriterContext:
    """``with f.writer() as w`` or ``async with f.writer() as w``."""

    def __init__(self, make: Any) -> None:
        self._make = make
        self._writer: Any = None

    def __enter__(self) -> Any:
        self._writer = self._make()
        return self._writer

    def __exit__(self, *exc: object) -> None:
        self._writer.close()

    async def __aenter__(self) -> Any:
        self._writer = self._make()
        return self._writer.async_view()

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.to_thread(self._writer.close)


class _FileWriter(RecordWriter):
    def async_view(self) -> AsyncRecordWriter:
        return AsyncRecordWriter(self)


class JsonlFile(RecordReader, File):
    """A JSON Lines file (``.jsonl``; ``.jsonl.zst``/``.jsonl.zstd`` are zstd-compressed)."""

    _declared_format: ClassVar[str] = "jsonl"

    # -- writing --------------------------------------------------------------------------
    def writer(self, compression_level: int = 3, buffer_bytes: int = 1 << 20) -> WriterContext:
        """A record writer: ``async with f.writer() as w: await w.write({...})``."""
        return WriterContext(lambda: _FileWriter(self, compression_level, buffer_bytes))

    def writer_sync(self, compression_level: int = 3, buffer_bytes: int = 1 << 20) -> RecordWriter:
        """``with f.writer_sync() as w: w.write({...})``."""
        return _FileWriter(self, compression_level, buffer_bytes)

    # -- reading --------------------------------------------------------------------------
    def _records(self, on_error: OnError) -> Iterator[Any]:
        check_on_error(on_error)
        opened = self.open("rb")
        with opened as fh:
            stream = decompressing(fh) if is_compressed(self.location()) else fh
            yield from records(stream, self.location(), on_error)
