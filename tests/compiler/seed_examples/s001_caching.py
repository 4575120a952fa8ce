# ruff: noqa  (verbatim documentation code: its style is the documentation's)
"""001 L6219-6258, L6558-6592: caching (erratum 3: `child*wf`; erratum 11: return annotations
added to the parent workflows; erratum 4: `df \\* 2`)."""

import time
from typing import Annotated

import pandas

import flytelike as union
from flytelike import HashMethod, create_node


@union.task(cache=union.Cache(version="1.0", serialize=True, ignored_inputs=["a"]))
def sum(a: int, b: int, c: int) -> int:
    return a + b + c


@union.workflow
def child_wf(a: int, b: int, c: int) -> list[int]:
    return [sum(a=a, b=b, c=c) for _ in range(5)]


child_lp = union.LaunchPlan.get_or_create(child_wf)


@union.workflow
def parent_wf_with_subwf(input: int = 0) -> list[list[int]]:
    return [
        # Enable caching on the subworkflow
        child_wf(a=input, b=3, c=4).with_overrides(
            cache=union.Cache(version="1.0", serialize=True, ignored_inputs=["a"])
        )
        for i in [1, 2, 3]
    ]


@union.workflow
def parent_wf_with_sublp(input: int = 0) -> list[list[int]]:
    return [
        child_lp(a=input, b=1, c=2).with_overrides(
            cache=union.Cache(version="1.0", serialize=True, ignored_inputs=["a"])
        )
        for i in [1, 2, 3]
    ]


def hash_pandas_dataframe(df: pandas.DataFrame) -> str:
    return str(pandas.util.hash_pandas_object(df))


@union.task
def uncached_data_reading_task() -> Annotated[pandas.DataFrame, HashMethod(hash_pandas_dataframe)]:
    return pandas.DataFrame({"column_1": [1, 2, 3]})


@union.task(cache=True)
def cached_data_processing_task(df: pandas.DataFrame) -> pandas.DataFrame:
    time.sleep(1)
    return df * 2


@union.task
def compare_dataframes(df1: pandas.DataFrame, df2: pandas.DataFrame):
    assert df1.equals(df2)


@union.workflow
def cached_dataframe_wf():
    raw_data = uncached_data_reading_task()

    # Execute `cached_data_processing_task` twice, but force those
    # two executions to happen serially to demonstrate how the second run
    # hits the cache.
    t1_node = create_node(cached_data_processing_task, df=raw_data)
    t2_node = create_node(cached_data_processing_task, df=raw_data)
    t1_node >> t2_node

    # Confirm that the dataframes actually match
    compare_dataframes(df1=t1_node.o0, df2=t2_node.o0)
