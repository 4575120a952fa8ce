"""The pandas codec's shortcuts for plain numeric frames (``typesystem.io._codecs_pandas``):
the table written and the frame read are what the general conversions give, and a frame read
from an Arrow IPC file lies in the file's mapping (no copy) yet stays writable without
changing the file."""

from __future__ import annotations

import os
from typing import Annotated, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from typesystem import Table, TypeRegistry
from typesystem.io import DataContext
from typesystem.io._codecs_arrow import _read_one, _write, data_files
from typesystem.io._codecs_pandas import _one_block, _plain_table, from_arrow, to_arrow
from typesystem.io._store import current_store


def _frames() -> dict[str, pd.DataFrame]:
    base = np.arange(1000, dtype="float64")
    named = pd.DataFrame({"x": [1.0, 2.0]}, index=pd.RangeIndex(5, 7, name="ix"))
    named.attrs["source"] = "test"
    return {
        "float64": pd.DataFrame({c: base * (i + 1) for i, c in enumerate("abcde")}),
        "int64": pd.DataFrame({"x": np.arange(10), "y": np.arange(10, 20)}),
        "float32": pd.DataFrame({"x": np.ones(5, "float32"), "y": np.zeros(5, "float32")}),
        "one column": pd.DataFrame({"x": np.ones(5)}),
        "stepped index": pd.DataFrame({"x": np.ones(3)}, index=pd.RangeIndex(0, 6, 2)),
        "named index, attrs": named,
        "with NaN": pd.DataFrame({"x": [1.0, np.nan, 3.0], "y": [1.0, 2.0, 3.0]}),
        "mixed numbers": pd.DataFrame({"x": [1.0, 2.0], "n": [1, 2]}),
    }


# (written by the shortcut, read by the general path: nulls, columns of two types)
NOT_IN_PLACE = ("with NaN", "mixed numbers")


OTHERS = {  # frames the shortcuts leave to the general conversion
    "text column": pd.DataFrame({"x": [1.0, 2.0], "s": ["a", "b"]}),
    "bool column": pd.DataFrame({"b": [True, False]}),
    "labelled index": pd.DataFrame({"x": [1.0, 2.0]}, index=["p", "q"]),
    "number names": pd.DataFrame([[1.0, 2.0]]),
    "no rows": pd.DataFrame({"x": np.ones(0)}),
}
# (of those, read in place all the same: column labels come back as to_pandas makes them)
READ_GENERAL = tuple(n for n in OTHERS if n != "number names")


def _roundtrip(df: pd.DataFrame, path: str) -> tuple[Any, pd.DataFrame]:
    _write(to_arrow(df), path, "arrow")
    table = _read_one(path, "arrow", None)
    return table, from_arrow(table)


@pytest.mark.parametrize("name", [*_frames(), *OTHERS])
def test_the_written_table_is_from_pandas_s(name: str, tmp_path: Any) -> None:
    df = {**_frames(), **OTHERS}[name]
    got = to_arrow(df)
    assert got.equals(pa.Table.from_pandas(df), check_metadata=True)
    assert (_plain_table(df) is None) == (name in OTHERS)
    table, back = _roundtrip(df, os.path.join(tmp_path, "t.arrow"))
    want = table.to_pandas()
    pd.testing.assert_frame_equal(back, want, check_exact=True)
    assert back.attrs == want.attrs
    in_place = name not in NOT_IN_PLACE and name not in READ_GENERAL
    assert (_one_block(table) is not None) == in_place


def test_nan_is_stored_as_null_as_from_pandas_stores_it() -> None:
    table = to_arrow(_frames()["with NaN"])
    assert table.column("x").null_count == 1 and table.column("y").null_count == 0


@pytest.mark.parametrize("name", [n for n in _frames() if n not in NOT_IN_PLACE])
def test_a_plain_frame_is_read_in_place_and_stays_writable(name: str, tmp_path: Any) -> None:
    path = os.path.join(tmp_path, "t.arrow")
    df = _frames()[name]
    table, back = _roundtrip(df, path)
    assert _one_block(table) is not None
    block = back.to_numpy()  # (one block: a view of the mapped file, not a copy)
    first = table.column(0).chunk(0).buffers()[1]
    assert block.ctypes.data in (first.address, first.address + (len(df) - 1) * block.strides[0])
    pd.testing.assert_frame_equal(back, df, check_exact=True)
    back.iloc[0, 0] = 99
    back["added"] = 7
    assert back.iloc[0, 0] == 99
    again = from_arrow(_read_one(path, "arrow", None))  # (the file did not change)
    pd.testing.assert_frame_equal(again, df, check_exact=True)


def test_a_table_on_read_only_memory_takes_the_general_path(tmp_path: Any) -> None:
    path = os.path.join(tmp_path, "t.arrow")
    _write(to_arrow(_frames()["float64"]), path, "arrow")
    with pa.memory_map(path) as source:
        table = pa.ipc.open_file(source).read_all()
        assert _one_block(table) is None
        pd.testing.assert_frame_equal(from_arrow(table), _frames()["float64"])


def test_a_table_on_writable_memory_of_its_own_is_not_shared_with_the_frame() -> None:
    df = pd.DataFrame({"x": np.arange(5, dtype="float64")})
    memory = bytearray(df["x"].to_numpy().tobytes())
    column = pa.Array.from_buffers(pa.float64(), 5, [None, pa.py_buffer(memory)])
    table = pa.Table.from_arrays([column], schema=pa.Schema.from_pandas(df))
    assert _one_block(table) is None
    back = from_arrow(table)
    back.iloc[0, 0] = 99.0
    assert memory == bytearray(df["x"].to_numpy().tobytes())


def test_a_column_subset_or_slice_of_a_mapped_table(tmp_path: Any) -> None:
    path = os.path.join(tmp_path, "t.arrow")
    df = _frames()["float64"]
    _write(to_arrow(df), path, "arrow")
    table = _read_one(path, "arrow", ["b", "d"], keep_index=True)
    pd.testing.assert_frame_equal(from_arrow(table), df[["b", "d"]], check_exact=True)
    sliced = _read_one(path, "arrow", None).slice(10, 20)
    pd.testing.assert_frame_equal(from_arrow(sliced), sliced.to_pandas(), check_exact=True)


def test_through_the_transformer(local_store: DataContext, registry: TypeRegistry) -> None:
    df = _frames()["float64"]
    lit = registry.to_literal(df, Annotated[pd.DataFrame, "arrow"])
    assert isinstance(lit, Table) and lit.format == "arrow"
    (path,) = data_files(lit.uri, current_store())
    assert os.path.getsize(path.removeprefix("file://")) > df.to_numpy().nbytes
    got = registry.to_python(lit, pd.DataFrame)
    pd.testing.assert_frame_equal(got, df, check_exact=True)
    got.iloc[0, 0] = -1.0
    pd.testing.assert_frame_equal(registry.to_python(lit, pd.DataFrame), df, check_exact=True)
