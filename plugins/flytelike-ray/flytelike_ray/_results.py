"""Waiting for the results of Ray tasks on the engine's event loop.

``await ref`` (Ray's own way) wraps each result in a ``concurrent.futures.Future``, then in an
``asyncio`` future, and wakes the event loop once per result through its self-pipe: measured
on this project's two-core VM, 1,000 trivial tasks awaited that way cost the driver about twice
the CPU of one ``ray.get`` over the same refs. ``Results.wait(ref)`` does one of two things:

- the refs awaited during one turn of the loop are handed on together at its end (a fan-out
  the engine submits in one turn is seen whole, not its first ``BUSY`` refs alone); a ref
  awaited while nothing else is (a chain's step) gets its callback at once;
- while few results are awaited on a loop (``BUSY`` or fewer, e.g. a chain: one at a time), it
  registers a completion callback on the ref (``ObjectRef._on_completed``, the hook Ray's own
  ``future()`` uses: it runs in Ray's thread with the fetched value, or the exception Ray
  reports), queues the value and wakes the loop once for every batch of results that completed
  meanwhile: a result is handed on as soon as Ray has it;
- while more are awaited (a fan-out), the ref goes to a collector thread, which asks Ray for
  what has completed in rounds (``ray.wait`` with a ``POLL_SECONDS`` timeout, then one
  ``ray.get`` of what is ready) and hands each round's results to the loop with one wake. A
  callback per ref costs Ray's I/O thread about 0.1 ms of CPU per result on this VM (it takes
  the GIL from the engine's thread and deserialises one value at a time: 1,000 results cost it
  ~250 ms against ~140 ms for one ``ray.get``), where a round costs a ``ray.wait`` over the
  refs it looks at. A round looks at the ``WINDOW`` oldest refs (Ray starts tasks of one kind
  in the order they were submitted, so they mostly complete in that order), every
  ``FULL_EVERY``-th round at all of them: a result waits at most ``POLL_SECONDS`` (5 ms) more
  while it is among the oldest, ``FULL_EVERY`` rounds when it overtook them, and only while
  many are in flight (then Ray has work queued: the wait costs no throughput). Rounds of 5 ms
  rather than 2: a round costs ~0.2 ms of CPU on a busy driver, and 1,000 tasks took 173
  rounds instead of 475 (driver CPU ~510 ms against ~610). When the loop awaits ``BUSY`` or
  fewer again (a fan-out's tail), the collector gives its refs of that loop back to
  completion callbacks, so the last results are handed on as soon as Ray has them.

A future cancelled meanwhile (a timeout, an abort) ignores its result; a loop that has closed
drops it. With a Ray that lacks the hook, ``wait`` falls back to ``ref.as_future()``.

What does not live here: submitting the tasks (``_backend``).
"""

from __future__ import annotations

import asyncio
import collections
import threading
import weakref
from collections.abc import Callable, Sequence
from typing import Any

BUSY = 32  # results awaited on one loop beyond which they go to the collector thread
POLL_SECONDS = 0.005  # how long a collector round waits for results while many are awaited
WINDOW = 64  # the oldest refs a collector round looks at...
FULL_EVERY = 8  # ...and every this many rounds, all of them
IDLE_SECONDS = 5.0  # the collector thread ends after this long with nothing to collect

# ``ray.wait``-like: (refs, num_returns, timeout) -> (ready, not ready); ``ray.get``-like
WaitFn = Callable[[list[Any], int, float], tuple[Sequence[Any], Sequence[Any]]]
GetFn = Callable[[list[Any]], Sequence[Any]]


