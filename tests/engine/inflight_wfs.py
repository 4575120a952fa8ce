"""Workflows for ``test_inflight_cache``: nodes of one run with equal cache keys. The tasks
append a line to a file per invocation, so a test counts how often a body ran."""

from __future__ import annotations

import os
import time

import flytelike as fl
from flytelike import Cache


def _log(log: str, line: str) -> int:
    with open(log, "a") as f:
        f.write(line + "\n")
    with open(log) as f:
        return len(f.read().split())


@fl.task(cache=True, cache_version="1")
def slow_double(x: int, log: str) -> int:
    _log(log, str(x))
    time.sleep(0.3)  # (long enough for the equal node to start while this one runs)
    return x * 2


@fl.workflow
def twice(x: int, log: str) -> tuple[int, int]:
    a = slow_double(x=x, log=log)
    b = slow_double(x=x, log=log)
    return a, b


@fl.task(cache=True, cache_version="1")
def fails_first(x: int, log: str) -> int:
    n = _log(log, str(x))
    time.sleep(0.3)
    if n == 1:
        raise ValueError("the first invocation fails")
    return x + 1


@fl.workflow(
    failure_policy=fl.WorkflowFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE,
)
def first_fails(x: int, log: str) -> int:
    fails_first(x=x, log=log)
    return fails_first(x=x, log=log)


@fl.task(cache=True, cache_version="1")
def slow_double_env(x: int) -> int:
    _log(os.environ["INFLIGHT_LOG"], str(x))
    time.sleep(0.2)
    return x * 2


@fl.workflow
def mapped(xs: list[int]) -> list[int]:
    return fl.map_task(slow_double_env)(x=xs)


@fl.task
def counted(x: int, log: str) -> int:
    _log(log, str(x))
    time.sleep(0.3)
    return x * 10


@fl.workflow
def sub(x: int, log: str) -> int:
    return counted(x=x, log=log)


@fl.workflow
def subs_twice(x: int, log: str) -> tuple[int, int]:
    a = sub(x=x, log=log).with_overrides(cache=Cache(version="1"))
    b = sub(x=x, log=log).with_overrides(cache=Cache(version="1"))
    return a, b


env = fl.TaskEnvironment("inflight")


@env.task(cache="auto")
async def square(x: int) -> int:
    import asyncio

    _log(os.environ["INFLIGHT_LOG"], str(x))
    await asyncio.sleep(0.2)
    return x * x


@env.task
async def gathered() -> list[int]:
    import asyncio

    return list(await asyncio.gather(square(3), square(3), square(4)))
