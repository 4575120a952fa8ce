"""Dataframes: native frames, the ``DataFrame`` wrapper, formats, columns and handlers."""

from __future__ import annotations

import asyncio
import os
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from typesystem import (
    Column,
    ConversionError,
    HashMethod,
    SimpleKind,
    SimpleType,
    Table,
    TableType,
    TypeRegistry,
    digest,
)
from typesystem.io import (
    CSV,
    DataContext,
    DataFrame,
    DuplicateHandlerError,
    HandlerNotFoundError,
    StructuredDataset,
    StructuredDatasetDecoder,
    StructuredDatasetEncoder,
    StructuredDatasetTransformerEngine,
    StructuredDatasetType,
    current_store,
    default_handlers,
    kwtypes,
)

FRAME = pd.DataFrame(
    {
        "employee_id": range(1001, 1009),
        "name": ["Alice", "Bob", "Charlie", "Diana", "Ethan", "Fiona", "George", "Hannah"],
        "salary": [55000, 75000, 72000, 50000, 68000, 70000, np.nan, 80000],
        "full_time": [True, True, True, False, True, True, False, True],
    }
)
NATIVE: list[Any] = [pd.DataFrame, pa.Table, pl.DataFrame, pl.LazyFrame]


def as_pandas(frame: Any) -> pd.DataFrame:
    if isinstance(frame, pl.LazyFrame):
        frame = frame.collect()
    if isinstance(frame, pl.DataFrame | pa.Table):
        frame = frame.to_pandas()
    return frame.reset_index(drop=True)


def native(t: Any) -> Any:
    if t is pd.DataFrame:
        return FRAME
    if t is pa.Table:
        return pa.Table.from_pandas(FRAME, preserve_index=False)
    if t is pl.DataFrame:
        return pl.from_pandas(FRAME)
    return pl.from_pandas(FRAME).lazy()


def same(a: Any, b: Any) -> None:
    pd.testing.assert_frame_equal(as_pandas(a), as_pandas(b), check_dtype=False)


@pytest.mark.parametrize("writer", NATIVE, ids=lambda t: t.__qualname__)
@pytest.mark.parametrize("fmt", ["parquet", "arrow"])
def test_every_library_reads_what_every_other_wrote(
    store: DataContext, registry: TypeRegistry, writer: Any, fmt: str
) -> None:
    lit = registry.to_literal(native(writer), Annotated[writer, fmt])
    assert isinstance(lit, Table) and lit.format == fmt
    assert current_store().contains(lit.uri)
    assert lit.columns == ("employee_id", "name", "salary", "full_time")
    for reader in NATIVE:
        got = registry.to_python(lit, reader)
        assert isinstance(got, reader)
        same(got, FRAME)


def test_parquet_tries_dictionaries_on_all_but_float_columns(
    store: DataContext, registry: TypeRegistry
) -> None:
    import pyarrow.parquet as pq

    from typesystem.io._codecs_arrow import data_files, dictionary_columns

    frame = FRAME.assign(code=["a", "b"] * 4, level=[1, 2] * 4)
    lit = registry.to_literal(frame, pd.DataFrame)
    assert isinstance(lit, Table)
    (path,) = data_files(lit.uri, current_store())
    group = pq.ParquetFile(path.removeprefix("file://")).metadata.row_group(0)
    encodings = {group.column(i).path_in_schema: group.column(i).encodings for i in range(6)}
    assert "RLE_DICTIONARY" in encodings["code"] and "RLE_DICTIONARY" in encodings["level"]
    assert "RLE_DICTIONARY" not in encodings["salary"]  # (float64)
    same(registry.to_python(lit, pd.DataFrame), frame)
    nested = pa.schema([("xs", pa.list_(pa.float64())), ("y", pa.float64())])
    assert dictionary_columns(nested) is True  # (leaf paths differ from names: the default)
    assert dictionary_columns(pa.schema([("n", pa.int64())])) is True


def test_csv_format(store: DataContext, registry: TypeRegistry) -> None:
    lit = registry.to_literal(FRAME, Annotated[pd.DataFrame, CSV])
    assert lit.format == "csv"  # type: ignore[attr-defined]
    same(registry.to_python(lit, pd.DataFrame), FRAME)
    same(registry.to_python(lit, pl.DataFrame), FRAME)