class _LoopResults:
    """The completed results waiting to be handed to the futures of one event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop, collector: _Collector) -> None:
        self.loop = loop
        self.collector = collector
        self.done: collections.deque[tuple[asyncio.Future[Any], Any]] = collections.deque()
        self.scheduled = False  # a drain is scheduled
        self.awaited = 0  # futures not done yet
        self.lock = threading.Lock()
        # Refs awaited during this turn of the loop, handed on at its end (``flush``)
        self.fresh: list[tuple[Any, asyncio.Future[Any]]] = []
        self.flushing = False

    def add(self, ref: Any) -> asyncio.Future[Any]:
        fut = self.future()
        if self.awaited == 1:  # the only one (a chain's step): its callback now
            self.on_completed(ref, fut)
            return fut
        self.fresh.append((ref, fut))
        if not self.flushing:
            self.flushing = True
            self.loop.call_soon(self.flush)
        return fut

    def flush(self) -> None:
        """The refs awaited during the last turn of the loop, to the collector when the loop
        now awaits more than ``BUSY`` (a fan-out submitted in one turn goes there whole), else
        to completion callbacks."""
        self.flushing = False
        fresh = [(ref, fut) for ref, fut in self.fresh if not fut.done()]
        self.fresh = []
        if self.awaited > BUSY:
            self.collector.add_many(fresh, self)
        else:
            for ref, fut in fresh:
                self.on_completed(ref, fut)

    def future(self) -> asyncio.Future[Any]:
        fut: asyncio.Future[Any] = self.loop.create_future()
        self.awaited += 1
        fut.add_done_callback(self._finished)
        return fut

    def _finished(self, fut: asyncio.Future[Any]) -> None:
        self.awaited -= 1

    def on_completed(self, ref: Any, fut: asyncio.Future[Any]) -> None:
        def completed(result: Any, fut: asyncio.Future[Any] = fut, ref: Any = ref) -> None:
            # (in Ray's thread; ``ref`` stays referenced until its result is here)
            self.done.append((fut, result))
            self.wake()

        ref._on_completed(completed)

    def put(self, pairs: list[tuple[asyncio.Future[Any], Any]]) -> None:
        """Results from the collector thread: handed to the loop with one wake."""
        self.done.extend(pairs)
        self.wake()

    def wake(self) -> None:
        with self.lock:
            if self.scheduled:
                return
            self.scheduled = True
        try:
            self.loop.call_soon_threadsafe(self.drain)
        except RuntimeError:  # the loop has closed: nobody waits for these any more
            self.done.clear()

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


def _ray_wait(refs: list[Any], num_returns: int, timeout: float) -> tuple[Any, Any]:
    import ray

    return ray.wait(refs, num_returns=num_returns, timeout=timeout, fetch_local=True)


def _ray_get(refs: list[Any]) -> Any:
    import ray

    return ray.get(refs)


class _Collector:
    """The thread that collects the results of refs awaited while many are (see the module
    docstring), started when first needed and ended after ``IDLE_SECONDS`` idle."""

    def __init__(self, wait: WaitFn, get: GetFn) -> None:
        self._wait = wait
        self._get = get
        self._cond = threading.Condition()
        self._new: list[tuple[Any, asyncio.Future[Any], _LoopResults]] = []
        self._thread: threading.Thread | None = None

    def add_many(self, refs: list[tuple[Any, asyncio.Future[Any]]], owner: _LoopResults) -> None:
        with self._cond:
            self._new.extend((ref, fut, owner) for ref, fut in refs)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="flytelike-ray-results", daemon=True
                )
                self._thread.start()
            self._cond.notify()

    def _run(self) -> None:
        waiting: dict[Any, tuple[asyncio.Future[Any], _LoopResults]] = {}
        rounds = 0
        while True:
            with self._cond:
                if not self._new and not waiting:
                    self._cond.wait(IDLE_SECONDS)
                    if not self._new:
                        self._thread = None
                        return
                for ref, fut, owner in self._new:
                    waiting[ref] = (fut, owner)
                self._new.clear()
            if len(waiting) <= BUSY and self._hand_over(waiting):
                continue
            rounds += 1
            refs = list(waiting)
            if rounds % FULL_EVERY == 0:  # (forget refs whose futures were cancelled)
                for ref in refs:
                    if waiting[ref][0].done():
                        del waiting[ref]
                refs = list(waiting)
                if not refs:
                    continue
            elif len(refs) > WINDOW:
                refs = refs[:WINDOW]
            try:
                ready = list(self._wait(refs, len(refs), POLL_SECONDS)[0])
                values = self._values(ready)
            except Exception as e:  # Ray itself failed (shut down): every waiting ref fails
                ready, values = refs, [e] * len(refs)
            if not ready:
                continue
            by_loop: dict[_LoopResults, list[tuple[asyncio.Future[Any], Any]]] = {}
            for ref, value in zip(ready, values, strict=True):
                fut, owner = waiting.pop(ref)
                by_loop.setdefault(owner, []).append((fut, value))
            for owner, pairs in by_loop.items():
                owner.put(pairs)

    @staticmethod
    def _hand_over(waiting: dict[Any, tuple[asyncio.Future[Any], _LoopResults]]) -> bool:
        """Give the refs of loops that no longer await many (a fan-out's tail) to the
        completion callbacks, which hand each result on as it comes; whether none is left."""
        for ref, (fut, owner) in list(waiting.items()):
            if owner.awaited <= BUSY:  # (read from this thread: a count the loop keeps)
                owner.on_completed(ref, fut)
                del waiting[ref]
        return not waiting

    def _values(self, ready: list[Any]) -> list[Any]:
        """The values of ``ready`` refs, an exception where Ray reports one."""
        if not ready:
            return []
        try:
            return list(self._get(ready))
        except Exception:  # (one failed: fetch one by one)
            out: list[Any] = []
            for ref in ready:
                try:
                    out.append(self._get([ref])[0])
                except Exception as e:
                    out.append(e)
            return out


class Results:
    """``await results.wait(ref)``: the value of a Ray task's result (see the module
    docstring); an error Ray reports is raised. ``wait``/``get``: what the collector thread
    calls (default ``ray.wait``/``ray.get``)."""

    def __init__(self, wait: WaitFn | None = None, get: GetFn | None = None) -> None:
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopResults] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()
        self._collector = _Collector(wait or _ray_wait, get or _ray_get)

    def wait(self, ref: Any) -> asyncio.Future[Any]:
        if not hasattr(ref, "_on_completed"):
            return ref.as_future()  # type: ignore[no-any-return]
        loop = asyncio.get_running_loop()
        owner = self._loops.get(loop)
        if owner is None:
            with self._lock:
                owner = self._loops.get(loop)
                if owner is None:
                    owner = self._loops[loop] = _LoopResults(loop, self._collector)
        return owner.add(ref)
