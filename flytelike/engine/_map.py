"""Map nodes (``ArrayNode``): run a task or launch plan once per element of its list inputs.

Every item is its own action (``<node>[i]``) with its own retries, recorded in the run store, and
reused on resume. ``concurrency`` bounds the items running at once (unset: the run's max
parallelism; 0: unbounded). With ``min_success_ratio`` < 1, failed items become ``None`` and the
node fails only when fewer than ``ceil(n * ratio)`` (and ``min_successes``) items succeed.

Two paths: plain sync Python tasks without cache or timeout run on worker threads (or in place
while they are quick and nothing else in the run could progress) with no per-item asyncio
overhead; everything else (async tasks, timeouts, caching, launch plans, other backends) runs each
item through the regular task path as an asyncio task.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from typing import Any

import typesystem
from flytelike.backends._protocol import ActionRequest, ExecutionError
from flytelike.engine._bindings import resolve
from flytelike.engine._execution import NodeFailed, Outputs, error_dict
from flytelike.engine._interpreter import (
    Hold,
    Interpreter,
    Values,
    failure_error,
    launch_plan_inputs,
)
from flytelike.engine._phases import NodePhase
from flytelike.ir._model import ArrayNode, Node, TaskTemplate
from typesystem import Collection, CollectionType, Literal, LiteralType, UnionType, UnionValue

# The in-place loop hands the remaining items to worker threads once items look slow: one item
# over SLOW_ITEM seconds, or an average over INLINE_AVG_BUDGET after the first 16 items (single
# slow items also come from GC pauses or a busy machine, so one is not enough below SLOW_ITEM).
SLOW_ITEM = 0.02
INLINE_AVG_BUDGET = 0.001
ROW_BATCH = 512
SLICE_SECONDS = 0.05


def _item_literal(value: Any) -> Literal:
    return value if isinstance(value, Literal) else typesystem.Scalar(value)


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
        self.inputs = inputs
        self.mapped = mapped
        self.n = n
        self.results: list[Outputs | None] = [None] * n
        self.errors: list[NodeFailed | None] = [None] * n
        self.rows: list[tuple[Any, ...]] = []
        self.lock = threading.Lock()
        self.last_write = time.monotonic()

    def item_inputs(self, i: int) -> Outputs:
        inputs = self.inputs
        out: Outputs = {}
        for k, v in inputs.items():
            if k in self.mapped:
                out[k] = _item_literal(v.items[i])  # type: ignore[attr-defined]
            else:
                out[k] = v
        return out

    def record(
        self, i: int, t0: float, outputs: Outputs | None, err: ExecutionError | None, attempts: int
    ) -> None:
        ex = self.ex
        if ex.store is None:
            return
        iid = f"{self.aid}[{i}]"
        row = (
            ex.run_name,
            iid,
            self.aid,
            f"{self.node.id}[{i}]",
            "map_item",
            self.name,
            "SUCCEEDED" if err is None else "FAILED",
            t0,
            time.time(),
            outputs,
            error_dict(err, iid) if err is not None else None,
            attempts,
        )
        with self.lock:
            self.rows.append(row)
            now = time.monotonic()
            if len(self.rows) >= ROW_BATCH or now - self.last_write > 0.2:
                rows, self.rows = self.rows, []
                self.last_write = now
            else:
                return
        ex.store.item_rows(rows)

    def flush(self) -> None:
        with self.lock:
            rows, self.rows = self.rows, []
        if rows and self.ex.store is not None:
            self.ex.store.item_rows(rows)


def _run_item_sync(items: _Items, task: TaskTemplate, i: int, retries: int) -> None:
    ex = items.ex
    prior = ex.prior.get(f"{items.aid}[{i}]")
    if prior is not None:
        items.results[i] = prior
        return
    backend: Any = ex.backend
    inputs = items.item_inputs(i)
    attempt = 0
    t0 = time.time()
    while True:
        ctx = ex.action_context(f"{items.aid}[{i}]", attempt, task, None)
        outcome = backend.run_inline(ActionRequest(task, inputs, ctx))
        err = outcome.error
        if err is None:
            items.results[i] = dict(outcome.outputs)
            items.record(i, t0, items.results[i], None, attempt + 1)
            return
        if err.recoverable and attempt < retries:
            attempt += 1
            continue
        items.errors[i] = NodeFailed(f"{items.aid}[{i}]", err)
        items.record(i, t0, None, err, attempt + 1)
        return


async def _fast_path(items: _Items, task: TaskTemplate, retries: int, workers: int) -> None:
    ex = items.ex
    start = 0
    n = items.n
    if ex.inflight <= 1:
        # In place while items are quick: nothing else in the run can progress meanwhile.
        began = time.perf_counter()
        slice_end = began + SLICE_SECONDS
        while start < n:
            t = time.perf_counter()
            _run_item_sync(items, task, start, retries)
            start += 1
            now = time.perf_counter()
            if now - t > SLOW_ITEM or (start >= 16 and (now - began) / start > INLINE_AVG_BUDGET):
                break
            if now > slice_end:
                await asyncio.sleep(0)  # let signals and timers in
                slice_end = time.perf_counter() + SLICE_SECONDS
    if start >= n:
        return
    counter = iter(range(start, n))
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            _run_item_sync(items, task, i, retries)

    loop = asyncio.get_running_loop()
    pool = getattr(ex.backend, "executor", None)
    k = max(1, min(workers, n - start))
    await asyncio.gather(*(loop.run_in_executor(pool, worker) for _ in range(k)))


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
                            iid, items.aid, items.node, wf, inputs, "launch_plan", hold
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
        and (ov is None or (ov.timeout is None and ov.cache is None))
        and task.metadata.timeout is None
        and task.metadata.cache is None
        and n > 0
        and backend.can_inline(
            ActionRequest(task, items.item_inputs(0), ex.action_context(aid, 0, task, None))
        )
    )
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
            await _general_path(interp, items, target, workers)
    finally:
        items.flush()
    failed = [e for e in items.errors if e is not None]
    needed = math.ceil(n * target.min_success_ratio)
    if target.min_successes is not None:
        needed = max(needed, target.min_successes)
    if n - len(failed) < needed or (failed and target.min_success_ratio >= 1):
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
        ex.node_finished(aid, name, NodePhase.FAILED, error=err)
        raise NodeFailed(aid, err)
    out: Outputs = {}
    for var in target.outputs:
        variant = _optional_variant(var.type)
        vals: list[Any] = []
        for r in items.results:
            if r is None:
                vals.append(UnionValue("none", None) if variant else None)
            else:
                v = typesystem.unbox(r[var.name])
                vals.append(UnionValue(variant, v) if variant else v)
        out[var.name] = Collection(tuple(vals))
    ex.node_finished(aid, name, NodePhase.SUCCEEDED, out)
    return out
