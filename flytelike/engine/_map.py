"""Map nodes (``ArrayNode``): run a task or launch plan once per element of its list inputs.

Every item is its own action (``<node>[i]``) with its own retries, recorded in the run store, and
reused on resume. ``concurrency`` bounds the items running at once (unset: the run's max
parallelism; 0: unbounded). With ``min_success_ratio`` < 1 or ``min_successes`` set, failed
items become ``None`` and the node fails only when fewer than ``min_successes`` (when set) or
``ceil(n * ratio)`` items succeed (``flytelike.ir.required_successes``).

Two paths: plain sync Python tasks without cache or timeout run on worker threads (or in place
while they are quick and nothing else in the run could progress) with no per-item asyncio
overhead; everything else (async tasks, timeouts, caching, launch plans, other backends) runs each
item through the regular task path as an asyncio task.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any
from typing import Literal as Just

import typesystem
from flytelike._settings.durations import node_timeout
from flytelike.backends import (
    ActionContext,
    ActionRequest,
    ExecutionError,
    hidden_loop,
    publish_artifacts,
)
from flytelike.backends._capture import OPEN as OPEN_CAPTURES
from flytelike.backends._capture import take as take_log
from flytelike.backends._stop import stop as stop_bodies
from flytelike.engine._action_error import ActionError
from flytelike.engine._bindings import resolve
from flytelike.engine._events import NODE
from flytelike.engine._execution import (
    NodeFailed,
    Outputs,
    non_recoverable,
    retry_settings,
)
from flytelike.engine._interpreter import (
    Hold,
    Interpreter,
    Values,
    failure_error,
    launch_plan_inputs,
)
from flytelike.engine._items import item_encoder
from flytelike.engine._journal import MapJournal
from flytelike.engine._map_results import ItemResults
from flytelike.engine._phases import NodePhase
from flytelike.errors import TaskBodyStopped
from flytelike.ir import ArrayNode, Node, TaskTemplate, required_successes, tolerates_failures
from typesystem import Collection, CollectionType, Literal, LiteralType, UnionType, UnionValue

# The in-place loop hands the remaining items to worker threads once items look slow and mostly
# wait (I/O, sleeps): checked after any item over SLOW_ITEM seconds and at the end of every
# SLICE_SECONDS slice, over the items of that slice. CPU-bound items stay in place, where they
# run fastest (threads would only contend for the GIL).
SLOW_ITEM = 0.02
INLINE_AVG_BUDGET = 0.001
WAIT_FRACTION = 0.5
ROW_BATCH = 1024
SLICE_SECONDS = 0.05
PROGRESS_SECONDS = 0.1
log = logging.getLogger("flytelike.engine.map")
_STOPPED = f"{TaskBodyStopped.__module__}.{TaskBodyStopped.__qualname__}"

# Finished items are handed to the store at least this often (then committed within the store's
# BATCH_SECONDS); each is in the map's journal as it finishes (``_journal``), so a kill -9 loses
# none of them.
WRITE_SECONDS = 0.05


# ``run_batched(items, task, workers) -> bool`` (``_map_batches``, which imports this module):
# runs the items through a backend's ``run_items`` when it has one; set by the engine.
_BATCHED: list[Callable[[_Items, TaskTemplate, int], Awaitable[bool]]] = []


def use_batches(run_batched: Callable[[_Items, TaskTemplate, int], Awaitable[bool]]) -> None:
    """Let maps hand their items to a backend's ``run_items`` through ``run_batched``."""
    _BATCHED[:] = [run_batched]


def _optional_variant(lt: LiteralType) -> str | None:
    if isinstance(lt, CollectionType) and isinstance(lt.item, UnionType):
        for v in lt.item.variants:
            if not (
                isinstance(v.type, typesystem.SimpleType)
                and v.type.kind is typesystem.SimpleKind.NONE
            ):
                return v.name
    return None


