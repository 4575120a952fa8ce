"""A flytekit 1.x module whose tasks return their outputs in the loose shapes flytekit takes:
a list for a task with several outputs (a splitter returning what a train/test split helper
gives, a list), and a plain 1-tuple for a task whose one output is named by a NamedTuple. Each
is called in a workflow and directly."""

import typing
from typing import List, Tuple

from flytekit import task, workflow

Fitted = typing.NamedTuple("Fitted", weight=float)


def split_rows(rows: List[int], ratio: float) -> list:
    cut = int(len(rows) * (1 - ratio))
    return [rows[:cut], rows[cut:], [r % 2 for r in rows[:cut]], [r % 2 for r in rows[cut:]]]


@task
def split(rows: List[int], ratio: float) -> Tuple[List[int], List[int], List[int], List[int]]:
    return split_rows(rows, ratio)


@task
def fit(x: List[int], y: List[int]) -> Fitted:
    return (sum(y) / len(x),)


@task
def score(w: float, x: List[int]) -> float:
    return round(w * len(x), 3)


@workflow
def pipeline(rows: List[int], ratio: float = 0.25) -> Tuple[float, float]:
    x_train, x_test, y_train, _ = split(rows=rows, ratio=ratio)
    model = fit(x=x_train, y=y_train)
    return model.weight, score(w=model.weight, x=x_test)


if __name__ == "__main__":
    assert pipeline(rows=list(range(8))) == (0.5, 1.0), pipeline(rows=list(range(8)))
    a, b, c, d = split(rows=[1, 2, 3, 4], ratio=0.5)
    assert (a, b, c, d) == ([1, 2], [3, 4], [1, 0], [1, 0])
    assert fit(x=[1, 2], y=[1, 0]) == Fitted(weight=0.5)
    print("OK")
