"""What flytekit code reads back from local calls: several outputs come as a named tuple
(``res.o0``, ``res.<name>``, unpacking); an ``on_failure`` handler receives
``err: Optional[FlyteError]``."""

from __future__ import annotations

import asyncio
import pickle
import typing
from typing import NamedTuple

import pytest

from flytelike import eager, task, workflow
from flytelike.engine import Engine
from flytelike.errors import DefinitionError
from flytelike.types.error import FlyteError


class Stats(NamedTuple):
    total: int
    label: str


@task
def pair(x: int) -> tuple[int, str]:
    return x, f"#{x}"


@task
def stats(x: int) -> Stats:
    return Stats(x * 10, "ten")


@workflow
def pair_wf(x: int) -> tuple[int, str]:
    a, b = pair(x=x)
    return a, b


@workflow
def stats_wf(x: int) -> Stats:
    return stats(x=x)


@eager
async def eager_pair(x: int) -> str:
    res = await pair(x=x)
    return f"{res.o0}{res.o1}"


def test_several_unnamed_outputs_are_a_named_tuple(engine: Engine) -> None:
    for res in (pair(x=1), pair_wf(x=1), engine.run(pair_wf, x=1).outputs()):
        assert res.o0 == 1 and res.o1 == "#1"
        a, b = res
        assert (a, b) == (1, "#1") and res == (1, "#1")
        assert repr(res) == "DefaultNamedTupleOutput(o0=1, o1='#1')"
        assert pickle.loads(pickle.dumps(res)) == res


def test_named_outputs_keep_their_names(engine: Engine) -> None:
    for res in (stats(x=2), stats_wf(x=2), engine.run(stats_wf, x=2).outputs()):
        assert res.total == 20 and res.label == "ten"
        assert isinstance(res, Stats)


def test_several_outputs_of_a_call_inside_an_eager_workflow(engine: Engine) -> None:
    assert asyncio.run(eager_pair(x=3)) == "3#3"


SEEN: list[typing.Any] = []


@task
def create_cluster(name: str) -> None:
    SEEN.append(f"create {name}")


@task
def t1(a: int, b: str) -> None:
    raise ValueError("Fail!")


@task
def delete_cluster(name: str) -> None:
    SEEN.append(f"delete {name}")


@task
def clean_up(name: str, err: typing.Optional[FlyteError] = None) -> None:  # noqa: UP045
    SEEN.append(err)


@workflow(on_failure=clean_up)
def wf1(name: str = "my_cluster") -> None:
    c = create_cluster(name=name)
    t = t1(a=1, b="2")
    d = delete_cluster(name=name)
    c >> t >> d


def test_on_failure_handler_receives_a_flyte_error(engine: Engine) -> None:
    SEEN.clear()
    with pytest.raises(ValueError, match="Fail!"):
        wf1()
    assert SEEN[0] == "create my_cluster"
    err = SEEN[-1]
    assert isinstance(err, FlyteError)
    assert "ValueError: Fail!" in err.message
    assert err.failed_node_id == "n1"  # the t1 node
    assert "delete my_cluster" not in SEEN


def test_on_failure_handler_input_names() -> None:
    @task
    def takes_error(name: str, error: str) -> None:
        pass

    @workflow(on_failure=takes_error)
    def ok(name: str) -> None:
        create_cluster(name=name)

    assert ok.template().metadata.on_failure == takes_error.id

    @task
    def no_error(name: str) -> None:
        pass

    def bad(name: str) -> None:
        create_cluster(name=name)

    # flytekit's rule: a handler needs the workflow's inputs, `err`/`error` is optional
    assert workflow(on_failure=no_error)(bad).template().metadata.on_failure == no_error.id

    @task
    def needs_more(name: str, region: str) -> None:
        pass

    with pytest.raises(
        DefinitionError, match=r"`region`, which is not a workflow input.*FlyteError"
    ):
        workflow(on_failure=needs_more)(bad)
