"""Entities the CLI tests run (module level so ``flytelike run`` can import them)."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

import pandas as pd

import flytelike as fl


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


@dataclass
class Point:
    x: int
    y: float


@fl.task
def describe(
    count: int,
    ratio: float,
    label: str,
    flag: bool,
    when: dt.datetime,
    wait: dt.timedelta,
    color: Color,
    items: list[int],
    table: dict[str, int],
    point: Point,
    snake_case_input: int = 7,
) -> str:
    return (
        f"{count}|{ratio}|{label}|{flag}|{when.isoformat()}|{wait.total_seconds()}|"
        f"{color.value}|{sum(items)}|{sorted(table.items())}|{point.x},{point.y}|"
        f"{snake_case_input}"
    )


@fl.task
def read_file(f: fl.FlyteFile) -> str:
    with open(f) as fh:
        return fh.read().strip()


@fl.task
def count_files(d: fl.FlyteDirectory) -> int:
    import os

    return len(os.listdir(d))


@fl.task
def total(df: pd.DataFrame) -> int:
    return int(df["a"].sum())


@fl.task
def fail(x: int) -> int:
    raise ValueError(f"bad input {x}")


@fl.task
def pair(a: int, b: int) -> tuple[int, int]:
    return a + b, a * b
