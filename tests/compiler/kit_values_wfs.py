"""Workflows passing the values flytekit stores specially (``Iterator[T]``, ``FlytePickle``,
``BatchSize``) between tasks, for ``test_flytekit_values`` (also run by ``flytelike run``)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Annotated

from flytelike import BatchSize, task, workflow
from flytelike.types.iterator import FlyteIterator
from flytelike.types.pickle import FlytePickle
from typesystem import PickleFallbackWarning


class Point:
    """A class without a transformer: its values are pickled."""

    def __init__(self, x: int) -> None:
        self.x = x


@task
def countdown(n: int) -> Iterator[int]:
    yield from range(n, 0, -1)


@task
def first_two(xs: Iterator[int]) -> list[int]:
    assert isinstance(xs, FlyteIterator)
    return [next(xs), next(xs)]


@task
def as_list(xs: list[int]) -> int:
    return sum(xs)


# Point has no transformer: it is pickled, which warns (as flytekit does) when the type is
# first resolved; these tasks ask for that on purpose.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", PickleFallbackWarning)

    @task
    def points(n: int) -> Annotated[list[Point], BatchSize(2)]:
        return [Point(i) for i in range(n)]

    @task
    def total(ps: list[Point]) -> int:
        return sum(p.x for p in ps)


@task
def boxed(n: int) -> FlytePickle[dict[str, int]]:
    return {"n": n}


@task
def unbox(b: FlytePickle[dict[str, int]]) -> int:
    return b["n"]


@workflow
def values_wf(n: int = 5) -> tuple[list[int], int, int, int]:
    xs = countdown(n=n)
    return first_two(xs=xs), as_list(xs=xs), total(ps=points(n=n)), unbox(b=boxed(n=n))
