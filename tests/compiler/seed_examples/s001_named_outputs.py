# ruff: noqa  (verbatim documentation code: its style is the documentation's)
"""001 L1423-1507: functools.partial and named outputs."""

import functools
from typing import NamedTuple

import flytelike as union

slope_value = NamedTuple("slope_value", [("slope", float)])
intercept_value = NamedTuple("intercept_value", [("intercept", float)])
slope_and_intercept_values = NamedTuple(
    "slope_and_intercept_values", [("slope", float), ("intercept", float)]
)


@union.task
def slope(x: list[int], y: list[int]) -> slope_value:
    sum_xy = sum([x[i] * y[i] for i in range(len(x))])
    sum_x_squared = sum([x[i] ** 2 for i in range(len(x))])
    n = len(x)
    return (n * sum_xy - sum(x) * sum(y)) / (n * sum_x_squared - sum(x) ** 2)


@union.task
def intercept(x: list[int], y: list[int], slope: float) -> intercept_value:
    mean_x = sum(x) / len(x)
    mean_y = sum(y) / len(y)
    intercept = mean_y - slope * mean_x
    return intercept


@union.workflow
def simple_wf_with_named_outputs(
    x: list[int] = [-3, 0, 3], y: list[int] = [7, 4, -2]
) -> slope_and_intercept_values:
    slope_value = slope(x=x, y=y)
    intercept_value = intercept(x=x, y=y, slope=slope_value.slope)
    return slope_and_intercept_values(slope=slope_value.slope, intercept=intercept_value.intercept)


@union.task
def plain_slope(x: list[int], y: list[int]) -> float:
    sum_xy = sum([x[i] * y[i] for i in range(len(x))])
    sum_x_squared = sum([x[i] ** 2 for i in range(len(x))])
    n = len(x)
    return (n * sum_xy - sum(x) * sum(y)) / (n * sum_x_squared - sum(x) ** 2)


@union.workflow
def simple_wf_with_partial(x: list[int], y: list[int]) -> float:
    partial_task = functools.partial(plain_slope, x=x)
    return partial_task(y=y)


@union.task
def inline_named(x: int) -> NamedTuple("op", doubled=int, text=str):
    return x * 2, str(x)


@union.workflow
def inline_named_wf(x: int) -> str:
    result = inline_named(x=x)
    return result.text