class _Items:
    """Per-item inputs, results and the rows waiting to be written."""

    def __init__(
        self,
        interp: Interpreter,
        aid: str,
        node: Node,
        name: str,
        inputs: Outputs,
        mapped: list[str],
        n: int,
    ) -> None:
        self.ex = interp.ex
        self.aid = aid
        self.node = node
        self.name = name
        self.n = n
        self.results = ItemResults(n)  # (by column: bounded memory for huge maps)
        self.errors: dict[int, NodeFailed] = {}  # failed items by index
        self.rows: list[bytes] = []  # encoded items not yet handed to the store
        self._journal: MapJournal | Just[False] | None = None  # False: cannot journal
        self.done = 0
        self.lock = threading.Lock()
        self.last_write = time.monotonic()
        self.stopped = False  # aborted: hand out no more items (``_fast_path``)
        self.interrupted = False  # an item's body was stopped (``_stop``): yield to the loop
        self._fixed = {k: v for k, v in inputs.items() if k not in mapped}
        self._lists = [(k, inputs[k].items) for k in mapped]  # type: ignore[attr-defined]
        self._store = self.ex.store
        self.prior = self.ex.prior
        if self._store is not None:
            self._encode = item_encoder(self._store.codec, self.ex.run_name, aid)

    def item_inputs(self, i: int) -> Outputs:
        out = dict(self._fixed) if self._fixed else {}
        for k, values in self._lists:
            v = values[i]
            out[k] = v if isinstance(v, Literal) else typesystem.Scalar(v)
        return out

    def item_values(self, i: int) -> dict[str, Any]:
        """Item ``i``'s inputs as stored in their lists (primitives unboxed)."""
        out = dict(self._fixed) if self._fixed else {}
        for k, values in self._lists:
            out[k] = values[i]
        return out

    def record(
        self,
        i: int,
        iid: str,
        t0: float,
        outputs: Outputs | None,
        error: ActionError | None,
        attempts: int,
    ) -> None:
        if self._store is None:
            with self.lock:
                self.done += 1
            return
        ended = error.ended_at if error is not None else None
        row = (
            i,
            t0,
            ended or time.time(),
            outputs,
            error.to_dict() if error is not None else None,
            attempts,
        )
        packed = self._encode(row)
        with self.lock:
            self.done += 1
            self._journal_append(packed)
            self.rows.append(packed)
            # (slow items still reach the store within WRITE_SECONDS: checked every few)
            rows = self._take_rows(check_clock=not len(self.rows) & 7)
        if rows is not None:
            self._write(rows)

    def _take_rows(self, check_clock: bool) -> list[bytes] | None:
        """Under ``lock``: the rows to hand to the store now (``ROW_BATCH`` of them, or any
        when ``check_clock`` finds ``WRITE_SECONDS`` gone since the last write), else None."""
        if len(self.rows) < ROW_BATCH:
            if not check_clock:
                return None
            now = time.monotonic()
            if now - self.last_write <= WRITE_SECONDS:
                return None
            self.last_write = now
        rows, self.rows = self.rows, []
        return rows

    def _journal_append(self, packed: bytes) -> None:
        """The item in the map's journal before anything else sees it done (under ``lock``):
        a kill -9 from now on does not lose it (``_journal``)."""
        journal = self._journal
        if journal is False:
            return
        assert self._store is not None
        try:
            if journal is None:
                ex = self.ex
                journal = self._journal = MapJournal(
                    self._store.db.path, ex.run_name, self.aid, self.node.id, self.name
                )
            journal.append(self._store.integrity.seal_if_pickled(packed))
        except OSError as e:  # (its batches still reach the store, as without a journal)
            log.warning(
                "map %s: cannot journal its items (%s); a kill may re-run some", self.aid, e
            )
            if journal:
                journal.close()
            self._journal = False

    def _write(self, rows: list[bytes]) -> None:
        assert self._store is not None
        self._store.map_items(self.ex.run_name, self.aid, self.node.id, self.name, rows)

    def close(self, done: bool) -> None:
        """Hand over what is left; ``done`` (the map ran to its end): commit it and remove the
        journal (else a resume reads the journal back)."""
        self.flush()
        journal = self._journal
        if not journal:
            return
        assert self._store is not None
        if done:
            self._store.db.barrier()
            if self.ex.run_name not in self._store.db.failed:
                journal.remove()
                return
        journal.close()

    def flush(self) -> None:
        with self.lock:
            rows, self.rows = self.rows, []
        if rows and self._store is not None:
            self._write(rows)

    def flush_due(self) -> None:
        """Hand over rows waiting longer than WRITE_SECONDS: ``record`` checks only when an
        item finishes, and slow items (or the last ones) must not wait for the map's end."""
        if self.rows and time.monotonic() - self.last_write > WRITE_SECONDS:
            with self.lock:
                rows, self.rows = self.rows, []
                self.last_write = time.monotonic()
            if rows and self._store is not None:
                self._write(rows)

    def progress(self) -> None:
        self.flush_due()
        ex = self.ex
        if ex.bus.active:
            ex.bus.publish(
                NODE,
                ex.run_name,
                NodePhase.RUNNING,
                self.aid,
                self.name,
                message=f"{self.done}/{self.n} items",
            )


