"""A map's items run in this process (the fast path, ``fast_path``): in place, on the engine's
thread, while items are quick or busy, and on the backend's worker threads once they mostly wait.

In place, nothing else in the run can progress, so items run with no per-item asyncio overhead,
in stretches of ``SLICE_SECONDS`` between which the event loop gets a turn (abort, signals,
timers, progress events). Within a stretch, items run a chunk at a time when the backend's
runner offers chunks (``InlineRunner.chunks``: first attempts in one tight loop, recorded as
one record, see ``flytelike.backends._item_chunks``), else one by one. A chunk grows (doubling,
up to ``MAX_CHUNK`` items) while it ends within ``CHUNK_SECONDS / 2`` and shrinks when it takes
longer than ``CHUNK_SECONDS``, so a chunk lasts about that long: the time a stop waits between
two windows of bodies, and the finished items a kill -9 loses (a chunk is journaled when it
ends). Items that mostly wait (I/O, sleeps) hand the rest to worker threads: checked after any
chunk or item over ``SLOW_ITEM`` seconds and at the end of every stretch. CPU-bound items stay in
place, where they run fastest (threads would only contend for the GIL). Worker threads (also
used from the start when other nodes of the run are running) take chunks the same way, each
sized by its own timing, unless the task sets environment variables (set for a whole chunk,
they would be removed under another thread's chunk); a map that is aborted starts no item
after it (``MapItems.stopped``, checked before each item of a chunk).

What does not live here: the items' records (``_map_items``), the map node (``_map``).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from dataclasses import replace
from typing import Any

from flytelike.backends import (
    OPEN_CAPTURES,
    ActionContext,
    ActionRequest,
    hidden_loop,
    publish_artifacts,
    take_log,
)
from flytelike.backends import stop_action as stop_bodies
from flytelike.engine._execution import Outputs, retry_settings
from flytelike.engine._map_items import PROGRESS_SECONDS, MapItems, run_item
from flytelike.ir import TaskTemplate

SLOW_ITEM = 0.02
INLINE_AVG_BUDGET = 0.001
WAIT_FRACTION = 0.5
SLICE_SECONDS = 0.05
CHUNK_SECONDS = 0.002
MAX_CHUNK = 512


def _item_caller(runner: Any) -> tuple[Any, bool]:
    """``(run, boxed)`` for ``run_item``: the runner's item-level entry point when it has one
    (values stay unboxed, no outcome object), else its ``ActionOutcome`` call."""
    item = getattr(runner, "item", None)
    if item is not None:
        return item, False

    def run(action_id: str, inputs: Outputs, attempt: int) -> tuple[Any, Any]:
        outcome = runner(action_id, inputs, attempt)
        if outcome.artifacts is not None:  # (outputs published as artifact versions)
            outcome = publish_artifacts(outcome)
        return outcome.outputs, outcome.error

    return run, True


def _request_runner(backend: Any, task: TaskTemplate, base: ActionContext) -> Any:
    """For inline backends without ``inline_runner``: one ``run_inline`` request per attempt."""

    def run(action_id: str, inputs: Outputs, attempt: int) -> Any:
        ctx = replace(base, action_id=action_id, attempt=attempt)
        return backend.run_inline(ActionRequest(task, inputs, ctx))

    return run


async def fast_path(items: MapItems, task: TaskTemplate, retries: int, workers: int) -> None:
    """Run every item of ``items`` (a plain sync Python task): in place while items are quick
    or busy (in chunks when the runner can, ``_chunk``), on the backend's threads once they
    mostly wait."""
    ex = items.ex
    backend: Any = ex.backend
    base = ex.action_context(items.aid, 0, task, None)
    make = getattr(backend, "inline_runner", None)
    runner = make(task, base) if make is not None else _request_runner(backend, task, base)
    bound = getattr(runner, "bound", contextlib.nullcontext)
    run, boxed = _item_caller(runner)
    retry_any = retry_settings(task)[1]
    n = items.n
    i = 0
    chunks = getattr(runner, "chunks", None)
    chunker = chunks() if chunks is not None else None
    if ex.inflight <= 1:
        # In place while items are quick or busy: nothing else in the run can progress meanwhile.
        size = 1  # (items per chunk: grown while chunks end within CHUNK_SECONDS)
        perf, cpu = time.perf_counter, time.thread_time
        slow = False
        while i < n and not slow:
            first = i
            w0, c0 = perf(), cpu()
            slice_end = w0 + SLICE_SECONDS
            with hidden_loop(), bound():
                while i < n:
                    t = perf()
                    if chunker is not None:
                        end = min(n, i + size)
                        ran = _chunk(items, chunker, run, i, end, retries, retry_any)
                        if ran == 0:  # (these items cannot run as a chunk: one by one)
                            while i < end and not items.interrupted:
                                run_item(items, run, boxed, i, retries, retry_any)
                                i += 1
                        i += ran
                    else:
                        run_item(items, run, boxed, i, retries, retry_any)
                        i += 1
                    if items.interrupted:  # (an abort stopped it: let the cancellation in)
                        items.interrupted = False
                        break
                    now = perf()
                    took = now - t
                    if chunker is not None:
                        size = _resized(size, took)
                    if now > slice_end or took > SLOW_ITEM:
                        wall = now - w0
                        # Items that mostly wait (I/O, sleeps) run the rest side by side.
                        slow = (
                            wall / (i - first) > INLINE_AVG_BUDGET
                            and cpu() - c0 < WAIT_FRACTION * wall
                        )
                        break
            if i < n:
                items.progress()  # (also when the rest goes to worker threads)
                if not slow:
                    await asyncio.sleep(0)  # let signals and timers in
    if i >= n:
        return
    # On worker threads, chunks only for a task without environment variables: a chunk sets them
    # for its whole length, and chunks of other threads would see one thread's chunk remove them.
    if task.environment or task.secrets:
        chunker = None
    taken = [i]  # (the next item no worker has taken)
    lock = threading.Lock()
    perf = time.perf_counter

    def worker() -> None:
        size = 1
        with bound():
            while not items.stopped:
                with lock:
                    j = taken[0]
                    end = min(n, j + size)
                    taken[0] = end
                if j >= n:
                    return
                if chunker is None:
                    run_item(items, run, boxed, j, retries, retry_any)
                    continue
                t = perf()
                if _chunk(items, chunker, run, j, end, retries, retry_any) == 0:
                    for k in range(j, end):  # (these items cannot run as a chunk: one by one)
                        if items.stopped:
                            return
                        run_item(items, run, boxed, k, retries, retry_any)
                size = _resized(size, perf() - t)

    loop = asyncio.get_running_loop()
    pool = getattr(backend, "executor", None)
    k = max(1, min(workers, n - i))
    futures = [loop.run_in_executor(pool, worker) for _ in range(k)]
    pending = set(futures)
    try:
        while pending:
            _, pending = await asyncio.wait(pending, timeout=PROGRESS_SECONDS)
            if pending:
                items.progress()
    except asyncio.CancelledError:
        # Aborted (or a sibling failed): no further items, and the bodies running now are
        # stopped as other sync bodies are (``_stop``: at their next bytecode, or when a
        # blocking call returns).
        items.stopped = True
        stop_bodies(ex.run_name, items.aid)
        raise
    for f in futures:
        f.result()  # a worker's own failure (not a task's: those are recorded per item)


def _resized(size: int, took: float) -> int:
    """The next chunk's size after a chunk of ``size`` items took ``took`` seconds."""
    if took < CHUNK_SECONDS / 2:
        return min(MAX_CHUNK, size * 2)
    if took > CHUNK_SECONDS:
        return max(1, size // 2)
    return size


def _chunk(
    items: MapItems, chunker: Any, run: Any, start: int, stop: int, retries: int, retry_any: bool
) -> int:
    """Items ``start..stop-1`` as one chunk (``ChunkRunner.run``): recorded together, each
    failed one then settled alone (``run_item``: retried, or recorded as failed). Returns how
    many items ran (fewer than asked when one was stopped or the map was, ``items.stopped``),
    0 when they cannot run as a chunk (an input the task does not declare, or a resumed run
    has some of them already)."""
    prior = items.prior
    if prior and any(f"{items.aid}[{j}]" in prior for j in range(start, stop)):
        return 0
    got = chunker.run(items.aid, start, stop, items.fixed, items.lists, items)
    if got is None:
        return 0
    items.record_chunk(got)
    errors = got.errors
    if got.printed and OPEN_CAPTURES:  # (what the items that succeeded printed)
        store, run_name = items._store, items.ex.run_name
        for k in got.printed:
            if k not in errors:
                iid = f"{items.aid}[{start + k}]"
                text = take_log(run_name, iid, 0)
                if text is not None and store is not None:
                    store.log(run_name, iid, 0, text)
    for k in sorted(errors):
        first = (None, errors[k])

        def replay(iid: str, inputs: Any, attempt: int, first: Any = first) -> Any:
            return first if attempt == 0 else run(iid, inputs, attempt)

        run_item(items, replay, False, start + k, retries, retry_any, got.bounds[k])
    return got.count  # type: ignore[no-any-return]
