"""Parallelism slots held by running actions, lent to their children while they wait.

A run's ``max_parallelism`` / ``max_action_concurrency`` and the ``max_parallelism`` of enclosing
launch plans are semaphores (``Execution.sem``, ``LIMITS``): an action sent to the backend takes a
slot of each for as long as its body runs. A parent whose body awaits child actions (``@eager``,
flyte 2 tasks calling tasks) would keep its slot while its children queue for one: with a limit
of 1, the first child could never start. So a parent lends its slots while at least one of its
children is being awaited and takes them back, queueing like anyone else, when the last one is
done: the limit counts actions doing work, not actions waiting for their children.

``take(action_id, sems)`` / ``give_back(action_id, entry)`` wrap one attempt of an action;
``lend(parent)`` / ``take_back(parent)`` wrap the wait for one child (``_children``). A parent
with no slots (run inline, or no limit) has nothing to lend.
"""

from __future__ import annotations

import asyncio


class _Held:
    __slots__ = ("holding", "sems", "waiting")

    def __init__(self, sems: tuple[asyncio.Semaphore, ...]) -> None:
        self.sems = sems
        self.waiting = 0  # children being awaited
        self.holding = True  # whether the slots are taken by the action now


class Slots:
    """The slots each running action of one execution holds, by action id."""

    def __init__(self) -> None:
        self._held: dict[str, _Held] = {}

    async def take(self, action_id: str, sems: tuple[asyncio.Semaphore, ...]) -> _Held:
        """Take a slot of each of ``sems`` for the body of ``action_id``; the caller gives back
        whatever it holds at the end (``give_back``, in a ``finally``). (Two calls, not an
        async context manager: no async generator and manager per attempt on a remote
        action's path from one answer to the next request.)"""
        await _acquire(sems)
        entry = self._held[action_id] = _Held(sems)
        return entry

    def take_now(self, action_id: str, sems: tuple[asyncio.Semaphore, ...]) -> _Held | None:
        """``take`` without waiting, when each of ``sems`` has a free slot now and nobody queues
        for it (``Semaphore.locked`` is false: its ``acquire`` returns without suspending);
        else None, and nothing is taken (then ``take``). Saves a remote action the coroutines
        of ``take`` and ``_acquire``."""
        for taken, s in enumerate(sems):
            if not _acquire_now(s):
                _release(sems[:taken])
                return None
        entry = self._held[action_id] = _Held(sems)
        return entry

    def give_back(self, action_id: str, entry: _Held) -> None:
        """The body of ``action_id`` (``entry``, from ``take``) ended: release what it holds."""
        if self._held.get(action_id) is entry:
            del self._held[action_id]
        if entry.holding:
            entry.holding = False
            _release(entry.sems)

    def lend(self, parent: str) -> None:
        """A child of ``parent`` is about to be awaited: ``parent``'s slots go to others."""
        entry = self._held.get(parent)
        if entry is None:
            return
        entry.waiting += 1
        if entry.holding:
            entry.holding = False
            _release(entry.sems)

    async def take_back(self, parent: str) -> None:
        """A child of ``parent`` is done: when it was the last one awaited, ``parent`` queues for
        its slots again before its body goes on."""
        entry = self._held.get(parent)
        if entry is None:
            return
        entry.waiting -= 1
        if entry.waiting or entry.holding:
            return
        await _acquire(entry.sems)
        if entry.waiting or self._held.get(parent) is not entry:
            _release(entry.sems)  # lent again meanwhile, or the action ended
        else:
            entry.holding = True


async def _acquire(sems: tuple[asyncio.Semaphore, ...]) -> None:
    taken = 0
    try:
        for s in sems:
            await s.acquire()
            taken += 1
    except BaseException:
        _release(sems[:taken])
        raise


def _acquire_now(s: asyncio.Semaphore) -> bool:
    """Take a slot of ``s`` when its ``acquire()`` would return without suspending (it is not
    ``locked``: a slot is free and nobody queues for one); else take nothing and say so. A
    free slot with no queue (asyncio's ``_value`` and ``_waiters``) is taken as ``acquire``
    takes it, without its coroutine and ``locked``'s generator (one each per remote attempt)."""
    value = getattr(s, "_value", None)
    if type(value) is int and value > 0 and not getattr(s, "_waiters", True):
        s._value = value - 1
        return True
    if s.locked():
        return False
    step = s.acquire()
    try:
        step.send(None)
    except StopIteration:
        return True
    step.close()  # (cannot happen on the loop's own thread: ``locked`` was false)
    raise RuntimeError("a semaphore that was not locked made its acquirer wait")


def _release(sems: tuple[asyncio.Semaphore, ...]) -> None:
    for s in sems:
        s.release()
