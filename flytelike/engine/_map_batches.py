"""Map items through a backend's item-batch entry point (``ItemBackend.run_items``).

Used for plain Python map targets without cache or timeout when the backend runs actions out of
the driver and offers ``run_items`` (a remote backend: one request per item would cost a round
trip each). The engine still owns every rule:

- ``concurrency`` is the number of batches in flight, each holding one slot of the run's
  ``max_parallelism`` while it runs; a batch has at most the backend's ``item_batch_size``
  items, fewer when that keeps every slot busy. Unset, the batches are sized as for a
  ``concurrency`` of the run's map parallelism (its ``max_parallelism``, or 32 when that is the
  backend's ``default_parallelism``, ``_config.run_windows``) and as many go out at once as the
  run's window takes: on a backend that queues work itself (Ray) the whole map is submitted at
  once, in batches of the same size as before;
- an item that fails is decided exactly as on the local fast path (``_map_items.run_item``, fed the
  item's outcomes so far): a retryable error sends it again, in a later batch, with attempt + 1
  (an item that succeeds at once is recorded directly, as ``run_item`` would);
- a ``SYSTEM`` error (the worker running the batch died) is retried within the run's system
  budget, per item, without counting against the task's ``retries``.

Items whose outputs a resumed run already has are not sent.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Sequence
from typing import Any

from flytelike.backends import SYSTEM, ExecutionError, ItemColumns, ItemIds, is_mocked
from flytelike.engine._execution import LIMITS, retry_settings
from flytelike.engine._map_items import PROGRESS_SECONDS, MapItems, run_item
from flytelike.engine._overrides import merged
from flytelike.ir import TaskTemplate
from typesystem import Scalar, unbox


def record_many(items: MapItems, done: list[tuple[int, float, Any, int]]) -> None:
    """Items of one batch that succeeded, each ``(index, started, outputs, attempts)``,
    recorded as ``MapItems.record`` records one (encoded, journaled, handed to the store on the
    same rule), with one lock and one end time for the batch."""
    if items._store is None:
        with items.lock:
            items.done += len(done)
        return
    ended = time.time()
    encode = items._encode
    packed = [encode((i, t0, ended, out, None, attempts)) for i, t0, out, attempts in done]
    with items.lock:
        items.done += len(done)
        for p in packed:
            items._journal_append(p)
        items.rows.extend(packed)
        items.pending += len(packed)
        rows = items._take_rows(check_clock=True)
    if rows is not None:
        items._write(rows)


def as_chunk(items: MapItems, batch: ItemIds, got: ItemColumns, started: float) -> bool:
    """Record a batch of first attempts of consecutive items of a one-output task as one chunk
    record (``MapItems.record_columns``) with its outputs as the column ``got`` holds: no
    record, conversion or encoding per item. Its items' times are spread evenly over the
    batch's (``started`` to now; they ran one after another in the batch's call). Its failed
    items (``got.errors``) are left to the caller, which settles them one by one (retries, the
    success ratio). ``False`` (nothing recorded) when the batch does not qualify."""
    indices = batch.indices
    n = len(indices)
    start = indices[0]
    if indices[-1] - start != n - 1 or len(got.outputs) != 1 or len(got.errors) == n:
        return False  # (a batch of first attempts rises: a span of n holds exactly its items)
    ((name, col),) = got.outputs.items()
    if Scalar in set(map(type, col)):  # (a backend that boxed its primitives)
        col = [unbox(v) for v in col]
    ended = time.time()
    step = (ended - started) / n
    bounds = [started + k * step for k in range(n)]
    bounds.append(ended)
    items.record_columns(start, name, col, bounds, got.errors)
    return True


def columns(results: Sequence[Any]) -> ItemColumns:
    """``run_items``' answer, ``(outputs, error[, log])`` per item, as columns."""
    errors = {k: r[1] for k, r in enumerate(results) if r[1] is not None}
    logs = {k: r[2] for k, r in enumerate(results) if len(r) > 2 and r[2] is not None}
    ok = next((r[0] for r in results if r[1] is None), None) or {}
    outputs = {name: [None if r[1] is not None else r[0].get(name) for r in results] for name in ok}
    return ItemColumns(outputs, errors, logs)


