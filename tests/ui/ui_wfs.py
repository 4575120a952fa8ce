"""Workflows the UI tests record: one that fails after printing, one that sleeps (to abort),
one behind an approval gate."""

from __future__ import annotations

import time
from datetime import timedelta

from flytelike import approve, map_task, task, workflow


@task
def numbers(n: int) -> list[int]:
    return list(range(n))


@task
def square(x: int) -> int:
    return x * x


@task
def check(xs: list[int]) -> int:
    total = sum(xs)
    print(f"checking total {total}")
    if total > 10:
        raise ValueError(f"total {total} is over the limit")
    return total


@workflow
def squares_then_check(n: int) -> int:
    return check(xs=map_task(square)(x=numbers(n=n)))


@task
def nap(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


@workflow
def slow(seconds: float) -> float:
    return nap(seconds=nap(seconds=seconds))


@workflow
def reviewed(n: int) -> int:
    total = check(xs=numbers(n=n))
    return approve(total, "review", timeout=timedelta(minutes=5))


@task(enable_deck=True)
def with_deck(x: int) -> int:
    import flytelike

    flytelike.Deck("Notes", "<p id='note'>squared it</p>")
    return x * x


@task(retries=2)
def flaky_once(path: str) -> int:
    from pathlib import Path

    from flytelike import FlyteRecoverableException

    marker = Path(path)
    if not marker.exists():
        marker.write_text("failed once")
        raise FlyteRecoverableException("first attempt fails")
    return 1