def _run_item(
    items: _Items, run: Any, boxed: bool, i: int, retries: int, retry_any: bool = False
) -> None:
    """Item ``i``: ``run(action_id, inputs, attempt) -> (outputs, error)`` until it succeeds or
    the retries are spent; ``boxed``: inputs as literals (else item values, maybe bare)."""
    iid = f"{items.aid}[{i}]"
    prior = items.prior.get(iid) if items.prior else None
    if prior is not None:
        items.results[i] = prior
        with items.lock:
            items.done += 1
        return
    inputs = items.item_inputs(i) if boxed else items.item_values(i)
    attempt = 0
    t0 = time.time()
    while True:
        out, err = run(iid, inputs, attempt)
        if OPEN_CAPTURES:  # (some attempt has printed: is it this one?)
            log = take_log(items.ex.run_name, iid, attempt)
            if log is not None and items._store is not None:
                items._store.log(items.ex.run_name, iid, attempt, log)
        if err is None:
            items.results[i] = out
            items.record(i, iid, t0, out, None, attempt + 1)
            return
        if err.error_type == _STOPPED:  # (its map is being aborted: no retry)
            items.interrupted = True
        elif (
            (err.recoverable or (retry_any and not non_recoverable(err)))
            and attempt < retries
            and not items.stopped
        ):
            attempt += 1
            continue
        detail = ActionError.of(
            err,
            iid,
            node_id=f"{items.node.id}[{i}]",
            task=items.name,
            attempt=attempt,
            started_at=t0,
            ended_at=time.time(),
        )
        items.errors[i] = NodeFailed(iid, err, detail=detail)
        items.record(i, iid, t0, None, detail, attempt + 1)
        return


