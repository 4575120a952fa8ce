"""Waiting for the results of Ray tasks on the engine's event loop.

``await ref`` (Ray's own way) wraps each result in a ``concurrent.futures.Future``, then in an
``asyncio`` future, and wakes the event loop once per result through its self-pipe: measured
on this project's two-core VM, 1,000 trivial tasks awaited that way cost the driver about twice
the CPU of one ``ray.get`` over the same refs. ``Results.wait(ref)`` registers a completion
callback on the ref instead (``ObjectRef._on_completed``, the hook Ray's own ``future()`` uses:
it runs in Ray's thread with the fetched value, or the exception Ray reports), queues the value,
and wakes the loop once for every batch of results that completed meanwhile.

Under load the wake-ups themselves cost (an ``epoll`` return and a self-pipe read per wake:
about a quarter of the driver's main thread with 1,000 tasks in flight, whose results arrive
one at a time, every ~0.7 ms on two cores). So, as network drivers mitigate interrupts, while
more than ``BUSY`` results are awaited on a loop, their delivery goes from waking the loop per
result to the loop collecting them every ``POLL_SECONDS`` on a timer of its own (no wake from
Ray's thread at all), back to waking as soon as a round finds nothing or few are awaited, and
to the timer again at the next wake while many still are:
a result then waits at most ``POLL_SECONDS`` (2 ms) more, and only while many are in flight;
a chain (one awaited at a time) is delivered at once, as before.

A future cancelled meanwhile (a timeout, an abort) ignores its result; a loop that has closed
drops it. With a Ray that lacks the hook, ``wait`` falls back to ``ref.as_future()``.

What does not live here: submitting the tasks (``_backend``).
"""

from __future__ import annotations

import asyncio
import collections
import threading
import weakref
from typing import Any

BUSY = 32  # results awaited on one loop beyond which they are collected on a timer
POLL_SECONDS = 0.002


class _LoopResults:
    """The completed results waiting to be handed to the futures of one event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.done: collections.deque[tuple[asyncio.Future[Any], Any]] = collections.deque()
        self.scheduled = False  # a drain is scheduled (by Ray's thread) or the timer runs
        self.polling = False  # results are collected on the timer (``poll``)
        self.awaited = 0  # results not delivered yet
        self.lock = threading.Lock()

    def wait(self, ref: Any) -> asyncio.Future[Any]:
        fut: asyncio.Future[Any] = self.loop.create_future()
        self.awaited += 1
        if self.awaited > BUSY and not self.polling:
            self.start_polling()

        def completed(result: Any, fut: asyncio.Future[Any] = fut, ref: Any = ref) -> None:
            # (in Ray's thread; ``ref`` stays referenced until its result is here)
            self.done.append((fut, result))
            with self.lock:
                if self.scheduled or self.polling:
                    return
                self.scheduled = True
            try:
                self.loop.call_soon_threadsafe(self.drain)
            except RuntimeError:  # the loop has closed: nobody waits for these any more
                self.done.clear()

        ref._on_completed(completed)
        return fut

    def start_polling(self) -> None:
        with self.lock:
            self.polling = True  # (Ray's thread stops waking the loop from now on)
        self.loop.call_later(POLL_SECONDS, self.poll)

    def poll(self) -> None:
        """The timer's round: deliver what came; keep collecting on the timer while many are
        awaited and this round found some, else let Ray's thread wake the loop again."""
        found = bool(self.done)
        self.deliver()
        if found and self.awaited > BUSY:
            self.loop.call_later(POLL_SECONDS, self.poll)
            return
        with self.lock:  # (a result queued after this sees ``polling`` false and wakes us)
            self.polling = False
        if self.done:  # (came in meanwhile: deliver it now, as a wake would)
            self.drain()

    def drain(self) -> None:
        with self.lock:  # (first: a result queued from now on schedules another drain)
            self.scheduled = False
        self.deliver()
        if self.awaited > BUSY and not self.polling:  # (results flow again: collect them)
            self.start_polling()

    def deliver(self) -> None:
        done = self.done
        while done:
            fut, result = done.popleft()
            self.awaited -= 1
            if fut.done():  # cancelled meanwhile
                continue
            if isinstance(result, BaseException):
                fut.set_exception(result)
            else:
                fut.set_result(result)


class Results:
    """``await results.wait(ref)``: the value of a Ray task's result (see the module
    docstring); an error Ray reports is raised."""

    def __init__(self) -> None:
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopResults] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()

    def wait(self, ref: Any) -> asyncio.Future[Any]:
        if not hasattr(ref, "_on_completed"):
            return ref.as_future()  # type: ignore[no-any-return]
        loop = asyncio.get_running_loop()
        found = self._loops.get(loop)
        if found is None:
            with self._lock:
                found = self._loops.get(loop)
                if found is None:
                    found = self._loops[loop] = _LoopResults(loop)
        return found.wait(ref)
