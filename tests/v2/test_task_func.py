"""flyte 2's ``task.func``: the function ``@env.task`` decorated, callable as plain Python."""

from __future__ import annotations

import asyncio

import flytelike as flyte

env = flyte.TaskEnvironment("task_func")


@env.task
async def add(x: int, y: int) -> int:
    return x + y


@env.task
def scale(x: int) -> int:
    return x * 3


def test_func_is_the_decorated_function() -> None:
    assert asyncio.run(add.func(2, 3)) == 5
    assert scale.func(4) == 12
    assert add.func.__name__ == "add" and not isinstance(add.func, type(add))
