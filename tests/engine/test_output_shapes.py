"""What a task with several outputs may return: a tuple or a list of exactly that many values
(flytekit takes a list too); a task whose one output is named by a NamedTuple may return the
NamedTuple or a plain 1-tuple. Anything else fails naming the task and what it returned, both
in a run and when called in place from another task's body."""

from __future__ import annotations

import typing

import pytest

import flytelike as fl
from flytelike.engine import Engine


class Named(typing.NamedTuple):
    v: int


@fl.task
def pair(n: int) -> tuple[int, str]:
    return [n, "x"] if n >= 0 else [n, "x", "extra"]  # type: ignore[return-value]


@fl.task
def named(n: int) -> Named:
    return (n,) if n >= 0 else (n, n)  # type: ignore[return-value]


@fl.workflow
def both(n: int) -> tuple[int, str, int]:
    a, b = pair(n=n)
    return a, b, named(n=n).v


@fl.task
def inside(n: int) -> str:
    a, b = pair(n=n)  # runs in place, in this task's body
    return f"{a}{b}{named(n=n)}"


def test_a_list_and_a_plain_1_tuple_are_taken(engine: Engine) -> None:
    assert both(n=3) == (3, "x", 3)
    assert pair(n=2) == (2, "x")
    assert named(n=5) == Named(v=5)
    assert inside(n=4) == "4xNamed(v=4)"


@pytest.mark.parametrize("where", ["run", "in place"])
def test_a_list_of_another_length_is_refused(engine: Engine, where: str) -> None:
    with pytest.raises(Exception, match=r"declares 2 outputs \(o0, o1\) but returned a list of 3"):
        (pair if where == "run" else inside)(n=-1)


def test_a_longer_tuple_for_one_named_output_is_refused(engine: Engine) -> None:
    with pytest.raises(Exception, match="named"):
        named(n=-1)