def test_csv_holds_what_pandas_to_csv_writes(store: DataContext, registry: TypeRegistry) -> None:
    """Columns of lists, dicts, arrays and mixed objects (flyte-sdk's dataframe_usage.py writes a
    list column as CSV) are written as ``DataFrame.to_csv`` writes them and read back as
    ``pandas.read_csv`` reads them, as flyte's CSV handler (pandas on both sides) does."""
    import io

    frame = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "projects": [["a", "b"], [], None],
            "meta": [{"k": 1}, {"k": 2}, np.nan],
            "mixed": [1, "x", 2.5],
            "arr": [np.array(["p", "q"]), np.array([1]), np.array([])],
            "name": ["x, y", None, "z"],
            "salary": [0.5, np.nan, 1.0],
        }
    )
    lit = registry.to_literal(frame, Annotated[pd.DataFrame, CSV])
    back = registry.to_python(lit, pd.DataFrame)
    text = io.StringIO()
    frame.to_csv(text, index=False)
    expected = pd.read_csv(io.StringIO(text.getvalue()))
    assert back["projects"].tolist()[:2] == ["['a', 'b']", "[]"]
    assert back["arr"].tolist() == ["['p' 'q']", "[1]", "[]"]
    for name in frame.columns:  # (missing values: NaN in pandas' reading, None here)
        got = [None if pd.isna(v) else v for v in back[name].tolist()]
        want = [None if pd.isna(v) else v for v in expected[name].tolist()]
        assert got == want, name
    # a frame the CSV writer takes as it is keeps its types, as before
    same(
        registry.to_python(registry.to_literal(FRAME, Annotated[pd.DataFrame, CSV]), pd.DataFrame),
        FRAME,
    )


def test_literal_types(registry: TypeRegistry) -> None:
    assert registry.literal_type(pd.DataFrame) == TableType()
    t = Annotated[pd.DataFrame, kwtypes(a=int, b=str), "csv"]
    assert registry.literal_type(t) == TableType(
        format="csv",
        columns=(
            Column("a", SimpleType(SimpleKind.INTEGER)),
            Column("b", SimpleType(SimpleKind.STRING)),
        ),
    )
    assert registry.guess_python_type(TableType(format="parquet")) is DataFrame
    assert StructuredDatasetType is TableType
    assert StructuredDataset is DataFrame


def test_hints_from_dataclass_schema_and_nested_dicts(registry: TypeRegistry) -> None:
    @dataclass
    class Cols:
        a: int
        b: float

    lt = registry.literal_type(Annotated[pd.DataFrame, Cols])
    assert [c.name for c in lt.columns] == ["a", "b"]  # type: ignore[attr-defined]
    lt = registry.literal_type(Annotated[pd.DataFrame, {"a": {"x": int, "y": str}, "b": float}])
    assert [c.name for c in lt.columns] == ["a.x", "a.y", "b"]  # type: ignore[attr-defined]
    schema = pa.schema([("a", pa.int64()), ("s", pa.string())])
    lt = registry.literal_type(Annotated[pa.Table, schema])
    assert lt.columns == (  # type: ignore[attr-defined]
        Column("a", SimpleType(SimpleKind.INTEGER)),
        Column("s", SimpleType(SimpleKind.STRING)),
    )
    with pytest.raises(ValueError, match="one format"):
        registry.literal_type(Annotated[pd.DataFrame, "csv", "parquet"])
    with pytest.raises(ValueError, match="one column spec"):
        registry.literal_type(Annotated[pd.DataFrame, kwtypes(a=int), OrderedDict(b=int)])


def test_reader_columns_are_pushed_down(store: DataContext, registry: TypeRegistry) -> None:
    lit = registry.to_literal(FRAME, pd.DataFrame)
    for reader in NATIVE:
        got = registry.to_python(lit, Annotated[reader, kwtypes(name=str, salary=float)])
        assert list(as_pandas(got).columns) == ["name", "salary"]


def test_declared_columns_checked_on_write(store: DataContext, registry: TypeRegistry) -> None:
    with pytest.raises(ConversionError) as info:
        registry.to_literal(FRAME, Annotated[pd.DataFrame, kwtypes(name=int, missing=str)])
    text = str(info.value)
    assert "lacks column(s) missing" in text
    assert "Expected `an integer column`, got `large_string` - at `$.name`" in text
    for t in NATIVE:
        registry.to_literal(native(t), Annotated[t, kwtypes(employee_id=int, salary=float)])


