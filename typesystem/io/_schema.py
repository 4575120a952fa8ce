"""``FlyteSchema``: flytekit's deprecated table type, as a ``DataFrame`` with declared columns.

``FlyteSchema[kwtypes(a=int, b=str)]`` is a subclass that declares its columns (and
``SchemaFormat.PARQUET``, the one format); its literal is a table like ``StructuredDataset``'s, so
a ``FlyteSchema`` output feeds a ``pandas.DataFrame`` or ``StructuredDataset`` input and back. A
task declaring a ``FlyteSchema`` output may return a frame (written in parquet at the task
boundary) or a ``FlyteSchema`` it wrote through ``open().write(df)``. A received schema is
read-only: ``open()`` gives a reader (``all()``, ``iter()``), by default of ``pandas.DataFrame``s.
"""

from __future__ import annotations

import enum
import warnings
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, Self

from typesystem.io import _paths
from typesystem.io._frame import DataFrame


class SchemaFormat(enum.Enum):
    """How a schema's table is stored; parquet is the only format."""

    PARQUET = "parquet"


class SchemaOpenMode(enum.Enum):
    READ = "r"
    WRITE = "w"


def _deprecated() -> None:
    warnings.warn(
        "FlyteSchema is deprecated; declare StructuredDataset (or a dataframe type) instead",
        DeprecationWarning,
        stacklevel=3,
    )


class FlyteSchema(DataFrame):
    """A table with declared columns; ``open()`` returns its reader or writer."""

    _schema_columns: ClassVar[Mapping[str, Any]] = {}
    _schema_format: ClassVar[SchemaFormat] = SchemaFormat.PARQUET

    def __class_getitem__(cls, item: Any) -> Any:
        _deprecated()
        columns, fmt = item if isinstance(item, tuple) else (item, SchemaFormat.PARQUET)
        if not columns:
            return FlyteSchema
        if not isinstance(columns, Mapping):
            raise TypeError(
                f"FlyteSchema[...] takes a mapping of column names to types (kwtypes(a=int)), "
                f"got {type(columns).__qualname__}"
            )
        if not isinstance(fmt, SchemaFormat):
            raise TypeError(f"FlyteSchema[..., fmt]: fmt must be a SchemaFormat, got {fmt!r}")
        cols = dict(columns)
        name = "FlyteSchema[" + ", ".join(
            f"{k}={getattr(v, '__name__', v)}" for k, v in cols.items()
        )
        return type(name + "]", (FlyteSchema,), {"_schema_columns": cols, "_schema_format": fmt})

    @classmethod
    def __table_hints__(cls) -> tuple[Any, ...]:
        """What the dataframe transformer reads as if from ``Annotated``: the declared columns."""
        return (dict(cls._schema_columns),) if cls._schema_columns else ()

    @classmethod
    def columns(cls) -> dict[str, Any]:
        return dict(cls._schema_columns)

    @classmethod
    def column_names(cls) -> list[str]:
        return list(cls._schema_columns)

    @classmethod
    def format(cls) -> SchemaFormat:  # type: ignore[override]
        return cls._schema_format

    def __init__(
        self,
        local_path: str | None = None,
        remote_path: str | None = None,
        supported_mode: SchemaOpenMode = SchemaOpenMode.WRITE,
        downloader: Any = None,
    ) -> None:
        if supported_mode is SchemaOpenMode.READ and remote_path is None and local_path is None:
            raise ValueError(
                "FlyteSchema(supported_mode=SchemaOpenMode.READ) needs remote_path= (or "
                "local_path=): the stored table to read"
            )
        super().__init__(uri=remote_path or local_path, format=self._schema_format.value)
        self._mode = supported_mode
        self._downloader = downloader

    @classmethod
    def _from_store(
        cls, uri: str, format: str, columns: tuple[str, ...] = (), hash: str | None = None
    ) -> Self:
        from typesystem._literals import Table

        sd = cls._new(uri, format, hash)
        sd._literal = Table(uri, sd.file_format or "parquet", columns, hash=hash)
        return sd

    @classmethod
    def _new(cls, uri: str | None, format: str, hash: str | None) -> Self:
        sd = cls.__new__(cls)
        DataFrame.__init__(sd, uri=uri, format=format, hash=hash)
        sd._mode = SchemaOpenMode.READ
        sd._downloader = None
        return sd

    @property
    def supported_mode(self) -> SchemaOpenMode:
        return self._mode

    @property
    def remote_path(self) -> str | None:
        return self.uri

    @property
    def local_path(self) -> str | None:
        """Where the table is on this machine (``None`` while it is unwritten or remote)."""
        return self.uri if self.uri is not None and _paths.is_local(self.uri) else None

    def open(  # type: ignore[override]
        self, dataframe_fmt: Any = None, override_mode: SchemaOpenMode | None = None
    ) -> SchemaReader | SchemaWriter:
        """A reader of ``dataframe_fmt`` frames (``pandas.DataFrame`` unless given) or, for a
        schema this program made, a writer; a received schema cannot be opened for writing."""
        mode = override_mode or self._mode
        if mode is SchemaOpenMode.WRITE and self._mode is SchemaOpenMode.READ:
            raise ValueError(
                "this FlyteSchema was received from a task or workflow and is read-only; "
                "create a new FlyteSchema() to write a table"
            )
        if dataframe_fmt is None:
            import pandas as pd  # type: ignore[import-untyped]

            dataframe_fmt = pd.DataFrame
        if mode is SchemaOpenMode.WRITE:
            return SchemaWriter(self, dataframe_fmt)
        DataFrame.open(self, dataframe_fmt)
        return SchemaReader(self)

    def as_readonly(self) -> FlyteSchema:
        ro = type(self)._new(self.uri, self.file_format, self.hash)
        ro._raw_df, ro._literal = self._raw_df, self._literal
        return ro


