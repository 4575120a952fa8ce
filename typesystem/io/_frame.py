"""``DataFrame``: a reference to a table in the store, or a frame to be written; also
``StructuredDataset``.

Made by a task: ``DataFrame.from_df(df)`` / ``wrap_df(df)`` (written at the task boundary in the
annotated or default format), ``DataFrame(uri=..., format=...)`` / ``from_existing_remote`` for
data already stored, ``from_local(df)`` to write now. Received by a task: a lazy reference;
``open(pd.DataFrame)`` picks the frame type, then ``all()`` reads it whole and ``iter()``
streams batches. ``all()`` is dual (sync result in sync code, awaitable in a running loop);
``iter()`` supports ``for`` and ``async for``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any, Self

from typesystem._literals import Table
from typesystem._types import Column, TableType
from typesystem.io._columns import normalise_format
from typesystem.io._dual import DualIterator, dual
from typesystem.io._handlers import (
    StructuredDatasetMetadata,
    call_decoder,
    default_handlers,
    iter_decoder,
)
from typesystem.io._paths import protocol_of
from typesystem.io._pydantic import ModelLike


class DataFrame(ModelLike):
    """A table in the store (``uri``, ``format``, ``columns``) or an in-memory frame to store."""

    def __init__(
        self,
        dataframe: Any = None,
        uri: str | None = None,
        metadata: Any = None,
        *,
        format: str | None = None,
        file_format: str | None = None,
        hash: str | None = None,
        val: Any = None,
    ) -> None:
        self._raw_df = dataframe if dataframe is not None else val
        self.uri = uri
        self.format = normalise_format(format or file_format)
        self.hash = hash
        self._metadata = metadata
        self._literal: Table | None = None
        self._open_type: Any = None
        self._columns: tuple[Column, ...] = ()

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def from_df(cls, val: Any = None, uri: str | None = None) -> Self:
        """Wrap a frame (pandas, pyarrow, polars, ...) to be written at the task boundary."""
        return cls(val, uri)

    @classmethod
    def wrap_df(cls, val: Any = None, uri: str | None = None) -> Self:
        return cls(val, uri)

    @classmethod
    def from_existing_remote(
        cls, remote_path: str, format: str | None = None, **kwargs: Any
    ) -> Self:
        """A reference to a table already stored at ``remote_path``; no I/O."""
        return cls(uri=remote_path, format=format, **kwargs)

    @classmethod
    def _from_store(
        cls, uri: str, format: str, columns: tuple[str, ...] = (), hash: str | None = None
    ) -> Self:
        sd = cls(uri=uri, format=format, hash=hash)
        sd._literal = Table(uri, sd.format or "parquet", columns, hash=hash)
        return sd

    @classmethod
    def from_local_sync(
        cls,
        df: Any,
        columns: Any = None,
        remote_destination: str | None = None,
        hash_method: Any = None,
    ) -> Self:
        """Write ``df`` to the store now and return a reference to it."""
        from typing import Annotated

        from typesystem._registry import default_registry

        sd = cls(df, remote_destination)
        t: Any = cls if columns is None else Annotated[cls, columns]
        lit = default_registry().to_literal(sd, t)
        assert isinstance(lit, Table)
        digest = None
        if hash_method is not None:
            digest = _frame_hash(df, hash_method)
        return cls._from_store(lit.uri, lit.format, lit.columns, digest)

    @classmethod
    async def from_local(
        cls,
        df: Any,
        columns: Any = None,
        remote_destination: str | None = None,
        hash_method: Any = None,
    ) -> Self:
        return await asyncio.to_thread(
            cls.from_local_sync, df, columns, remote_destination, hash_method
        )

    # -- properties -----------------------------------------------------------------------
    @property
    def dataframe(self) -> Any:
        """The in-memory frame this wraps (``None`` for a stored reference)."""
        return self._raw_df

    @property
    def val(self) -> Any:
        return self._raw_df

    @property
    def file_format(self) -> str:
        return self.format

    @property
    def literal(self) -> Table | None:
        return self._literal

    @property
    def metadata(self) -> StructuredDatasetMetadata:
        cols = self._columns
        if not cols and self._literal is not None:
            from typesystem._types import NONE

            cols = tuple(Column(n, NONE) for n in self._literal.columns)
        return StructuredDatasetMetadata(TableType(format=self.format, columns=cols))

    @property
    def columns_stored(self) -> tuple[str, ...]:
        """Column names recorded when the table was written."""
        return self._literal.columns if self._literal is not None else ()

    # -- reading --------------------------------------------------------------------------
    def open(self, dataframe_type: Any) -> Self:
        """Choose the frame type ``all()``/``iter()`` return."""
        self._open_type = dataframe_type
        return self

    def _target(self) -> Any:
        if self._open_type is None:
            raise ValueError(
                "No dataframe type set. Use open() to set the local dataframe type you want "
                "to use, e.g. df.open(pandas.DataFrame).all()"
            )
        return self._open_type

    def _stored(self) -> Table:
        if self._literal is not None:
            return self._literal
        if self._raw_df is not None:
            from typesystem._registry import default_registry

            lit = default_registry().to_literal(self, DataFrame)
            assert isinstance(lit, Table)
            self._literal = lit
            return lit
        if self.uri is None:
            raise ValueError("this DataFrame has neither a frame nor a uri to read from")
        return Table(self.uri, self.format or "parquet", ())

    def _meta(self, lit: Table) -> StructuredDatasetMetadata:
        return StructuredDatasetMetadata(TableType(format=lit.format, columns=self._columns))

    def all_sync(self, **kwargs: Any) -> Any:
        """The whole table as the type given to ``open``."""
        t = self._target()
        if self._raw_df is not None and isinstance(self._raw_df, t) and not self._columns:
            return self._raw_df
        lit = self._stored()
        dec = default_handlers().get_decoder(t, protocol_of(lit.uri), lit.format)
        return call_decoder(dec, lit, self._meta(lit))

    def all(self, **kwargs: Any) -> Any:
        """``all_sync()`` in sync code; an awaitable of it inside a running event loop."""
        return dual(lambda: self.all_sync(**kwargs))

    def _iter(self, batch_size: int) -> Iterator[Any]:
        t = self._target()
        lit = self._stored()
        dec = default_handlers().get_decoder(t, protocol_of(lit.uri), lit.format)
        return iter_decoder(dec, lit, self._meta(lit), batch_size)

    def iter(self, batch_size: int = 65_536) -> DualIterator[Any]:
        """Stream the table in frames of up to ``batch_size`` rows (``for`` or ``async for``)."""
        return DualIterator(lambda: self._iter(batch_size))

    def iter_sync(self, batch_size: int = 65_536) -> Iterator[Any]:
        return self._iter(batch_size)

    # -- pydantic support -----------------------------------------------------------------
    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from typesystem.io._pydantic import offloaded_schema

        return offloaded_schema(cls, source)

    def __repr__(self) -> str:
        if self._raw_df is not None and self._literal is None:
            return f"{type(self).__name__}(<{type(self._raw_df).__qualname__}>)"
        where = self._literal.uri if self._literal is not None else self.uri
        return f"{type(self).__name__}(uri={where!r}, format={self.format or 'parquet'!r})"


StructuredDataset = DataFrame


def _frame_hash(df: Any, method: Any) -> str:
    """The hash ``method`` gives for the dataframe ``df``: a flyte 2 accumulator (``update(df)``
    then ``result()``, e.g. ``HashFunction.from_fn(fn)``), a flytekit ``HashMethod``
    (``calculate``) or a plain callable."""
    update, result = getattr(method, "update", None), getattr(method, "result", None)
    if callable(update) and callable(result):
        reset = getattr(method, "reset", None)
        if callable(reset):
            reset()
        update(df)
        return str(result())
    calc = getattr(method, "calculate", method)
    if not callable(calc):
        raise TypeError(
            f"DataFrame.from_local: hash_method must be a HashFunction, a HashMethod or a "
            f"callable (dataframe -> str), got {method!r}"
        )
    return str(calc(df))
