"""Waiting for the results of Ray tasks on the engine's event loop.

``await ref`` (Ray's own way) wraps each result in a ``concurrent.futures.Future``, then in an
``asyncio`` future, and wakes the event loop once per result through its self-pipe: measured
on this project's two-core VM, 1,000 trivial tasks awaited that way cost the driver about twice
the CPU of one ``ray.get`` over the same refs. ``Results.wait(ref)`` registers a completion
callback on the ref instead (``ObjectRef._on_completed``, the hook Ray's own ``future()`` uses:
it runs in Ray's thread with the fetched value, or the exception Ray reports), queues the value,
and wakes the loop once for every batch of results that completed meanwhile.

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


class _LoopResults:
    """The completed results waiting to be handed to the futures of one event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.done: collections.deque[tuple[asyncio.Future[Any], Any]] = collections.deque()
        self.scheduled = False
        self.lock = threading.Lock()

    def wait(self, ref: Any) -> asyncio.Future[Any]:
        fut: asyncio.Future[Any] = self.loop.create_future()

        def completed(result: Any, fut: asyncio.Future[Any] = fut, ref: Any = ref) -> None:
            # (in Ray's thread; ``ref`` stays referenced until its result is here)
            self.done.append((fut, result))
            with self.lock:
                if self.scheduled:
                    return
                self.scheduled = True
            try:
                self.loop.call_soon_threadsafe(self.drain)
            except RuntimeError:  # the loop has closed: nobody waits for these any more
                self.done.clear()

        ref._on_completed(completed)
        return fut

    def drain(self) -> None:
        with self.lock:  # (first: a result queued from now on schedules another drain)
            self.scheduled = False
        done = self.done
        while done:
            fut, result = done.popleft()
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