async def run_batch(
    items: MapItems, task: TaskTemplate, base: Any, batch: ItemIds, first: bool
) -> ItemColumns:
    """The backend's answer for ``batch`` (its items and attempts) as columns, through
    ``run_item_columns`` when it has it (the batch itself as the ids, made when read; inputs
    as columns: a slice of each list for consecutive first attempts), else ``run_items``; a
    malformed answer raises."""
    backend: Any = items.ex.backend
    aid, n = items.aid, len(batch)
    call = getattr(backend, "run_item_columns", None)
    if call is None:
        request = [(f"{aid}[{i}]", items.item_values(i), a) for i, a in batch.pairs()]
        results = await backend.run_items(task, base, request)
        if len(results) != n:
            raise ValueError(f"{len(results)} results for {n} items")
        return columns(results)
    indices = batch.indices
    start = indices[0]
    if first and indices[-1] - start == n - 1:
        lists = {k: values[start : start + n] for k, values in items.lists}
    else:
        lists = {k: [values[i] for i in indices] for k, values in items.lists}
    got = await call(task, base, batch, items.fixed, lists)
    if not isinstance(got, ItemColumns) or any(len(c) != n for c in got.outputs.values()):
        raise ValueError(f"run_item_columns returned {got!r:.200} for {n} items")
    return got


def _wake(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)


class _More(Exception):
    """``run_item`` asked for an attempt the backend has not run yet."""


def batchable(backend: Any, task: TaskTemplate, overrides: Any) -> bool:
    """Whether the items of a map over ``task`` go through ``backend.run_items``."""
    md = task.metadata
    ov = overrides
    return (
        (callable(getattr(backend, "run_items", None)) or hasattr(backend, "run_item_columns"))
        and task.kind == "python"
        and md.timeout is None
        and md.cache is None
        and (ov is None or (ov.timeout is None and ov.cache is None))
        and not is_mocked(task.id)
    )


