"""Entities that fail and print, for the failure and log tests (module level, so `flytelike run`
can import them too)."""

from __future__ import annotations

import asyncio
import sys
import threading
import time

import flytelike as fl


def _check(x: int) -> int:
    if x > 2:
        raise ValueError(f"bad input {x}")  # the line the tracebacks point at
    return x


@fl.task
def boom(x: int) -> int:
    print(f"checking {x}")
    print(f"about to fail on {x}", file=sys.stderr)
    return _check(x)


@fl.workflow
def fails(x: int) -> int:
    return boom(x=x)


FLAKY_CALLS: list[int] = []


@fl.task(retries=2)
def flaky(x: int) -> int:
    FLAKY_CALLS.append(x)
    print(f"attempt {len(FLAKY_CALLS)}")
    raise fl.FlyteRecoverableException(f"not yet ({len(FLAKY_CALLS)})")


@fl.task
def quiet(x: int) -> int:
    return x + 1


@fl.task
def loud(n: int) -> int:
    """Prints ``n`` numbered lines of 100 characters."""
    for i in range(n):
        print(f"{i:08d} " + "x" * 90)
    return n


@fl.task
def chatty(i: int) -> int:
    """Writes each line in three pieces, sleeping between them, so that concurrent items would
    interleave mid-line if nothing kept lines whole."""
    for k in range(40):
        sys.stdout.write(f"item {i} line {k} ")
        time.sleep(0.0005)
        sys.stdout.write("middle ")
        print("end")
    print(f"item {i} done", file=sys.stderr)
    return i


@fl.workflow
def chatty_map(xs: list[int]) -> list[int]:
    return fl.map_task(chatty, concurrency=4)(i=xs)


@fl.task
def picky(i: int) -> int:
    if i == 3:
        raise KeyError(f"no item {i}")
    return i


@fl.workflow
def picky_map(xs: list[int]) -> list[int]:
    return fl.map_task(picky)(i=xs)


PRINTED = threading.Event()


@fl.task
async def waits(seconds: float) -> float:
    print("started, waiting")
    PRINTED.set()
    await asyncio.sleep(seconds)
    return seconds


@fl.workflow
def waits_wf(seconds: float) -> float:
    return waits(seconds=seconds)
