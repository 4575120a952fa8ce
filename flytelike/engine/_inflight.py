"""Cache keys being computed in one run: a node whose key is in flight waits and takes a hit.

Two nodes of one run with the same cache key (the same cached task, or the same subworkflow or
launch plan cached through ``with_overrides``, with equal inputs) would both miss the cache when
they run at the same time: independent nodes run concurrently. A run keeps the keys its nodes
are computing (``Execution.shared``); a node that misses the cache while an equal key is in
flight waits for that node and takes its outputs as a cache ``HIT`` (no attempts, as a later
hit). If the first node does not succeed (it fails, is aborted, or storing its outputs fails),
a waiter takes the key and runs itself (and a further waiter waits for it). Map items with equal
inputs are nodes like any other: one item computes, equal items wait and record a hit.

The registry is per run; across runs and processes, ``Cache(serialize=True)`` (reservations in
the store, ``_cache``) does the same. The run never deadlocks through it: a node does not wait
for a key whose holder's completion requires its own, i.e. when the holder is the node itself or
one of its ancestors (a dynamic task, a subworkflow or a task calling children, whose action id
prefixes the node's), or when the holder (or anything it contains) waits, transitively, for such
a node. It then runs itself without taking the key. Nodes run in place (``_inplace``) never wait:
they run only while nothing else in the run does, so no equal key can be in flight but an
ancestor's.
"""

from __future__ import annotations

import asyncio

from flytelike.engine._failure import Outputs


def _within(aid: str, holder: str) -> bool:
    """Whether action ``aid`` is ``holder`` or runs inside it (a descendant's id extends its
    ancestor's with ``/``)."""
    return aid == holder or aid.startswith(holder + "/")


class InFlight:
    """The cache keys one run's nodes are computing, and the nodes waiting for them."""

    __slots__ = ("_waits", "holders")

    def __init__(self) -> None:
        # key -> (holder action id, the future waiters share: made for the first waiter)
        self.holders: dict[str, tuple[str, asyncio.Future[Outputs | None] | None]] = {}
        self._waits: dict[str, str] = {}  # waiting action id -> holder action id

    def hold(self, key: str, aid: str) -> None:
        """``aid`` computes ``key`` (no equal key in flight: ``key not in holders``)."""
        self.holders[key] = (aid, None)

    def done(self, key: str, aid: str, outputs: Outputs | None) -> None:
        """``aid`` ended: its ``outputs`` when it succeeded, else ``None`` (a waiter runs then).
        Nothing happens unless ``aid`` holds ``key``."""
        held = self.holders.get(key)
        if held is None or held[0] != aid:
            return
        del self.holders[key]
        fut = held[1]
        if fut is not None and not fut.done():
            fut.set_result(outputs)

    async def wait(self, key: str, aid: str) -> Outputs | None:
        """The outputs of the node computing ``key``, once it succeeded; or ``None``, and then
        ``aid`` runs itself: holding ``key`` when it was free, not holding it when waiting
        could deadlock (see the module docstring)."""
        while True:
            held = self.holders.get(key)
            if held is None:
                self.hold(key, aid)
                return None
            holder, fut = held
            if self._requires(holder, aid):
                return None
            if fut is None:
                fut = asyncio.get_running_loop().create_future()
                self.holders[key] = (holder, fut)
            self._waits[aid] = holder
            try:
                out = await asyncio.shield(fut)  # (a cancelled waiter leaves the future alone)
            finally:
                del self._waits[aid]
            if out is not None:
                return dict(out)

    def _requires(self, holder: str, aid: str) -> bool:
        """Whether ``holder``'s completion requires ``aid``'s: ``aid`` runs inside it, or
        inside a node some node inside it waits for, transitively."""
        seen = {holder}
        todo = [holder]
        while todo:
            h = todo.pop()
            if _within(aid, h):
                return True
            for waiter, target in self._waits.items():
                if target not in seen and _within(waiter, h):
                    seen.add(target)
                    todo.append(target)
        return False
