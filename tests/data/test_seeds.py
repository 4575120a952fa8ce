"""The seeds' file, directory and dataframe examples, with task boundaries played by the
registry (``to_literal`` on return, ``to_python`` on input), locally and against S3.

Seed 003 "Files and directories" and "DataFrames"; seed 001 ``create_entities``.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import polars as pl

from typesystem import TypeRegistry
from typesystem.io import DataContext, Dir, File, FlyteDirectory, FlyteFile
from typesystem.io import DataFrame as IODataFrame


class Boundary:
    """Calls an async function like a task: inputs and outputs cross the registry."""

    def __init__(self, registry: TypeRegistry) -> None:
        self.registry = registry

    async def call(self, fn: Any, out_type: Any, **inputs: tuple[Any, Any]) -> Any:
        args = {
            name: self.registry.to_python(self.registry.to_literal(v, t), t)
            for name, (v, t) in inputs.items()
        }
        result = await fn(**args)
        if out_type is None:
            return None
        return self.registry.to_python(self.registry.to_literal(result, out_type), out_type)


def test_files_and_directories_example(
    store: DataContext, registry: TypeRegistry, workdir: str
) -> None:
    b = Boundary(registry)
    printed: list[str] = []

    async def write_file(name: str) -> File:
        with open("test.txt", "w") as f:
            f.write(f"hello world {name}")
        uploaded_file_obj = await File.from_local("test.txt")
        return uploaded_file_obj

    async def write_and_check_files() -> Dir:
        vals = []
        for name in ["Alice", "Bob", "Eve"]:  # one local test.txt, uploaded before rewriting
            vals.append(await b.call(write_file, File, name=(name, str)))
        temp_dir = tempfile.mkdtemp(dir=workdir)
        for i, file in enumerate(vals):
            async with file.open("rb") as fh:
                contents = await fh.read()
                contents_str = (
                    contents.decode("utf-8") if isinstance(contents, bytes) else str(contents)
                )
                new_file = Path(temp_dir) / f"{i}-{file.name}"
                with open(new_file, "w") as out:
                    out.write(contents_str)
        my_dir = await Dir.from_local(temp_dir)
        return my_dir

    async def check_dir(my_dir: Dir) -> None:
        async for file in my_dir.walk():
            async with file.open("rb") as fh:
                contents = await fh.read()
                printed.append(contents.decode("utf-8"))

    async def create_and_check_dir() -> None:
        my_dir = await b.call(write_and_check_files, Dir)
        await b.call(check_dir, None, my_dir=(my_dir, Dir))

    asyncio.run(create_and_check_dir())
    assert printed == ["hello world Alice", "hello world Bob", "hello world Eve"]


def test_v1_create_entities_returns_paths(
    store: DataContext, registry: TypeRegistry, workdir: str
) -> None:
    working_dir = Path(workdir)
    flytefile = working_dir / "test.txt"
    flytefile.touch()
    flytedir = working_dir / "testdata"
    flytedir.mkdir(exist_ok=True)
    (flytedir / ".gitkeep").touch()
    f = registry.to_python(registry.to_literal(flytefile, FlyteFile), FlyteFile)
    d = registry.to_python(registry.to_literal(flytedir, FlyteDirectory), FlyteDirectory)
    assert os.path.exists(f.download())
    assert [x.name for x in d.walk()] == [".gitkeep"]


BASIC_EMPLOYEE_DATA = {
    "employee_id": range(1001, 1009),
    "name": ["Alice", "Bob", "Charlie", "Diana", "Ethan", "Fiona", "George", "Hannah"],
    "department": [
        "HR",
        "Engineering",
        "Engineering",
        "Marketing",
        "Finance",
        "Finance",
        "HR",
        "Engineering",
    ],
    "hire_date": pd.to_datetime(
        [
            "2018-01-15",
            "2019-03-22",
            "2020-07-10",
            "2017-11-01",
            "2021-06-05",
            "2018-09-13",
            "2022-01-07",
            "2020-12-30",
        ]
    ),
}
ADDL_EMPLOYEE_DATA = {
    "employee_id": range(1001, 1009),
    "salary": [55000, 75000, 72000, 50000, 68000, 70000, np.nan, 80000],
    "bonus_pct": [0.05, 0.10, 0.07, 0.04, np.nan, 0.08, 0.03, 0.09],
    "full_time": [True, True, True, False, True, True, False, True],
    "projects": [
        ["Recruiting", "Onboarding"],
        ["Platform", "API"],
        ["API", "Data Pipeline"],
        ["SEO", "Ads"],
        ["Budget", "Forecasting"],
        ["Auditing"],
        [],
        ["Platform", "Security", "Data Pipeline"],
    ],
}


def test_dataframes_example(store: DataContext, registry: TypeRegistry) -> None:
    b = Boundary(registry)
    downloaded: list[pd.DataFrame] = []

    async def create_raw_dataframe() -> pd.DataFrame:
        return pd.DataFrame(BASIC_EMPLOYEE_DATA)

    async def create_flyte_dataframe() -> Any:
        pd_df = pd.DataFrame(ADDL_EMPLOYEE_DATA)
        fdf = IODataFrame.from_df(pd_df)
        return fdf

    async def join_data(raw_dataframe: pd.DataFrame, flyte_dataframe: pd.DataFrame) -> IODataFrame:
        joined_df = raw_dataframe.merge(flyte_dataframe, on="employee_id", how="inner")
        return IODataFrame.from_df(joined_df)

    async def download_data(joined_df: IODataFrame) -> None:
        downloaded.append(await joined_df.open(pd.DataFrame).all())

    async def main() -> None:
        raw_df = await b.call(create_raw_dataframe, pd.DataFrame)
        flyte_df = await b.call(create_flyte_dataframe, Annotated[IODataFrame, "parquet"])
        joined_df = await b.call(
            join_data,
            IODataFrame,
            raw_dataframe=(raw_df, pd.DataFrame),
            flyte_dataframe=(flyte_df, pd.DataFrame),
        )
        await b.call(download_data, None, joined_df=(joined_df, IODataFrame))

    asyncio.run(main())
    (df,) = downloaded
    assert df.shape == (8, 8)
    assert df.loc[df.name == "Hannah", "projects"].iloc[0].tolist() == [
        "Platform",
        "Security",
        "Data Pipeline",
    ]
    assert np.isnan(df.loc[df.name == "George", "salary"].iloc[0])
    assert df.hire_date.dtype.kind == "M"


EMPLOYEE_DATA = {
    "employee_id": [1001, 1002, 1003, 1004, 1005, 1006],
    "name": ["Alice", "Bob", "Charlie", "Diana", "Ethan", "Fiona"],
    "department": ["Engineering", "Engineering", "Marketing", "Finance", "Finance", "Engineering"],
    "salary": [75000, 72000, 50000, 68000, 70000, 80000],
    "years_experience": [5, 4, 2, 6, 5, 7],
}


def test_polars_example(store: DataContext, registry: TypeRegistry) -> None:
    b = Boundary(registry)

    async def create_dataframe() -> pl.DataFrame:
        return pl.DataFrame(EMPLOYEE_DATA)

    async def filter_high_earners(df: pl.DataFrame) -> pl.DataFrame:
        return (
            df.filter(pl.col("salary") > 60000)
            .with_columns((pl.col("salary") / pl.col("years_experience")).alias("salary_per_year"))
            .sort("salary", descending=True)
        )

    async def create_lazyframe() -> pl.LazyFrame:
        return pl.LazyFrame(EMPLOYEE_DATA)

    async def aggregate_by_department(lf: pl.LazyFrame) -> pl.DataFrame:
        return (
            lf.group_by("department")
            .agg(
                pl.col("salary").mean().alias("avg_salary"),
                pl.col("salary").max().alias("max_salary"),
                pl.len().alias("headcount"),
            )
            .sort("avg_salary", descending=True)
            .collect()
        )

    async def main() -> tuple[pl.DataFrame, pl.DataFrame]:
        df = await b.call(create_dataframe, pl.DataFrame)
        filtered = await b.call(filter_high_earners, pl.DataFrame, df=(df, pl.DataFrame))
        lf = await b.call(create_lazyframe, pl.LazyFrame)
        summary = await b.call(aggregate_by_department, pl.DataFrame, lf=(lf, pl.LazyFrame))
        return filtered, summary

    filtered, summary = asyncio.run(main())
    assert filtered["name"].to_list() == ["Fiona", "Alice", "Bob", "Ethan", "Diana"]
    assert summary["department"].to_list() == ["Engineering", "Finance", "Marketing"]
    assert summary["headcount"].to_list() == [3, 2, 1]
