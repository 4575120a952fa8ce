"""conditional(...): branch nodes, expressions, nesting, errors."""

from __future__ import annotations

from typing import Optional

import pytest

from flytelike import conditional, task, workflow
from flytelike.errors import CompileError, LocalExecutionError, PromiseUsageError
from flytelike.ir import BranchNode, Comparison, Conjunction, Constant, PromiseRef


@task
def square(n: int) -> int:
    return n * n


@task
def negate(n: int) -> int:
    return -n


@task
def is_even(n: int) -> bool:
    return n % 2 == 0


@task
def maybe(n: int) -> Optional[int]:  # noqa: UP045
    return n if n > 0 else None


@task
def label(s: str) -> str:
    return s


@task
def side_effect(n: int) -> None:
    pass


def test_if_elif_else_with_and_or() -> None:
    @workflow
    def wf(n: int) -> int:
        return (
            conditional("range")
            .if_((n > 0) & (n < 10))
            .then(square(n=n))
            .elif_((n == 10) | (n == 20))
            .then(negate(n=n))
            .else_()
            .then(square(n=negate(n=n)))
        )

    assert [wf(n=v) for v in (3, 10, 20, 50)] == [9, -10, -20, 2500]
    branch = wf.template().nodes[0].target
    assert isinstance(branch, BranchNode)
    first = branch.cases[0].condition
    assert isinstance(first, Conjunction) and first.op == "and"
    assert first.left == Comparison(
        "gt", PromiseRef("start-node", "n"), Constant(first.left.right.value)
    )  # type: ignore[union-attr]
    assert [c.condition is None for c in branch.cases] == [False, False, True]
    assert [n.id for n in branch.cases[2].nodes] == ["n0.else.n0", "n0.else.n1"]
    assert branch.cases[2].nodes[1].upstream == ("n0.else.n0",)


def test_conditions_on_task_outputs_and_unary_checks() -> None:
    @workflow
    def wf(n: int) -> str:
        even = is_even(n=n)
        m = maybe(n=n)
        first = (
            conditional("even")
            .if_(even.is_true())
            .then(label(s="even"))
            .else_()
            .then(label(s="odd"))
        )
        return (
            conditional("none")
            .if_(m.is_none())
            .then(label(s="none"))
            .elif_(even.is_false())
            .then(first)
            .else_()
            .then(label(s="some"))
        )

    assert wf(n=-2) == "none"
    assert wf(n=3) == "odd"
    assert wf(n=4) == "some"
    nodes = wf.template().nodes
    assert [n.id for n in nodes] == ["n0", "n1", "n2", "n3"]
    assert nodes[3].upstream == ("n1", "n0", "n2")


def test_nested_conditionals() -> None:
    @workflow
    def wf(n: int) -> int:
        return (
            conditional("outer")
            .if_(n > 0)
            .then(conditional("inner").if_(n > 100).then(negate(n=n)).else_().then(square(n=n)))
            .else_()
            .then(negate(n=n))
        )

    assert [wf(n=v) for v in (200, 3, -1)] == [-200, 9, 1]
    outer = wf.template().nodes[0].target
    inner_node = outer.cases[0].nodes[0]  # type: ignore[union-attr]
    assert inner_node.id == "n0.c0.n0"
    assert isinstance(inner_node.target, BranchNode)
    assert inner_node.target.cases[0].nodes[0].id == "n0.c0.n0.c0.n0"


def test_conditional_without_outputs_and_fail() -> None:
    @workflow
    def wf(n: int) -> None:
        conditional("only positive").if_(n > 0).then(side_effect(n=n)).else_().fail("n must be > 0")

    wf(n=1)
    with pytest.raises(LocalExecutionError, match="n must be > 0"):
        wf(n=0)
    with pytest.raises(ValueError, match="n must be > 0"):  # what flytekit raises there
        wf(n=0)
    assert wf.template().nodes[0].target.error == "n must be > 0"  # type: ignore[union-attr]


def test_dangling_if_is_an_error() -> None:
    def body(n: int) -> None:
        conditional("dangling").if_(n > 0).then(side_effect(n=n))

    with pytest.raises(CompileError, match="Dangling If is not allowed"):
        workflow(body)


def test_python_boolean_operators_are_rejected() -> None:
    def body(n: int) -> int:
        return conditional("c").if_(n > 0 and n < 5).then(square(n=n)).else_().then(negate(n=n))

    with pytest.raises(PromiseUsageError, match=r"`&`/`\|` instead of `and`/`or`"):
        workflow(body)


def test_a_bare_promise_is_not_a_condition() -> None:
    def body(n: int) -> int:
        return conditional("c").if_(is_even(n=n)).then(square(n=n)).else_().then(negate(n=n))

    with pytest.raises(CompileError, match="not a condition by itself"):
        workflow(body)


def test_is_true_needs_a_bool() -> None:
    def body(n: int) -> int:
        return conditional("c").if_(n.is_true()).then(square(n=n)).else_().then(negate(n=n))  # type: ignore[attr-defined]

    with pytest.raises(CompileError, match="need a bool"):
        workflow(body)


def test_cases_must_produce_the_same_types() -> None:
    def body(n: int) -> int:
        return conditional("c").if_(n > 0).then(square(n=n)).else_().then(label(s="x"))  # type: ignore[return-value]

    with pytest.raises(CompileError, match="every case must produce the same types"):
        workflow(body)


def test_conditional_outside_a_workflow() -> None:
    with pytest.raises(CompileError, match="only allowed inside"):
        conditional("c")