def test_declared_columns_checked_on_read(store: DataContext, registry: TypeRegistry) -> None:
    lit = registry.to_literal(FRAME, pd.DataFrame)
    with pytest.raises(ConversionError, match="lacks column"):
        registry.to_python(lit, Annotated[pd.DataFrame, kwtypes(nope=int)])
    bare = Table(lit.uri, "parquet")  # type: ignore[attr-defined]  # no column names recorded
    with pytest.raises(ConversionError, match="lacks column"):
        registry.to_python(bare, Annotated[pl.DataFrame, kwtypes(nope=int)])
    with pytest.raises(ConversionError, match="wrong type"):
        registry.to_python(bare, Annotated[pa.Table, kwtypes(name=int)])


def test_wrapper_round_trip_is_lazy(store: DataContext, registry: TypeRegistry) -> None:
    lit = registry.to_literal(DataFrame.from_df(FRAME), Annotated[DataFrame, "parquet"])
    sd = registry.to_python(lit, DataFrame)
    assert isinstance(sd, DataFrame) and sd.dataframe is None
    assert sd.literal == lit and sd.format == "parquet"
    with pytest.raises(ValueError, match="No dataframe type set"):
        sd.all()
    same(sd.open(pd.DataFrame).all(), FRAME)
    same(sd.open(pl.DataFrame).all_sync(), FRAME)
    again = registry.to_literal(sd, DataFrame)  # passes through, nothing rewritten
    assert again == lit


def test_wrapper_iter_streams_batches(store: DataContext, registry: TypeRegistry) -> None:
    lit = registry.to_literal(FRAME, pd.DataFrame)
    sd = registry.to_python(lit, Annotated[DataFrame, kwtypes(name=str)])
    batches = list(sd.open(pd.DataFrame).iter(batch_size=3))
    assert [len(b) for b in batches] == [3, 3, 2]
    assert list(batches[0].columns) == ["name"]
    assert [len(b) for b in sd.open(pl.DataFrame).iter(batch_size=5)] == [5, 3]


def test_wrapper_async_api(store: DataContext, registry: TypeRegistry) -> None:
    async def main() -> None:
        sd = await DataFrame.from_local(FRAME)
        got = await sd.open(pd.DataFrame).all()
        same(got, FRAME)
        rows = 0
        async for batch in sd.open(pa.Table).iter(batch_size=4):
            rows += batch.num_rows
        assert rows == len(FRAME)

    asyncio.run(main())


def test_wrapper_of_native_frames_and_wrap_df(store: DataContext, registry: TypeRegistry) -> None:
    for t in NATIVE:
        lit = registry.to_literal(DataFrame.wrap_df(native(t)), DataFrame)
        same(registry.to_python(lit, pd.DataFrame), FRAME)
        lit = registry.to_literal(native(t), DataFrame)  # a bare frame where a wrapper is declared
        same(registry.to_python(lit, pd.DataFrame), FRAME)
    lit = registry.to_literal(DataFrame.from_df(FRAME), pd.DataFrame)  # wrapper for a native type
    same(registry.to_python(lit, pd.DataFrame), FRAME)


def test_wrapper_by_uri(store: DataContext, registry: TypeRegistry, tmp_path: Path) -> None:
    lit = registry.to_literal(FRAME, pd.DataFrame)
    ref = DataFrame(uri=lit.uri, format="parquet")  # type: ignore[attr-defined]
    assert registry.to_literal(ref, DataFrame).uri == lit.uri  # type: ignore[attr-defined]
    same(DataFrame.from_existing_remote(lit.uri).open(pd.DataFrame).all(), FRAME)  # type: ignore[attr-defined]
    local = tmp_path / "outside.parquet"
    FRAME.to_parquet(local)
    copied = registry.to_literal(DataFrame(uri=str(local)), DataFrame)
    assert current_store().contains(copied.uri)  # type: ignore[attr-defined]
    same(registry.to_python(copied, pd.DataFrame), FRAME)


def test_polars_lazyframe_stays_lazy(store: DataContext, registry: TypeRegistry) -> None:
    lf = pl.LazyFrame({"department": ["a", "b", "a"], "salary": [1, 2, 3]})
    lit = registry.to_literal(lf, pl.LazyFrame)
    got = registry.to_python(lit, pl.LazyFrame)
    assert isinstance(got, pl.LazyFrame)
    out = got.group_by("department").agg(pl.col("salary").sum()).sort("department").collect()
    assert out.to_dict(as_series=False) == {"department": ["a", "b"], "salary": [4, 2]}


