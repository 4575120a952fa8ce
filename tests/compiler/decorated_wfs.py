"""A workflow decorator that adds nodes around the wrapped workflow's nodes with
``create_node`` and ``>>``, as flytekit's user guide shows ("decorating workflows"), used by
``test_decorating_workflows`` (and run there by ``flytelike run``). The tasks append to the file
named by ``$ORDER_LOG`` so that the test can see the order they ran in."""

from __future__ import annotations

import functools
import os
import typing

from flytelike import FlyteContextManager, task, workflow
from flytelike.core.node_creation import create_node


def _log(what: str) -> None:
    with open(os.environ["ORDER_LOG"], "a") as f:
        f.write(what + "\n")


@task
def start_service() -> None:
    _log("start")


@task
def stop_service() -> None:
    _log("stop")


def around(
    fn: typing.Callable[..., typing.Any] | None = None,
    *,
    before: typing.Any,
    after: typing.Any,
) -> typing.Any:
    """Run ``before`` ahead of the wrapped workflow's first node and ``after`` once its last
    node is done."""
    if fn is None:
        return functools.partial(around, before=before, after=after)

    @functools.wraps(fn)
    def wrapper(*args: typing.Any, **kwargs: typing.Any) -> typing.Any:
        ctx = FlyteContextManager.current_context()
        first = create_node(before)
        outputs = fn(*args, **kwargs)
        last = create_node(after)
        if ctx.compilation_state is not None:
            nodes = ctx.compilation_state.nodes  # [first, *the workflow's nodes, last]
            first >> nodes[1]
            nodes[-2] >> last
        return outputs

    return wrapper


@task
def minus_one(x: float) -> float:
    _log("minus_one")
    return x - 1


@task
def square(x: float) -> float:
    _log("square")
    return x**2


@workflow
@around(before=start_service, after=stop_service)
def wrapped(x: float) -> float:
    return square(x=minus_one(x=x))
