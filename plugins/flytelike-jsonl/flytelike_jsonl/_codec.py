"""Encoding and decoding JSON Lines streams: orjson records, zstd by extension, bad lines.

``on_error`` for readers: ``"raise"`` (default) raises ``JsonlDecodeError`` naming the line;
``"skip"`` logs a warning and goes on; a callable ``(line_number, raw_line, exc) -> None`` is
called and the line skipped.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from typing import IO, Any, Literal

import orjson

OnError = Literal["raise", "skip"] | Callable[[int, bytes, Exception], None]
ZSTD_SUFFIXES = (".zst", ".zstd")
log = logging.getLogger("flytelike_jsonl")


class JsonlDecodeError(ValueError):
    """A line of a JSONL file is not valid JSON."""

    def __init__(self, where: str, line_number: int, raw: bytes, cause: Exception) -> None:
        super().__init__(
            f"{where}: line {line_number} is not valid JSON ({cause}): {raw[:80]!r}. "
            "Pass on_error='skip' or a callable to read past bad lines."
        )
        self.line_number = line_number
        self.raw_line = raw


def is_compressed(name: str) -> bool:
    return name.lower().endswith(ZSTD_SUFFIXES)


def dumps(record: Any) -> bytes:
    return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE | orjson.OPT_SERIALIZE_NUMPY)


def compressing(fh: IO[bytes], level: int) -> IO[bytes]:
    import zstandard

    return zstandard.ZstdCompressor(level=level).stream_writer(fh, closefd=True)


def decompressing(fh: IO[bytes]) -> IO[bytes]:
    import zstandard

    reader = zstandard.ZstdDecompressor().stream_reader(fh, closefd=True)
    return io.BufferedReader(reader, buffer_size=1 << 20)


def check_on_error(on_error: Any) -> None:
    if on_error not in ("raise", "skip") and not callable(on_error):
        raise ValueError(f"on_error must be 'raise', 'skip' or a callable, not {on_error!r}")


def records(stream: IO[bytes], where: str, on_error: OnError) -> Iterator[Any]:
    """Decode every non-blank line of ``stream``."""
    loads = orjson.loads
    for number, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        try:
            yield loads(raw)
        except orjson.JSONDecodeError as e:
            if on_error == "raise":
                raise JsonlDecodeError(where, number, raw.rstrip(b"\n"), e) from e
            if on_error == "skip":
                log.warning("%s: skipping line %d, not valid JSON: %s", where, number, e)
            else:
                on_error(number, raw.rstrip(b"\n"), e)


def batches(items: Iterator[Any], batch_size: int) -> Iterator[list[Any]]:
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def arrow_batches(items: Iterator[Any], batch_size: int) -> Iterator[Any]:
    try:
        import pyarrow as pa  # type: ignore[import-untyped]
    except ImportError as e:
        raise ImportError(
            "iter_arrow_batches needs pyarrow: pip install 'flytelike-jsonl[arrow]'"
        ) from e
    for batch in batches(items, batch_size):
        yield pa.RecordBatch.from_pylist(batch)