def _item_caller(runner: Any) -> tuple[Any, bool]:
    """``(run, boxed)`` for ``_run_item``: the runner's item-level entry point when it has one
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


async def _fast_path(items: _Items, task: TaskTemplate, retries: int, workers: int) -> None:
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
    if ex.inflight <= 1:
        # In place while items are quick or busy: nothing else in the run can progress meanwhile.
        perf, cpu = time.perf_counter, time.thread_time
        slow = False
        while i < n and not slow:
            first = i
            w0, c0 = perf(), cpu()
            slice_end = w0 + SLICE_SECONDS
            with hidden_loop(), bound():
                while i < n:
                    t = perf()
                    _run_item(items, run, boxed, i, retries, retry_any)
                    i += 1
                    if items.interrupted:  # (an abort stopped it: let the cancellation in)
                        items.interrupted = False
                        break
                    now = perf()
                    if now > slice_end or now - t > SLOW_ITEM:
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
    counter = iter(range(i, n))
    lock = threading.Lock()

    def worker() -> None:
        with bound():
            while not items.stopped:
                with lock:
                    j = next(counter, None)
                if j is None:
                    return
                _run_item(items, run, boxed, j, retries, retry_any)

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


async def _general_path(
    interp: Interpreter, items: _Items, target: ArrayNode, workers: int
) -> None:
    ex = interp.ex
    sem = asyncio.Semaphore(workers)
    task = ex.index.tasks.get(target.target)
    lp = ex.index.launch_plans.get(target.target)

    async def one(i: int) -> None:
        iid = f"{items.aid}[{i}]"
        node_id = f"{items.node.id}[{i}]"
        async with sem:
            try:
                if task is not None:
                    items.results[i] = await ex.run_task(
                        iid,
                        items.aid,
                        node_id,
                        task,
                        items.item_inputs(i),
                        items.node.overrides,
                        "map_item",
                    )
                else:
                    assert lp is not None
                    wf = ex.index.workflow(lp.workflow)
                    inputs = launch_plan_inputs(lp, items.item_inputs(i))
                    hold = Hold(ex)
                    ex.inflight += 1
                    try:
                        items.results[i] = await interp._nested(
                            iid,
                            items.aid,
                            items.node,
                            wf,
                            inputs,
                            "launch_plan",
                            hold,
                            lp.id,
                            lp.interface,
                        )
                    finally:
                        hold.restore()
                        ex.inflight -= 1
            except NodeFailed as f:
                items.errors[i] = f

    ex.inflight += workers  # items run side by side: none may run in place
    try:
        await asyncio.gather(*(one(i) for i in range(items.n)))
    finally:
        ex.inflight -= workers


async def run_map(
    interp: Interpreter, aid: str, parent: str, node: Node, target: ArrayNode, values: Values
) -> Outputs:
    ex = interp.ex
    task = ex.index.tasks.get(target.target)
    if task is not None:
        iface = task.interface
        name = task.id.name
    else:
        lp = ex.index.launch_plan(target.target)
        iface = lp.interface
        name = lp.id.name
    prior = ex.prior.get(aid)
    if prior is not None:
        return prior
    bound = set(target.bound_inputs)
    types = {v.name: v.type for v in iface.inputs}
    inputs: Outputs = {}
    try:
        for b in node.inputs:
            t = types.get(b.var)
            want = t if b.var in bound or t is None else CollectionType(item=t)
            inputs[b.var] = resolve(b.value, values, want)
    except (LookupError, typesystem.TypeSystemError) as e:
        raise NodeFailed(aid, failure_error(f"map {aid}: cannot bind its inputs: {e}")) from e
    mapped = [k for k in inputs if k not in bound]
    lengths = {k: len(lit.items) for k in mapped if isinstance(lit := inputs[k], Collection)}
    if len(lengths) != len(mapped) or len(set(lengths.values())) > 1:
        err = failure_error(
            f"map `{name}` ({aid}): mapped inputs must be lists of one length, "
            f"got lengths {lengths}"
        )
        raise NodeFailed(aid, err)
    n = next(iter(lengths.values()), 0)
    ex.node_started(aid, parent, node.id, "map", name, inputs)
    items = _Items(interp, aid, node, name, inputs, mapped, n)
    conc = target.concurrency
    workers = ex.max_parallelism if conc is None else (conc or n)
    workers = max(1, workers or n or 1)
    backend: Any = ex.backend
    ov = node.overrides
    fast = (
        task is not None
        and task.kind == "python"
        and hasattr(backend, "run_inline")
        and (ov is None or ov.cache is None)
        and node_timeout(task.metadata.timeout, ov.timeout if ov is not None else None) is None
        and task.metadata.cache is None
        and n > 0
        and backend.can_inline(
            ActionRequest(task, items.item_inputs(0), ex.action_context(aid, 0, task, None))
        )
    )
    done = False
    try:
        if fast:
            assert task is not None
            retries = (
                ov.retries
                if ov is not None and ov.retries is not None
                else (task.metadata.retries or 0)
            )
            await _fast_path(items, task, retries, workers)
        else:
            # Batches through a remote backend's ``run_items`` when it has one (``_BATCHED``).
            batched = _BATCHED[0] if _BATCHED else None
            if task is None or batched is None or not await batched(items, task, workers):
                await _general_path(interp, items, target, workers)
        done = True
    finally:
        items.close(done)
    failed = [items.errors[i] for i in sorted(items.errors)]
    needed = required_successes(n, target.min_success_ratio, target.min_successes)
    if n - len(failed) < needed or (
        failed and not tolerates_failures(target.min_success_ratio, target.min_successes)
    ):
        first = failed[0]
        err = ExecutionError(
            first.error.kind,
            f"map `{name}` ({aid}): {len(failed)} of {n} items "
            f"failed (needed {needed} successes); first, {first.action_id}: "
            f"{first.error.message}",
            first.error.error_type,
            first.error.traceback,
            exception=first.error.exception,
        )
        item = first.detail
        detail = ActionError.of(
            err,
            aid,
            node_id=node.id,
            task=name,
            attempt=item.attempt if item is not None else 0,
            started_at=item.started_at if item is not None else None,
            ended_at=item.ended_at if item is not None else None,
        )
        ex.node_finished(aid, name, NodePhase.FAILED, error=err, detail=detail)
        raise NodeFailed(aid, err, detail=detail)
    out: Outputs = {}
    results = items.results
    for var in target.outputs:
        variant = _optional_variant(var.type)
        col = results.column(var.name)
        if variant is None and not failed:
            out[var.name] = Collection(tuple(col))
            continue
        vals: list[Any] = []
        for i, v in enumerate(col):
            if not results.succeeded(i):
                vals.append(UnionValue("none", None) if variant else None)
            else:
                vals.append(UnionValue(variant, v) if variant else v)
        out[var.name] = Collection(tuple(vals))
    ex.node_finished(aid, name, NodePhase.SUCCEEDED, out)
    return out
