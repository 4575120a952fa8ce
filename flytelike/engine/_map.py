"""Map nodes (``ArrayNode``): run a task or launch plan once per element of its list inputs.

Every item is its own action (``<node>[i]``) with its own retries, recorded in the run store, and
reused on resume. ``concurrency`` bounds the items running at once (0: unbounded; unset: the
run's max parallelism, which on a backend declaring a ``default_parallelism`` the run did not
override is that default, while items are still split as over ``DEFAULT_PARALLELISM`` workers
for batches and threads: ``Execution.map_parallelism``). With ``min_success_ratio`` < 1 or ``min_successes`` set, failed
items become ``None`` and the node fails only when fewer than ``min_successes`` (when set) or
``ceil(n * ratio)`` items succeed (``flytelike.ir.required_successes``).

Three paths: plain sync Python tasks without cache or timeout run on worker threads (or in place
while they are quick and nothing else in the run could progress, in chunks) with no per-item
asyncio overhead (``_map_inplace``); on a backend with ``run_items`` (a remote one) they go in
batches (``_map_batches``); everything else (async tasks, timeouts, caching, launch plans)
runs each item through the regular task path as an asyncio task. The items' inputs, results and
records are ``_map_items``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import typesystem
from flytelike._settings.durations import node_timeout
from flytelike.backends import ActionRequest, ExecutionError
from flytelike.engine._action_error import ActionError
from flytelike.engine._bindings import resolve
from flytelike.engine._execution import NodeFailed, Outputs
from flytelike.engine._interpreter import (
    Hold,
    Interpreter,
    Values,
    failure_error,
    launch_plan_inputs,
)
from flytelike.engine._map_inplace import fast_path
from flytelike.engine._map_items import MapItems
from flytelike.engine._phases import NodePhase
from flytelike.ir import ArrayNode, Node, TaskTemplate, required_successes, tolerates_failures
from typesystem import Collection, CollectionType, LiteralType, UnionType, UnionValue

# ``run_batched(items, task, in_flight, split) -> bool`` (``_map_batches``, which imports this
# module): runs the items through a backend's ``run_items`` when it has one; set by the engine.
Batched = Callable[[MapItems, TaskTemplate, int, int], Awaitable[bool]]
_BATCHED: list[Batched] = []


def use_batches(run_batched: Batched) -> None:
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


async def _general_path(
    interp: Interpreter, items: MapItems, target: ArrayNode, workers: int
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
    items = MapItems(interp, aid, node, name, inputs, mapped, n)
    conc = target.concurrency
    if conc is None:  # items in flight: the run's window; split over its map parallelism
        in_flight = ex.max_parallelism or n
        workers = ex.map_parallelism or in_flight
    else:
        in_flight = workers = conc or n
    workers = max(1, workers or n or 1)
    in_flight = max(1, in_flight or n or 1)
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
            await fast_path(items, task, retries, workers)
        else:
            # Batches through a remote backend's ``run_items`` when it has one (``_BATCHED``).
            batched = _BATCHED[0] if _BATCHED else None
            if (
                task is None
                or batched is None
                or not await batched(items, task, in_flight, workers)
            ):
                await _general_path(interp, items, target, in_flight)
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
