"""Dataframe tasks of the Ray backend's tests (a module of their own: importing pandas costs a
worker about half a second, paid only by the tests that use these)."""

from __future__ import annotations

import pandas as pd

import flytelike as fl


@fl.task
def make_table(n: int) -> pd.DataFrame:
    return pd.DataFrame({"x": [float(i) for i in range(n)], "y": list(range(n))})


@fl.task
def table_sum(df: pd.DataFrame) -> float:
    df.loc[0, "x"] += 0.5  # (the frame read is the task's own to change)
    return float(df["x"].sum() + df["y"].sum())


@fl.workflow
def table_hand_off(n: int) -> float:
    return table_sum(df=make_table(n=n))  # type: ignore[no-any-return]
