"""``Slots.take_now``: a remote action takes its parallelism slots without waiting when each
semaphore has one free, and takes nothing (the caller then queues with ``take``) otherwise."""

from __future__ import annotations

import asyncio

from flytelike.engine._slots import Slots


def test_take_now_takes_a_free_slot_of_each_semaphore_and_gives_it_back() -> None:
    async def go() -> None:
        slots = Slots()
        a, b = asyncio.Semaphore(2), asyncio.Semaphore(1)
        held = slots.take_now("n0", (a, b))
        assert held is not None
        assert (a._value, b._value) == (1, 0)
        slots.give_back("n0", held)
        assert (a._value, b._value) == (2, 1)

    asyncio.run(go())


def test_take_now_takes_nothing_when_a_semaphore_is_full() -> None:
    async def go() -> None:
        slots = Slots()
        a, b = asyncio.Semaphore(1), asyncio.Semaphore(1)
        first = slots.take_now("n0", (b,))
        assert first is not None
        assert slots.take_now("n1", (a, b)) is None
        assert (a._value, b._value) == (1, 0)  # (``a``, taken first, is given back)
        waiting = asyncio.ensure_future(slots.take("n1", (a, b)))
        await asyncio.sleep(0)
        assert not waiting.done()
        slots.give_back("n0", first)
        second = await waiting
        assert (a._value, b._value) == (0, 0)
        slots.give_back("n1", second)
        assert (a._value, b._value) == (1, 1)

    asyncio.run(go())


def test_take_now_with_no_limit_holds_nothing_to_lend() -> None:
    async def go() -> None:
        slots = Slots()
        held = slots.take_now("n0", ())
        assert held is not None and held.sems == ()
        slots.give_back("n0", held)

    asyncio.run(go())