def test_hash_method_on_frames(store: DataContext, registry: TypeRegistry) -> None:
    def frame_hash(df: pd.DataFrame) -> str:
        return str(pd.util.hash_pandas_object(df).sum())

    t = Annotated[pd.DataFrame, HashMethod(frame_hash)]
    a, b = registry.to_literal(FRAME, t), registry.to_literal(FRAME.copy(), t)
    assert a.uri != b.uri and a.hash == b.hash  # type: ignore[attr-defined]
    assert digest(a) == digest(b)
    same(registry.to_python(a, t), FRAME)


def test_from_local_takes_every_kind_of_hash_method(store: DataContext) -> None:
    from typesystem.io import DataFrame, HashFunction

    def frame_hash(df: pd.DataFrame) -> str:
        return str(pd.util.hash_pandas_object(df).sum())

    expected = frame_hash(FRAME)
    for method in (HashFunction.from_fn(frame_hash), HashMethod(frame_hash), frame_hash):
        assert DataFrame.from_local_sync(FRAME, hash_method=method).hash == expected
    with pytest.raises(TypeError, match="hash_method must be a HashFunction"):
        DataFrame.from_local_sync(FRAME, hash_method=42)


def test_handler_registry_errors_and_custom_handlers(
    store: DataContext, registry: TypeRegistry
) -> None:
    handlers = default_handlers()
    enc = handlers.get_encoder(pd.DataFrame, "s3", "parquet")
    with pytest.raises(DuplicateHandlerError, match="override=True"):
        StructuredDatasetTransformerEngine.register(enc)
    with pytest.raises(HandlerNotFoundError, match="formats available for it: arrow, csv, parquet"):
        handlers.get_encoder(pd.DataFrame, "file", "orc")

    class Rows:  # a custom frame type: a list of dicts
        def __init__(self, rows: list[dict[str, Any]]) -> None:
            self.rows = rows

    class RowsEncoder(StructuredDatasetEncoder):
        def __init__(self) -> None:
            super().__init__(Rows, None, "jsonrows")

        def encode(self, ctx: Any, structured_dataset: Any, structured_dataset_type: Any) -> Any:
            import json

            uri = ctx.file_access.get_random_remote_directory()
            with current_store().open(uri + "/rows.json", "w") as fh:
                json.dump(structured_dataset.dataframe.rows, fh)
            return Table(uri, "jsonrows", ())

    class RowsDecoder(StructuredDatasetDecoder):
        def __init__(self) -> None:
            super().__init__(Rows, None, "jsonrows")

        def decode(self, ctx: Any, flyte_value: Any, current_task_metadata: Any) -> Any:
            import json

            with current_store().open(flyte_value.uri + "/rows.json", "r") as fh:
                return Rows(json.load(fh))

    StructuredDatasetTransformerEngine.register(RowsEncoder(), default_for_type=True)
    StructuredDatasetTransformerEngine.register(RowsDecoder())
    fresh = TypeRegistry(plugins=False)  # the factory sees the new frame type
    lit = fresh.to_literal(Rows([{"a": 1}]), Rows)
    assert lit.format == "jsonrows"  # type: ignore[attr-defined]
    assert fresh.to_python(lit, Rows).rows == [{"a": 1}]
    sd = fresh.to_python(lit, DataFrame)
    assert sd.open(Rows).all().rows == [{"a": 1}]


def test_v2_style_async_handlers(store: DataContext) -> None:
    from typesystem.io import DataFrameDecoder, DataFrameEncoder

    class Box:
        def __init__(self, v: int) -> None:
            self.v = v

    class BoxEncoder(DataFrameEncoder):
        def __init__(self) -> None:
            super().__init__(Box, None, "box")

        async def encode(self, dataframe: Any, structured_dataset_type: Any) -> Any:  # type: ignore[override]
            uri = current_store().new_uri()
            with current_store().open(uri + "/v", "w") as fh:
                fh.write(str(dataframe.dataframe.v))
            return Table(uri, "box")

    class BoxDecoder(DataFrameDecoder):
        def __init__(self) -> None:
            super().__init__(Box, None, "box")

        async def decode(self, flyte_value: Any, current_task_metadata: Any) -> Any:  # type: ignore[override]
            with current_store().open(flyte_value.uri + "/v", "r") as fh:
                return Box(int(fh.read()))

    h = default_handlers().copy()
    h.register(BoxEncoder(), default_for_type=True)
    h.register(BoxDecoder())
    from typesystem.io._frames import FrameTransformer

    tr = FrameTransformer(Box, handlers=h)
    assert tr.to_python(tr.to_literal(Box(7)), Box).v == 7

    async def inside_loop() -> int:
        return int(tr.to_python(tr.to_literal(Box(8)), Box).v)

    assert asyncio.run(inside_loop()) == 8


