"""Ready task nodes beyond a window wait in the interpreter's ready queue, not as asyncio tasks
blocked on the parallelism semaphore: a fan-out of 600 nodes never has 600 tasks alive at once
(with unbounded parallelism every ready node still starts at once)."""

from __future__ import annotations

import asyncio

import flytelike as fl
from flytelike.engine import Engine, EngineConfig


@fl.task
async def alive(x: int) -> int:
    await asyncio.sleep(0)
    return len(asyncio.all_tasks())


@fl.task
def seed(x: int) -> int:
    return x


@fl.workflow
def fan_out(x: int) -> list[int]:
    s = seed(x=x)
    return [alive(x=s) for _ in range(600)]  # type: ignore[return-value]


def _peak(home: object, parallelism: int) -> int:
    e = Engine(EngineConfig.from_env(max_parallelism=parallelism))
    try:
        return max(e.run(fan_out, x=1).outputs())
    finally:
        e.close()


def test_a_wide_fan_out_keeps_a_bounded_number_of_tasks_alive(home: object) -> None:
    assert _peak(home, 4) <= 128 + 16  # the window (128 task nodes) and the run's own tasks


def test_unbounded_parallelism_starts_every_ready_node(home: object) -> None:
    assert _peak(home, 0) >= 600
