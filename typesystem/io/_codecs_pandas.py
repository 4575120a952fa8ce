"""Built-in handlers for ``pandas.DataFrame``: through Arrow, in parquet (default), CSV and
Arrow IPC. The index is kept the way ``pyarrow.Table.from_pandas`` keeps it (a ``RangeIndex``
as metadata, other indexes as columns), also when only some columns are read."""

from __future__ import annotations

from typing import Any

import pandas as pd  # type: ignore[import-untyped]
import pyarrow as pa  # type: ignore[import-untyped]

from typesystem.io._codecs_arrow import FORMATS, ArrowDecoder, ArrowEncoder
from typesystem.io._columns import PARQUET
from typesystem.io._handlers import FrameHandlers


def to_arrow(df: Any) -> Any:
    return pa.Table.from_pandas(df)


def from_arrow(table: Any) -> Any:
    return table.to_pandas()


def schema_of(df: Any) -> Any:
    return pa.Schema.from_pandas(df.head(64))


def register_builtins(handlers: FrameHandlers) -> None:
    for fmt in FORMATS:
        handlers.register(ArrowEncoder(pd.DataFrame, fmt, to_arrow))
        handlers.register(ArrowDecoder(pd.DataFrame, fmt, from_arrow, keep_index=True))
    handlers.default_formats.setdefault(pd.DataFrame, PARQUET)
