"""Reading and writing Arrow tables in the store (parquet, CSV, Arrow IPC), and the built-in
handlers for ``pyarrow.Table``.

Layout: a stored table is a directory holding one or more data files; writers produce the
single file ``<uri>/00000`` (the layout flytekit's pandas and arrow handlers use), readers read
every non-hidden file under the directory, or the URI itself when it is a file. Local paths go
to pyarrow's native file functions (Arrow IPC mapped copy-on-write: ``_mapped``); remote ones
stream through the store's fsspec file objects. Declared columns are pushed down to the reader
and checked against the stored schema first.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]

from typesystem._literals import Table
from typesystem._types import Column
from typesystem.io import _paths
from typesystem.io._columns import ARROW, CSV, PARQUET, check_columns
from typesystem.io._handlers import (
    FrameHandlers,
    StructuredDatasetDecoder,
    StructuredDatasetEncoder,
    StructuredDatasetMetadata,
)
from typesystem.io._store import DataStore, current_store

PART = "00000"
FORMATS = (PARQUET, CSV, ARROW)


def data_files(uri: str, store: DataStore) -> list[str]:
    """The data files of the table at ``uri`` (sorted; ``_``/``.``-prefixed names skipped)."""
    if not store.isdir(uri):
        return [uri]
    files = [f for f in store.find(uri) if not _paths.basename(f).startswith(("_", "."))]
    if not files:
        raise FileNotFoundError(f"the table at {uri!r} holds no data files")
    return files


def part_uri(uri: str) -> str:
    return _paths.join(uri, PART)


def _local(uri: str) -> str | None:
    if _paths.is_local(uri):
        return _paths.local_path(uri)
    return None


def write_table(table: Any, uri: str, fmt: str, store: DataStore) -> None:
    """Write ``table`` as ``<uri>/00000`` in ``fmt``."""
    target = part_uri(uri)
    path = _local(target)
    if path is not None:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        _write(table, path, fmt)
    else:
        with store.open(target, "wb") as fh:
            _write(table, fh, fmt)


def dictionary_columns(schema: Any) -> bool | list[str]:
    """Parquet's ``use_dictionary`` for ``schema``: every column, except floating-point ones
    of a flat table. Distinct floats rarely repeat, so their dictionary overflows and parquet
    falls back to plain encoding after paying for it: 1,000,000 x 5 float64 columns took ~130
    ms of CPU to write with dictionaries tried, ~70 ms without, files of about the same size.
    A table with nested columns keeps parquet's default (its leaf paths are not top-level
    names)."""
    kinds = [f.type for f in schema]
    if not any(pa.types.is_floating(t) for t in kinds):
        return True
    if any(pa.types.is_nested(t) for t in kinds):
        return True
    return [f.name for f in schema if not pa.types.is_floating(f.type)]


def _write(table: Any, sink: Any, fmt: str) -> None:
    if fmt == PARQUET:
        import pyarrow.parquet as pq  # type: ignore[import-untyped]

        pq.write_table(table, sink, use_dictionary=dictionary_columns(table.schema))
    elif fmt == CSV:
        import pyarrow.csv as pacsv  # type: ignore[import-untyped]

        pacsv.write_csv(table, sink)
    elif fmt == ARROW:
        out = pa.OSFile(sink, "wb") if isinstance(sink, str) else sink
        try:
            with pa.ipc.new_file(out, table.schema) as writer:
                writer.write_table(table)
        finally:
            if isinstance(sink, str):
                out.close()
    else:
        raise ValueError(f"unknown table format {fmt!r}")


def _schema(source: Any, fmt: str) -> Any:
    if fmt == PARQUET:
        import pyarrow.parquet as pq

        return pq.read_schema(source)
    if fmt == ARROW:
        src = pa.memory_map(source) if isinstance(source, str) else source
        return pa.ipc.open_file(src).schema
    return None


def _open_each(files: list[str], store: DataStore, fn: Callable[[Any], Any]) -> list[Any]:
    out = []
    for f in files:
        path = _local(f)
        if path is not None:
            out.append(fn(path))
        else:
            with store.open(f, "rb") as fh:
                out.append(fn(fh))
    return out


def declared(meta: Any) -> tuple[Column, ...]:
    sd_type = getattr(meta, "structured_dataset_type", None)
    return tuple(getattr(sd_type, "columns", ()) or ())


def check_stored(files: list[str], fmt: str, columns: tuple[Column, ...], store: DataStore) -> None:
    """Check declared columns against the first data file's schema (parquet, Arrow IPC)."""
    if not columns or fmt == CSV:
        return
    schema = _open_each(files[:1], store, lambda s: _schema(s, fmt))[0]
    if schema is not None:
        check_columns(schema, columns, f"the stored table {files[0]!r}")


# start address -> the copy-on-write mappings ``_mapped`` made that are still alive
_MAPPINGS: weakref.WeakValueDictionary[int, Any] = weakref.WeakValueDictionary()


def _mapped(path: str) -> Any:
    """The file at ``path`` mapped copy-on-write, as an Arrow buffer: a table read from it
    lies in the file's pages (nothing is copied in); memory written through it (a pandas frame
    built on it, ``_codecs_pandas``) gets its own pages and never reaches the file."""
    import mmap

    with open(path, "rb") as f:
        if not os.fstat(f.fileno()).st_size:
            return pa.py_buffer(b"")
        try:
            mapping = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY)
        except OSError:  # (a private writable mapping refused, e.g. strict overcommit)
            return pa.memory_map(path)
    buffer = pa.py_buffer(mapping)
    _MAPPINGS[buffer.address] = mapping
    return buffer


