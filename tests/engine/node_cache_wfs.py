"""Workflows for ``test_node_cache``: a subworkflow and a launch plan cached through
``with_overrides``; the task inside counts its invocations in a file."""

from __future__ import annotations

import functools

import flytelike as fl
from flytelike import Cache


@fl.task
def counted(x: int, log: str) -> int:
    with open(log, "a") as f:
        f.write(f"{x}\n")
    return x * 10


@fl.workflow
def counted_sub(x: int, log: str) -> int:
    return counted(x=x, log=log)


counted_lp = fl.LaunchPlan.get_or_create(counted_sub, name="counted_lp")


@fl.workflow
def cached_sub_parent(x: int, log: str) -> int:
    return counted_sub(x=x, log=log).with_overrides(cache=Cache(version="1"))


@fl.workflow
def cached_lp_parent(x: int, log: str) -> int:
    return counted_lp(x=x, log=log).with_overrides(cache=Cache(version="1"))


@fl.workflow
def serialized_sub_parent(x: int, log: str) -> int:
    return counted_sub(x=x, log=log).with_overrides(cache=Cache(version="1", serialize=True))


@fl.workflow
def uncached_sub_parent(x: int, log: str) -> int:
    return counted_sub(x=x, log=log)


@fl.task(cache=True, cache_version="1")
def cached_task(x: int, log: str) -> int:
    with open(log, "a") as f:
        f.write(f"{x}\n")
    return x + 1


@fl.workflow
def disabled_overrides(x: int, log: str) -> int:
    a = cached_task(x=x, log=log).with_overrides(cache=Cache(behavior="disable"))
    b = cached_task(x=a, log=log).with_overrides(cache=False)
    return b


@fl.workflow
def cached_lp_map(xs: list[int], log: str) -> list[int]:
    return fl.map_task(functools.partial(counted_lp, log=log))(x=xs).with_overrides(  # type: ignore[no-any-return]
        cache=Cache(version="1")
    )
