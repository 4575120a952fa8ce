"""Built-in handlers for ``polars.DataFrame`` and ``polars.LazyFrame`` with polars' own readers
and writers (parquet by default, CSV, Arrow IPC), so a polars round trip costs what polars
costs. A ``LazyFrame`` is written with ``sink_*`` (streaming) to local storage and read back
lazily with ``scan_*``, declared columns becoming a ``select``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import polars as pl

from typesystem._literals import Table
from typesystem._types import Column
from typesystem.io import _paths
from typesystem.io._codecs_arrow import FORMATS, check_stored, data_files, declared, part_uri
from typesystem.io._columns import ARROW, CSV, PARQUET
from typesystem.io._handlers import (
    FrameHandlers,
    StructuredDatasetDecoder,
    StructuredDatasetEncoder,
    StructuredDatasetMetadata,
)
from typesystem.io._store import current_store


def _write(df: pl.DataFrame, sink: Any, fmt: str) -> None:
    if fmt == PARQUET:
        df.write_parquet(sink)
    elif fmt == CSV:
        df.write_csv(sink)
    elif fmt == ARROW:
        df.write_ipc(sink, compression="uncompressed")
    else:
        raise ValueError(f"unknown table format {fmt!r}")


def _read(source: Any, fmt: str, names: list[str] | None) -> pl.DataFrame:
    if fmt == PARQUET:
        return pl.read_parquet(source, columns=names)
    if fmt == CSV:
        return pl.read_csv(source, columns=names)
    if fmt == ARROW:
        return pl.read_ipc(source, columns=names)
    raise ValueError(f"unknown table format {fmt!r}")


def _scan(paths: list[str], fmt: str) -> pl.LazyFrame:
    if fmt == PARQUET:
        return pl.scan_parquet(paths)
    if fmt == CSV:
        return pl.scan_csv(paths)
    if fmt == ARROW:
        return pl.scan_ipc(paths)
    raise ValueError(f"unknown table format {fmt!r}")


def read_frame(uri: str, fmt: str, columns: tuple[Column, ...]) -> pl.DataFrame:
    store = current_store()
    files = data_files(uri, store)
    check_stored(files, fmt, columns, store)
    names = [c.name for c in columns] or None
    frames = []
    for f in files:
        if _paths.is_local(f):
            frames.append(_read(_paths.local_path(f), fmt, names))
        else:
            with store.open(f, "rb") as fh:
                frames.append(_read(fh, fmt, names))
    return frames[0] if len(frames) == 1 else pl.concat(frames, how="diagonal_relaxed")


class PolarsEncoder(StructuredDatasetEncoder):
    def __init__(self, python_type: type, fmt: str) -> None:
        super().__init__(python_type, None, fmt)

    def encode(self, ctx: Any, structured_dataset: Any, structured_dataset_type: Any) -> Table:
        store = current_store()
        uri = structured_dataset.uri or store.new_uri()
        frame = structured_dataset.dataframe
        target = part_uri(uri)
        fmt = self.supported_format
        if isinstance(frame, pl.LazyFrame):
            names = tuple(frame.collect_schema().names())
            if _paths.is_local(target) and fmt in (PARQUET, ARROW, CSV):
                path = _paths.local_path(target)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                if fmt == PARQUET:
                    frame.sink_parquet(path)
                elif fmt == ARROW:
                    frame.sink_ipc(path, compression="uncompressed")
                else:
                    frame.sink_csv(path)
                return Table(uri, fmt, names)
            frame = frame.collect()
        if _paths.is_local(target):
            path = _paths.local_path(target)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            _write(frame, path, fmt)
        else:
            with store.open(target, "wb") as fh:
                _write(frame, fh, fmt)
        return Table(uri, fmt, tuple(frame.columns))


class PolarsDecoder(StructuredDatasetDecoder):
    def __init__(self, python_type: type, fmt: str) -> None:
        super().__init__(python_type, None, fmt)

    def decode(self, ctx: Any, flyte_value: Any, current_task_metadata: Any) -> Any:
        columns = declared(current_task_metadata)
        fmt = self.supported_format
        if self.python_type is pl.LazyFrame:
            store = current_store()
            files = data_files(flyte_value.uri, store)
            if all(_paths.is_local(f) for f in files):
                check_stored(files, fmt, columns, store)
                lf = _scan([_paths.local_path(f) for f in files], fmt)
                return lf.select([c.name for c in columns]) if columns else lf
            return read_frame(flyte_value.uri, fmt, columns).lazy()
        return read_frame(flyte_value.uri, fmt, columns)

    def iter_decode(
        self, ctx: Any, flyte_value: Any, meta: StructuredDatasetMetadata, batch_size: int
    ) -> Iterator[Any]:
        from typesystem.io._codecs_arrow import iter_batches

        for batch in iter_batches(
            flyte_value.uri, self.supported_format, declared(meta), batch_size
        ):
            frame = pl.from_arrow(batch)
            assert isinstance(frame, pl.DataFrame)
            yield frame.lazy() if self.python_type is pl.LazyFrame else frame


def schema_of(frame: Any) -> Any:
    if isinstance(frame, pl.LazyFrame):
        return pl.DataFrame(schema=frame.collect_schema()).to_arrow().schema
    return frame.head(0).to_arrow().schema


def register_builtins(handlers: FrameHandlers) -> None:
    for t in (pl.DataFrame, pl.LazyFrame):
        for fmt in FORMATS:
            handlers.register(PolarsEncoder(t, fmt))
            handlers.register(PolarsDecoder(t, fmt))
        handlers.default_formats.setdefault(t, PARQUET)