def is_mapped(buffer: Any) -> bool:
    """Whether the Arrow ``buffer`` is a whole copy-on-write mapping made by ``_mapped``
    (memory a reader may hand out as writable: writes never reach the file, nor anything
    else's memory)."""
    found = _MAPPINGS.get(buffer.address)
    return found is not None and len(found) == buffer.size


def _csv_options(names: list[str] | None) -> Any:
    """How CSV is read: only ``names`` when given, and an empty field of a text column is a
    missing value (null), as ``pandas.read_csv`` reads it (flytekit's and flyte's CSV handlers
    read through pandas)."""
    import pyarrow.csv as pacsv

    return pacsv.ConvertOptions(include_columns=names or [], strings_can_be_null=True)


def _read_one(source: Any, fmt: str, names: list[str] | None, keep_index: bool = False) -> Any:
    if fmt == PARQUET:
        import pyarrow.parquet as pq

        return pq.read_table(source, columns=names, use_pandas_metadata=keep_index)
    if fmt == ARROW:
        src = _mapped(source) if isinstance(source, str) else source
        table = pa.ipc.open_file(src).read_all()
        if names and keep_index:
            meta = table.schema.pandas_metadata or {}
            stored = [c for c in meta.get("index_columns", ()) if isinstance(c, str)]
            names = names + [c for c in stored if c not in names]
        return table.select(names) if names else table
    if fmt == CSV:
        import pyarrow.csv as pacsv

        return pacsv.read_csv(source, convert_options=_csv_options(names))
    raise ValueError(f"unknown table format {fmt!r}")


def read_table(
    uri: str, fmt: str, columns: tuple[Column, ...] = (), keep_index: bool = False
) -> Any:
    """Read the table at ``uri`` (only ``columns`` when some are declared; with
    ``keep_index``, also the pandas index stored beside them, as ``pandas.read_parquet``
    keeps it)."""
    store = current_store()
    files = data_files(uri, store)
    check_stored(files, fmt, columns, store)
    names = [c.name for c in columns] or None
    tables = _open_each(files, store, lambda s: _read_one(s, fmt, names, keep_index))
    return tables[0] if len(tables) == 1 else pa.concat_tables(tables, promote_options="default")


def iter_batches(uri: str, fmt: str, columns: tuple[Column, ...], batch_size: int) -> Iterator[Any]:
    """Stream the table at ``uri`` as ``pyarrow.RecordBatch`` objects of up to ``batch_size``."""
    store = current_store()
    files = data_files(uri, store)
    check_stored(files, fmt, columns, store)
    names = [c.name for c in columns] or None
    for f in files:
        path = _local(f)
        if path is not None:
            yield from _batches(path, fmt, names, batch_size)
        else:
            with store.open(f, "rb") as fh:
                yield from _batches(fh, fmt, names, batch_size)


def _batches(source: Any, fmt: str, names: list[str] | None, batch_size: int) -> Iterator[Any]:
    if fmt == PARQUET:
        import pyarrow.parquet as pq

        yield from pq.ParquetFile(source).iter_batches(batch_size=batch_size, columns=names)
    elif fmt == ARROW:
        src = pa.memory_map(source) if isinstance(source, str) else source
        reader = pa.ipc.open_file(src)
        for i in range(reader.num_record_batches):
            batch = reader.get_batch(i)
            if names:
                batch = batch.select(names)
            for start in range(0, batch.num_rows, batch_size):
                yield batch.slice(start, batch_size)
    elif fmt == CSV:
        import pyarrow.csv as pacsv

        reader = pacsv.open_csv(source, convert_options=_csv_options(names))
        for batch in reader:
            for start in range(0, batch.num_rows, batch_size):
                yield batch.slice(start, batch_size)
    else:
        raise ValueError(f"unknown table format {fmt!r}")


class ArrowEncoder(StructuredDatasetEncoder):
    """Writes any frame that converts to an Arrow table (``to_arrow``)."""

    def __init__(self, python_type: type, fmt: str, to_arrow: Callable[[Any], Any]) -> None:
        super().__init__(python_type, None, fmt)
        self.to_arrow = to_arrow

    def encode(self, ctx: Any, structured_dataset: Any, structured_dataset_type: Any) -> Table:
        store = current_store()
        uri = structured_dataset.uri or store.new_uri()
        table = self.to_arrow(structured_dataset.dataframe)
        write_table(table, uri, self.supported_format, store)
        return Table(uri, self.supported_format, tuple(table.column_names))


class ArrowDecoder(StructuredDatasetDecoder):
    """Reads a stored table into a frame (``from_arrow``), pushing declared columns down."""

    def __init__(
        self,
        python_type: type,
        fmt: str,
        from_arrow: Callable[[Any], Any],
        keep_index: bool = False,
    ) -> None:
        super().__init__(python_type, None, fmt)
        self.from_arrow = from_arrow
        self.keep_index = keep_index  # (pandas: a column subset keeps the frame's index)

    def decode(self, ctx: Any, flyte_value: Any, current_task_metadata: Any) -> Any:
        table = read_table(
            flyte_value.uri, self.supported_format, declared(current_task_metadata), self.keep_index
        )
        return self.from_arrow(table)

    def iter_decode(
        self, ctx: Any, flyte_value: Any, meta: StructuredDatasetMetadata, batch_size: int
    ) -> Iterator[Any]:
        for batch in iter_batches(
            flyte_value.uri, self.supported_format, declared(meta), batch_size
        ):
            yield self.from_arrow(pa.Table.from_batches([batch]))


def schema_of(table: Any) -> Any:
    return table.schema


def register_builtins(handlers: FrameHandlers) -> None:
    for fmt in FORMATS:
        handlers.register(ArrowEncoder(pa.Table, fmt, lambda t: t))
        handlers.register(ArrowDecoder(pa.Table, fmt, lambda t: t))
    handlers.default_formats.setdefault(pa.Table, PARQUET)