class SchemaReader:
    """Reads a ``FlyteSchema``'s table: ``all()`` whole, ``iter()`` in batches."""

    def __init__(self, schema: FlyteSchema) -> None:
        self._schema = schema

    @property
    def from_path(self) -> str | None:
        return self._schema.uri

    @property
    def column_names(self) -> list[str] | None:
        return self._schema.column_names() or None

    def all(self, **kwargs: Any) -> Any:
        return self._schema.all_sync(**kwargs)

    def iter(self, **kwargs: Any) -> Iterator[Any]:
        return self._schema.iter_sync(**kwargs)


class SchemaWriter:
    """Writes a ``FlyteSchema``'s table: ``write(df, ...)`` (several frames are concatenated);
    the table is stored when the schema leaves the task."""

    def __init__(self, schema: FlyteSchema, dataframe_fmt: Any) -> None:
        self._schema = schema
        self._fmt = dataframe_fmt

    @property
    def to_path(self) -> str | None:
        return self._schema.uri

    @property
    def column_names(self) -> list[str] | None:
        return self._schema.column_names() or None

    def write(self, *dfs: Any, **kwargs: Any) -> None:
        if not dfs:
            raise ValueError("SchemaWriter.write() needs at least one dataframe")
        frame = dfs[0] if len(dfs) == 1 else _concat(dfs)
        self._schema._raw_df = frame
        self._schema._literal = None


def _concat(dfs: tuple[Any, ...]) -> Any:
    top = type(dfs[0]).__module__.split(".")[0]
    if top == "pandas":
        import pandas as pd

        return pd.concat(dfs, ignore_index=True)
    if top == "pyarrow":
        import pyarrow as pa  # type: ignore[import-untyped]

        return pa.concat_tables(dfs)
    if top == "polars":
        import polars as pl

        return pl.concat(dfs)
    raise TypeError(
        f"SchemaWriter.write: several {type(dfs[0]).__qualname__} frames cannot be combined; "
        "write one pandas, pyarrow or polars frame (or several of those)"
    )