def _format(lit: object) -> str:
    assert isinstance(lit, Table)
    return lit.format


def test_the_data_contexts_frame_format_applies_where_nothing_else_chose_one(
    store: DataContext, registry: TypeRegistry
) -> None:
    from typesystem.io import use_data_context

    assert _format(registry.to_literal(FRAME, pd.DataFrame)) == "parquet"
    with use_data_context(store.replace(frame_format="ipc")):  # (an alias of "arrow")
        lit = registry.to_literal(FRAME, pd.DataFrame)
        assert _format(lit) == "arrow"
        same(registry.to_python(lit, pd.DataFrame), FRAME)
        same(registry.to_python(lit, pl.DataFrame), FRAME)
        # the annotation's format wins
        assert _format(registry.to_literal(FRAME, Annotated[pd.DataFrame, "parquet"])) == "parquet"
        assert _format(registry.to_literal(DataFrame(FRAME, format="csv"), DataFrame)) == "csv"
    with use_data_context(store.replace(frame_format="orc")):  # (no encoder: the default)
        assert _format(registry.to_literal(FRAME, pd.DataFrame)) == "parquet"
    # a default format chosen by a registration wins over the context's
    handlers = default_handlers().copy()
    assert handlers.default_format(pd.DataFrame, "arrow") == "arrow"
    csv = handlers.get_encoder(pd.DataFrame, "", "csv")
    handlers.register(csv, override=True, default_format_for_type=True)
    assert handlers.default_format(pd.DataFrame, "arrow") == "csv"
    assert default_handlers().default_format(pd.DataFrame, "") == "parquet"


def test_handler_context_file_access(store: DataContext, tmp_path: Any) -> None:
    """What flytekit-style handlers call on ``ctx.file_access`` (flytekit's FileAccessProvider)."""
    from typesystem.io._handlers import HandlerContext

    fa = HandlerContext().file_access
    local = fa.get_random_local_path("part.csv")
    assert local.endswith("part.csv") and local.startswith(fa.local_sandbox_dir)
    with open(local, "w") as f:
        f.write("a,b\n1,2\n")
    remote = fa.get_random_remote_path("part.csv")
    assert fa.upload(local, remote) == remote and fa.exists(remote)
    back = os.path.join(fa.get_random_local_directory(), "sub", "copy.csv")
    fa.download(remote, back)
    assert Path(back).read_text() == "a,b\n1,2\n"
    assert not fa.is_remote(local) and fa.is_remote("s3://bucket/key")


def test_flytekit_register_handler_functions(registry: TypeRegistry) -> None:
    from flytelike.types.structured import (
        lazy_import_structured_dataset_handler,
        register_arrow_handlers,
        register_csv_handlers,
        register_pandas_handlers,
    )

    for register in (register_pandas_handlers, register_csv_handlers, register_arrow_handlers):
        register()
        register()  # again: nothing changes, nothing fails
    lazy_import_structured_dataset_handler()
    assert default_handlers().get_encoder(pd.DataFrame, "file", "csv") is not None


@pytest.mark.parametrize("fmt", ["parquet", "arrow"])
def test_a_column_subset_keeps_the_pandas_index(
    store: DataContext, registry: TypeRegistry, fmt: str
) -> None:
    df = pd.concat([pd.DataFrame({"age": [19, 22], "h": [1, 2]}), pd.DataFrame({"age": [30]})])
    lit = registry.to_literal(df, Annotated[pd.DataFrame, fmt])
    got = registry.to_python(lit, Annotated[pd.DataFrame, kwtypes(age=int), fmt])
    assert list(got.index) == [0, 1, 0] and list(got.columns) == ["age"]  # as pd.read_parquet
    table = registry.to_python(lit, Annotated[pa.Table, kwtypes(age=int), fmt])
    assert table.column_names == ["age"]  # (pyarrow readers get the columns asked for)
