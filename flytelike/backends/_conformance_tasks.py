"""Tasks and workflows the backend conformance suite runs (importable by any worker)."""

from __future__ import annotations

import asyncio
import os
import time

import flytelike as fl
from flytelike.backends._runtime import current_context
from flytelike.errors import FlyteRecoverableException

_COUNTS: dict[str, int] = {}


def _bump(key: str) -> int:
    path = os.environ.get("FLYTELIKE_CONFORMANCE_DIR", "")
    if path:
        f = os.path.join(path, key)
        n = 1
        if os.path.exists(f):
            with open(f) as fh:
                n = int(fh.read()) + 1
        with open(f, "w") as fh:
            fh.write(str(n))
        return n
    _COUNTS[key] = _COUNTS.get(key, 0) + 1
    return _COUNTS[key]


@fl.task
def add(a: int, b: int) -> int:
    return a + b


@fl.task
def inc(x: int) -> int:
    return x + 1


@fl.task
def nap(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


@fl.task
async def anap(seconds: float) -> float:
    await asyncio.sleep(seconds)
    return seconds


@fl.task(retries=3)
def flaky(key: str, failures: int) -> int:
    n = _bump(key)
    if n <= failures:
        raise FlyteRecoverableException(f"attempt {n} fails")
    return n


@fl.task(retries=3)
def broken(key: str) -> int:
    _bump(key)
    raise ValueError("not recoverable")


@fl.task(timeout=1)
def slow(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


@fl.task(cache=True, cache_version="1")
def cached_inc(key: str, x: int) -> int:
    _bump(key)
    return x + 1


@fl.task
def odd_fails(x: int) -> int:
    if x % 2:
        raise ValueError(f"odd {x}")
    return x


@fl.task
def whoami() -> str:
    ctx = current_context()
    return f"{ctx.execution_id.name}|{ctx.working_directory}"


@fl.task(environment={"FLYTELIKE_CONFORMANCE_VAR": "set"})
def env_var() -> str:
    return os.environ.get("FLYTELIKE_CONFORMANCE_VAR", "")


@fl.workflow
def chain(x: int) -> int:
    return inc(x=inc(x=inc(x=x)))


@fl.workflow
def parallel_naps(seconds: float) -> list[float]:
    return [nap(seconds=seconds) for _ in range(4)]


@fl.workflow
def mapped_inc(xs: list[int]) -> list[int]:
    return fl.map_task(inc, concurrency=2)(x=xs)  # type: ignore[no-any-return]


@fl.workflow
def mapped_ratio(xs: list[int]) -> list[int | None]:
    return fl.map_task(odd_fails, min_success_ratio=0.5)(x=xs)  # type: ignore[no-any-return]
