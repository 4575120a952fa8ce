"""Built-in handlers for ``pandas.DataFrame``: through Arrow, in parquet (default), CSV and
Arrow IPC. CSV holds what ``DataFrame.to_csv`` writes: columns of lists, dicts or mixed objects
as their text (``to_csv_table``). The index is kept the way ``pyarrow.Table.from_pandas`` keeps it (a ``RangeIndex``
as metadata, other indexes as columns), also when only some columns are read.

Two shortcuts for frames of plain numeric columns, each giving what the general conversion
gives (the same table with the same pandas metadata; the same frame):

- **writing** (``to_arrow``): ``Table.from_pandas`` looks for NaN in every float column (NaN
  is stored as null) and builds a validity bitmap, ~9 ms for 1,000,000 x 5 float64 columns.
  A float column without NaN (``min`` is not NaN, ~0.3 ms a column) is wrapped as it is,
  without a copy; a column with NaN goes through the general conversion.
- **reading** (``from_arrow``): ``Table.to_pandas`` copies every column into one 2-D block
  (~15-20 ms for the same frame). A table read from an Arrow IPC file mapped copy-on-write
  (``_codecs_arrow``) whose columns share one numeric type, have no nulls and lie at equal
  distances in the file is that 2-D block already: the frame is built on the mapping without
  a copy. It stays writable: a write copies the page it touches into the process (the file is
  never changed). The frame holds the mapping while it lives (on Windows its file cannot be
  deleted meanwhile).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import pyarrow as pa  # type: ignore[import-untyped]

from typesystem.io._codecs_arrow import FORMATS, ArrowDecoder, ArrowEncoder, is_mapped
from typesystem.io._columns import CSV, PARQUET
from typesystem.io._handlers import FrameHandlers

_NUMERIC = frozenset("fiu")  # numpy kinds wrapped without a copy (float, int, unsigned)


def to_arrow(df: Any) -> Any:
    table = _plain_table(df)
    return table if table is not None else pa.Table.from_pandas(df)


def _plain_table(df: Any) -> Any:
    """``Table.from_pandas(df)`` for a plain frame of numeric columns with a ``RangeIndex``
    (stored as metadata) and unique string names, built column by column (see the module
    docstring); ``None`` for any other frame."""
    if type(df) is not pd.DataFrame or not len(df) or not isinstance(df.index, pd.RangeIndex):
        return None
    columns = df.columns
    if isinstance(columns, pd.MultiIndex) or not columns.is_unique:
        return None
    if not all(type(c) is str for c in columns):
        return None
    dtypes = df.dtypes
    if not all(isinstance(t, np.dtype) and t.kind in _NUMERIC for t in dtypes):
        return None
    schema = pa.Schema.from_pandas(df)  # (the pandas metadata; reads dtypes, not values)
    arrays = []
    for i, field in enumerate(schema):
        values = df.iloc[:, i].to_numpy(copy=False)
        nan = values.dtype.kind == "f" and np.isnan(values.min())
        arrays.append(pa.array(values, type=field.type, from_pandas=bool(nan)))
    return pa.Table.from_arrays(arrays, schema=schema)


def from_arrow(table: Any) -> Any:
    frame = _one_block(table)
    return frame if frame is not None else table.to_pandas()


def _one_block(table: Any) -> Any:
    """The frame ``table.to_pandas()`` gives, built on the writable memory ``table``'s
    columns lie in when they form one 2-D block there (see the module docstring); ``None``
    when they do not, or when the table is not a plain numeric frame with a ``RangeIndex``."""
    n, k = table.num_rows, table.num_columns
    meta = table.schema.pandas_metadata
    if not n or not k or not meta or len(meta.get("column_indexes") or ()) > 1:
        return None
    index = meta.get("index_columns") or []
    ranged = all(isinstance(i, dict) and i.get("kind") == "range" for i in index)
    if len(index) > 1 or not ranged:  # (an index stored as columns: the general path)
        return None
    kind = table.schema.types[0]
    if not (pa.types.is_floating(kind) or pa.types.is_integer(kind)):
        return None
    described = {c.get("field_name"): c for c in meta.get("columns") or ()}
    buffers = []
    for name, column in zip(table.column_names, table.columns, strict=True):
        about = described.get(name)
        if column.type != kind or column.num_chunks != 1 or column.null_count or about is None:
            return None
        if about.get("metadata") is not None:  # (a categorical, a time zone, ...)
            return None
        chunk = column.chunk(0)
        if chunk.offset:
            return None
        buffers.append(chunk.buffers()[1])
    dtype = np.dtype(kind.to_pandas_dtype())
    step = buffers[1].address - buffers[0].address if k > 1 else n * dtype.itemsize
    if step < n * dtype.itemsize or step % dtype.itemsize:
        return None
    if any(b.address != buffers[0].address + i * step for i, b in enumerate(buffers)):
        return None
    root = buffers[0]
    while root.parent is not None:
        root = root.parent
    if not is_mapped(root):  # (another table's memory: a frame on it must not write to it)
        return None
    start = buffers[0].address - root.address
    if start < 0 or start + (k - 1) * step + n * dtype.itemsize > root.size:
        return None
    if index:
        about = index[0]
        rows = pd.RangeIndex(about["start"], about["stop"], about["step"], name=about.get("name"))
        if len(rows) != n:
            return None
    else:
        rows = pd.RangeIndex(n)
    labels, attrs, dtypes = _shell(table)
    if not all(t == dtype for t in dtypes):
        return None
    memory = np.frombuffer(root, dtype=np.uint8)
    block = np.ndarray((k, n), dtype, memory, start, (step, dtype.itemsize))
    frame = pd.DataFrame(block.T, index=rows, columns=labels, copy=False)
    frame.attrs = attrs  # (pandas keeps a copy)
    return frame


# (pandas metadata, column names) -> what ``_shell`` found for them
_SHELLS: dict[tuple[bytes, tuple[str, ...]], tuple[Any, dict[str, Any], tuple[Any, ...]]] = {}


def _shell(table: Any) -> tuple[Any, dict[str, Any], tuple[Any, ...]]:
    """The column labels, ``attrs`` and column dtypes ``table.to_pandas()`` gives, from an
    empty slice of it (~3 ms of pyarrow's conversion machinery), kept per pandas metadata."""
    key = (table.schema.metadata[b"pandas"], tuple(table.column_names))
    found = _SHELLS.get(key)
    if found is None:
        shell = table.slice(0, 0).to_pandas()
        if len(_SHELLS) >= 64:
            _SHELLS.clear()
        found = _SHELLS[key] = (shell.columns, dict(shell.attrs), tuple(shell.dtypes))
    return found


# Arrow type -> whether pyarrow's CSV writer writes it (lists, structs and maps it refuses)
_CSV_WRITABLE: dict[Any, bool] = {}
_ARROW_ERRORS = (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError)


def _csv_writable(kind: Any) -> bool:
    found = _CSV_WRITABLE.get(kind)
    if found is None:
        import pyarrow.csv as pacsv  # type: ignore[import-untyped]

        try:
            pacsv.write_csv(pa.table({"c": pa.array([], kind)}), pa.BufferOutputStream())
            found = True
        except _ARROW_ERRORS:
            found = False
        _CSV_WRITABLE[kind] = found
    return found


def _as_text(value: Any) -> str | None:
    """A cell as ``DataFrame.to_csv`` writes it: missing values empty, anything else ``str``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    return value if isinstance(value, str) else str(value)


def to_csv_table(df: Any) -> Any:
    """``df`` as an Arrow table pyarrow's CSV writer writes, holding what ``DataFrame.to_csv``
    writes (flyte's CSV handler writes through it): a column Arrow cannot convert (mixed
    objects) or the CSV writer cannot write (lists, dicts, arrays: nested types) becomes the
    text pandas writes for each value (``str``, missing values empty), so it reads back as
    ``pandas.read_csv`` reads it: strings such as ``"['x', 'y']"``. Other columns are
    converted as for every format (``to_arrow``)."""
    try:
        table = to_arrow(df)
    except _ARROW_ERRORS:
        table = None
    if table is not None and all(_csv_writable(t) for t in table.schema.types):
        return table
    out = df.copy(deep=False)
    for i in range(df.shape[1]):
        column = df.iloc[:, i]
        try:
            writable = _csv_writable(pa.array(column, from_pandas=True).type)
        except _ARROW_ERRORS:
            writable = False
        if not writable:
            out.isetitem(i, column.map(_as_text).astype(object))
    return pa.Table.from_pandas(out)


def schema_of(df: Any) -> Any:
    return pa.Schema.from_pandas(df.head(64))


def register_builtins(handlers: FrameHandlers) -> None:
    for fmt in FORMATS:
        handlers.register(ArrowEncoder(pd.DataFrame, fmt, to_csv_table if fmt == CSV else to_arrow))
        handlers.register(ArrowDecoder(pd.DataFrame, fmt, from_arrow, keep_index=True))
    handlers.default_formats.setdefault(pd.DataFrame, PARQUET)
