"""A run's action limit counts actions doing work: a parent waiting for its children lends them
its slot (``flytelike.engine._slots``), so a limit of 1 runs a parent's children one at a time
instead of waiting forever, and a limit of N runs at most N bodies at once."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

import flytelike as flyte

env = flyte.TaskEnvironment(name="slots")

_lock = threading.Lock()
_now = 0
_peak = 0


def _enter() -> None:
    global _now, _peak
    with _lock:
        _now += 1
        _peak = max(_peak, _now)


def _leave() -> None:
    global _now
    with _lock:
        _now -= 1


@env.task
async def busy(i: int) -> int:
    _enter()
    try:
        await asyncio.sleep(0.05)
    finally:
        _leave()
    return i


@env.task
def busy_sync(i: int) -> int:
    _enter()
    try:
        time.sleep(0.05)
    finally:
        _leave()
    return i


@env.task
async def gathers(n: int) -> int:
    first = await busy(100)  # one awaited child, then a gather of n
    return first + sum(await asyncio.gather(*(busy(i) for i in range(n))))


@env.task
def calls_in_turn(n: int) -> int:
    return sum(busy_sync(i) for i in range(n))


@env.task
async def nested(n: int) -> int:
    return await gathers(n) + await gathers(n)


@pytest.fixture(autouse=True)
def _reset() -> None:
    global _now, _peak
    _now = _peak = 0


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_limit_bounds_children_and_never_deadlocks(limit: int) -> None:
    r = flyte.with_runcontext(max_action_concurrency=limit).run(gathers, 6)
    assert r.outputs() == 100 + sum(range(6))
    assert _peak == limit  # six children ready at once: exactly `limit` bodies ran together


def test_sync_parent_with_limit_one() -> None:
    r = flyte.with_runcontext(max_action_concurrency=1).run(calls_in_turn, 3)
    assert r.outputs() == 3
    assert _peak == 1


def test_nested_parents_with_limit_one() -> None:
    r = flyte.with_runcontext(max_action_concurrency=1).run(nested, 3)
    assert r.outputs() == 2 * (100 + 3)
    assert _peak == 1
    assert len(r.actions()) == 1 + 2 * (1 + 1 + 3)