async def run_batched(items: MapItems, task: TaskTemplate, in_flight: int, split: int) -> bool:
    """Run every item of ``items`` through the backend's ``run_items``, at most ``in_flight``
    batches at once, sized as if ``split`` ran at once (see the module docstring); ``False``
    (nothing done) when this map does not qualify (``batchable``)."""
    ex = items.ex
    backend: Any = ex.backend
    ov = items.node.overrides
    if items.n == 0 or not batchable(backend, task, ov):
        return False
    retries = (
        ov.retries if ov is not None and ov.retries is not None else (task.metadata.retries or 0)
    )
    retry_any = retry_settings(task)[1]
    task = merged(task, ov)  # (the backend sees the node's resources, image, accelerator)
    budget = ex.config.system_retries
    base = ex.action_context(items.aid, 0, task, None)
    history: dict[int, list[tuple[Any, ExecutionError | None]]] = {}
    started: dict[int, float] = {}
    system_used: dict[int, int] = {}
    queue: deque[tuple[int, int]] = deque()  # (item, attempt): later attempts
    fresh: range | list[int] = range(items.n)  # first attempts, sent in order from ``sent``
    if items.prior:
        prior, aid = items.prior, items.aid
        fresh = [i for i in fresh if f"{aid}[{i}]" not in prior]
        if len(fresh) < items.n:
            for i in sorted(set(range(items.n)) - set(fresh)):
                run_item(items, None, False, i, retries, retry_any)  # (takes prior outputs)
    sent = 0

    def settle(i: int, attempt: int, out: Any, err: ExecutionError | None, t0: float) -> None:
        started.setdefault(i, t0)  # (its first attempt's start)
        if err is not None and err.kind == SYSTEM and system_used.get(i, 0) < budget:
            system_used[i] = system_used.get(i, 0) + 1
            queue.append((i, attempt + 1))
            return
        done = history.get(i)
        if err is None and done is None:  # the common case, recorded as ``run_item`` does
            items.results[i] = out
            items.record(i, f"{items.aid}[{i}]", started.get(i, 0.0), out, None, attempt + 1)
            return
        if done is None:
            done = history[i] = []
        done.append((out, err))

        def replay(iid: str, inputs: Any, n: int) -> tuple[Any, ExecutionError | None]:
            if n < len(done):
                return done[n]
            raise _More

        try:
            run_item(items, replay, False, i, retries, retry_any)
        except _More:
            queue.append((i, attempt + 1))

    size_cap = max(1, int(getattr(backend, "item_batch_size", 100) or 100))

    async def send(batch: ItemIds, first: bool) -> None:
        sems = LIMITS.get()
        if ex.sem is not None:
            sems = (ex.sem, *sems)
        for s in sems:
            await s.acquire()
        try:
            now = time.time()
            try:
                got = await run_batch(items, task, base, batch, first)
            except asyncio.CancelledError:
                raise
            except Exception as e:  # the backend's own failure, not a task's
                err = ExecutionError(
                    SYSTEM,
                    f"backend {getattr(backend, 'name', '?')} failed to run {len(batch)} map "
                    f"items: {e!r}",
                    type(e).__name__,
                )
                got = ItemColumns({}, dict.fromkeys(range(len(batch)), err))
        finally:
            for s in sems:
                s.release()
        store = items._store
        if store is not None:  # (what items printed)
            for k, log in got.logs.items():
                i, a = batch.pair(k)
                store.log(ex.run_name, f"{items.aid}[{i}]", a, log)
        errors = got.errors
        if first and as_chunk(items, batch, got, now):  # (one record but for failed items)
            for k, err in errors.items():
                settle(batch.indices[k], 0, None, err, now)
            return
        outs = got.outputs
        done: list[tuple[int, float, Any, int]] = []  # (succeeded at once: recorded together)
        for k, (i, a) in enumerate(batch.pairs()):
            failure = errors.get(k)
            out = {name: col[k] for name, col in outs.items()} if failure is None else None
            if failure is None and i not in history:
                items.results[i] = out
                done.append((i, started.get(i, now), out, a + 1))
            else:
                settle(i, a, out, failure, now)
        if done:
            record_many(items, done)

    running: set[asyncio.Task[None]] = set()
    # Batches that ended, handed over by their done callback; the loop sleeps on ``waiter``
    # until one has (or PROGRESS_SECONDS passed): no callback added to and removed from every
    # running batch at each wake, as ``asyncio.wait`` does.
    finished: deque[asyncio.Task[None]] = deque()
    waiter: list[asyncio.Future[None] | None] = [None]
    loop = asyncio.get_running_loop()

    def ended(task: asyncio.Task[None]) -> None:
        finished.append(task)
        w = waiter[0]
        if w is not None and not w.done():
            w.set_result(None)

    ex.inflight += in_flight  # items run side by side: none may run in place
    try:
        while sent < len(fresh) or queue or running:
            free = split - len(running)
            left = len(fresh) - sent + len(queue)
            size = max(1, min(size_cap, math.ceil(left / max(1, free))))
            while (sent < len(fresh) or queue) and len(running) < in_flight:
                first = sent < len(fresh)  # (first attempts before later ones)
                if first:
                    part = fresh[sent : sent + size]
                    sent += len(part)
                    batch = ItemIds(items.aid, part)  # (a range: no pair per item)
                else:
                    later = [queue.popleft() for _ in range(min(size, len(queue)))]
                    batch = ItemIds(items.aid, [i for i, _ in later], [a for _, a in later])
                task_ = asyncio.ensure_future(send(batch, first))
                task_.add_done_callback(ended)
                running.add(task_)
            if not finished:
                w = waiter[0] = loop.create_future()
                timer = loop.call_later(PROGRESS_SECONDS, _wake, w)
                try:
                    await w
                finally:
                    timer.cancel()
                    waiter[0] = None
            while finished:
                f = finished.popleft()
                running.discard(f)
                f.result()
            items.progress()
    except BaseException:
        for f in running:
            f.cancel()
        raise
    finally:
        ex.inflight -= in_flight
    return True
