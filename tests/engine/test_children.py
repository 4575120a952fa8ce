"""Eager tasks: awaited task calls are recorded child actions; mocks and references."""

from __future__ import annotations

import asyncio
import time
from typing import Optional

import pytest

import flytelike as fl
from flytelike.engine import Engine
from flytelike.errors import ReferenceEntityError
from flytelike.testing import task_mock


@fl.task
def slow_double(x: int) -> int:
    time.sleep(0.3)
    return 2 * x


@fl.task
def to_text(x: int) -> str:
    return str(x)


@fl.task
def boom(x: int) -> int:
    raise ValueError(f"boom {x}")


@fl.workflow
def text_wf(x: int) -> str:
    return to_text(x=x)


@fl.eager
async def fan_out(n: int) -> list[int]:
    return list(await asyncio.gather(*(slow_double(x=i) for i in range(n))))


@fl.eager
async def mixed(x: int) -> str:
    doubled = await slow_double(x=x)
    return await text_wf(x=doubled)


@fl.eager
async def catches(x: int) -> str:
    try:
        await boom(x=x)
    except ValueError as e:
        return f"caught {e}"
    return "no"


@fl.reference_task(project="p", domain="d", name="remote.inc", version="v1")
def remote_inc(x: int) -> int: ...


@fl.eager
async def uses_reference(x: int) -> int:
    return await remote_inc(x=x)


def test_gathered_calls_are_concurrent_child_actions(engine: Engine) -> None:
    started = time.perf_counter()
    run = engine.run(fan_out, n=4)
    assert run.outputs() == [0, 2, 4, 6]
    assert time.perf_counter() - started < 1.0  # 4 x 0.3 s sequential would be 1.2 s
    actions = {a.action_id: a for a in run.actions()}
    children = sorted(k for k in actions if "/" in k)
    assert children == [f"{run.entity_name}/c{i}" for i in range(4)]
    assert all(actions[c].phase == "SUCCEEDED" for c in children)
    assert all(actions[c].parent == run.entity_name for c in children)


def test_direct_call_and_workflow_children(engine: Engine) -> None:
    assert asyncio.run(mixed(x=3)) == "6"
    run = engine.run(mixed, x=2)
    assert run.outputs() == "4"
    kinds = {a.action_id.rsplit("/", 1)[-1]: a.kind for a in run.actions()}
    assert kinds["c0"] == "task" and kinds["c1"] == "workflow"


def test_child_failure_raises_the_task_exception(engine: Engine) -> None:
    caught = asyncio.run(catches(x=1))  # an EagerException that is also the task's ValueError
    assert caught.startswith("caught task `") and caught.endswith(": ValueError: boom 1")


def test_mocks_apply_to_children_and_references(engine: Engine) -> None:
    with pytest.raises(ReferenceEntityError, match="cannot run locally"):
        asyncio.run(uses_reference(x=1))
    with task_mock(remote_inc) as m:
        m.return_value = 42
        assert asyncio.run(uses_reference(x=1)) == 42
    m.assert_called_once_with(x=1)
    with task_mock(slow_double) as m2:
        m2.side_effect = lambda x: -x
        assert asyncio.run(fan_out(n=3)) == [0, -1, -2]


@fl.dynamic
def dyn_tree(n: int) -> int:
    if n <= 1:
        return slow_double(x=0)
    return fl_add(a=dyn_tree(n=n - 1), b=1)


@fl.task
def fl_add(a: int, b: int) -> int:
    return a + b


@fl.task
def calls_dynamic(n: int) -> int:
    return dyn_tree(n=n) + 100


def test_dynamic_direct_nested_and_recursive(engine: Engine) -> None:
    assert dyn_tree(n=3) == 2
    assert calls_dynamic(n=2) == 101


def test_optional_string_annotations_of_local_tasks(engine: Engine) -> None:
    @fl.task
    def opt(x: Optional[int] = None) -> int:  # noqa: UP045
        return -1 if x is None else x

    assert opt() == -1 and opt(x=3) == 3
