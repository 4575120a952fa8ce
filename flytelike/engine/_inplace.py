"""Task actions run in place and driven without coroutines: the interpreter's chain path.

While a scope has one ready node and nothing else running, and that node is a task that runs in
place (``plan``: the backend's prepared in-place runner, no timeout, no serialized cache lookup,
no backoff between retries, no listener on the run's events), the interpreter runs it, and every
node it makes ready that qualifies too, in one synchronous loop (``_interpreter.run_nodes``),
calling ``run_action`` for each: the records, cache, retries and abort handling of
``Execution.run_task`` under ``_abort.abortable``, without a coroutine frame, asyncio task or
future per action. Everything else takes the general path.

What stays the same: the action's row (started, then finished: one row when both come within one
writer batch), attempt rows of retries and failures, logs, decks and artifacts
(``Execution.settle``), the user and system retry budgets (``Execution.retry_or_fail``), cache
lookups and entries, a resumed run's recorded outputs and attempt numbers, and aborts: the
action is registered as running under the run's main task, as ``abortable`` registers it, so
``Run.abort(<action>)`` finds it and stops its body (``_stop``), and the action ends ``ABORTED``.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from flytelike._settings.durations import node_timeout
from flytelike.backends import OPEN_CAPTURES, ActionOutcome, is_mocked
from flytelike.engine._abort import AbortState, _aborted
from flytelike.engine._execution import Execution, NodeFailed, Outputs, cache_max_age
from flytelike.engine._overrides import merged
from flytelike.engine._phases import NodePhase
from flytelike.ir import CacheSpec, Node, NodeOverrides, PromiseRef, TaskNode, TaskTemplate


@dataclass(frozen=True, slots=True)
class Plan:
    """How one task with one node's overrides runs in place (made once per run)."""

    task: TaskTemplate  # (the node's own template: cache keys are computed from it)
    runner: Any  # the backend's in-place runner (``inline_runner``) for the merged template
    # Its ``bare`` method when it has one (``InlineRunner.bare``: a plain success comes back as
    # its outputs alone, no ``ActionOutcome`` made), else None.
    bare: Any
    name: str
    retries: int
    cache: CacheSpec | None  # (only when enabled)
    max_age: float | None  # ``Cache(max_age=...)``
    retry_any: bool  # (a v2 task: any user error but ``NonRecoverableError`` retries)


def plan(ex: Execution, task: TaskTemplate, ov: NodeOverrides | None) -> Plan | None:
    """``task``'s plan with overrides ``ov`` when ``Execution.run_task`` would run it to its end
    without awaiting anything, now: in place through a prepared runner (nothing else in flight,
    no timeout), with no serialized cache lookup, no backoff between retries and no listener on
    the run's events; else None. The interpreter then keeps the loop hidden around it."""
    if not ex.prepares or ex.inflight > 1 or ex.bus.active:
        return None  # (a remote backend: no in-place runner to ask for, ever)
    key = (id(task), id(ov))
    found = ex.plans.get(key)
    if found is not None and found[0] is task and found[1] is ov:
        known: Plan | None = found[2]
        return known
    made = _make(ex, task, ov)
    ex.plans[key] = (task, ov, made)
    return made


def _make(ex: Execution, task: TaskTemplate, ov: NodeOverrides | None) -> Plan | None:
    md = task.metadata
    if node_timeout(md.timeout, ov.timeout if ov is not None else None) is not None:
        return None
    spec = ov.cache if ov is not None and ov.cache is not None else md.cache
    if spec is not None and spec.enabled and spec.serialize:
        return None
    runner, (backoff, retry_any) = ex.prepared(merged(task, ov))
    if runner is None or backoff is not None:
        return None
    retries = ov.retries if ov is not None and ov.retries is not None else (md.retries or 0)
    enabled = spec if spec is not None and spec.enabled else None
    age = cache_max_age(task) if enabled is not None else None
    bare = getattr(runner, "bare", None)
    return Plan(task, runner, bare, task.id.name, retries, enabled, age, retry_any)


Direct = tuple[tuple[str, str, str], ...]
# id(node) -> (node, the closure it was looked up in, its task or None, its direct bindings):
# nodes are immutable, and a chain's nodes each run once per run, so what is derived from them
# is kept across runs of one closure (bounded, as ``_run._PRIMARY``).
_NODES: dict[int, tuple[Node, Any, TaskTemplate | None, Direct | None]] = {}


def node_plan(ex: Execution, node: Node) -> tuple[Plan, Direct | None] | None:
    """How ``node`` runs in place if it is a task node that runs to its end without awaiting
    anything now (``plan``), with its direct bindings (``direct_inputs``); else None."""
    if not ex.prepares or ex.inflight > 1 or ex.bus.active:
        return None  # (what may change while the run goes on: checked every time)
    # (``task_of`` and ``plan``, their hits spelled out: this runs once per node of a chain)
    found = _NODES.get(id(node))
    if found is not None and found[0] is node and found[1] is ex.index.closure:
        task, direct = found[2], found[3]
    else:
        task, direct = task_of(ex, node)
    if task is None:
        return None
    ov = node.overrides
    known = ex.plans.get((id(task), id(ov)))
    if known is not None and known[0] is task and known[1] is ov:
        p: Plan | None = known[2]
    else:
        p = plan(ex, task, ov)
    return (p, direct) if p is not None else None


def task_of(ex: Execution, node: Node) -> tuple[TaskTemplate | None, Direct | None]:
    """The task of ``node`` in this run's closure (None: not a task node, or a task the closure
    does not hold) and its direct bindings (``direct_inputs``), looked up once per closure."""
    closure = ex.index.closure
    found = _NODES.get(id(node))
    if found is None or found[0] is not node or found[1] is not closure:
        target = node.target
        task = ex.index.tasks.get(target.task) if type(target) is TaskNode else None
        direct = direct_inputs(node, task) if task is not None else None
        if len(_NODES) > 4096:
            _NODES.clear()
        found = _NODES[id(node)] = (node, closure, task, direct)
    return found[2], found[3]


def direct_inputs(node: Node, task: TaskTemplate) -> Direct | None:
    """(input, upstream node id, its output) of each input of ``node`` when every input of
    ``task`` is bound to one upstream output as it is (no attribute path, no constant, no
    default to add), else None: then the general binding (``_interpreter.bind_inputs``)."""
    direct: Direct | None = tuple(
        (b.var, b.value.node_id, b.value.var)
        for b in node.inputs
        if type(b.value) is PromiseRef and not b.value.attr_path
    )
    names = {v.name for v in task.interface.inputs}
    if direct is not None and (len(direct) != len(node.inputs) or {d[0] for d in direct} != names):
        direct = None
    return direct


def run_action(
    ex: Execution,
    st: AbortState | None,
    main: asyncio.Task[Any] | None,
    aid: str,
    parent: str,
    node_id: str,
    p: Plan,
    inputs: Outputs,
) -> Outputs:
    """Run one task action in place to its end; raises ``NodeFailed``. ``st``/``main``: the
    run's abort state and the asyncio task the interpreter runs on (the action is registered
    as running under it, as ``abortable`` does)."""
    if st is None or main is None:
        return _run(ex, aid, parent, node_id, p, inputs)
    running = st.running
    outer = running.get(aid)
    running[aid] = main
    try:
        out = _run(ex, aid, parent, node_id, p, inputs)
    except NodeFailed:
        if aid not in st.reasons:
            raise
        _aborted(st, ex, aid, node_id, main)  # (raises the action's ABORTED NodeFailed)
        raise
    finally:
        if outer is None:
            running.pop(aid, None)
        else:
            running[aid] = outer
    if st.reasons and aid in st.reasons:  # aborted while its body ran: discard its result
        _aborted(st, ex, aid, node_id, main)
    return out


def _run(ex: Execution, aid: str, parent: str, node_id: str, p: Plan, inputs: Outputs) -> Outputs:
    """``Execution.run_task`` of a task node that runs in place."""
    if ex.prior:
        prior = ex.prior.get(aid)
        if prior is not None:  # (resumed: recorded before; no listener to tell)
            return prior
    name = p.name
    store = ex.store
    if store is not None and not ex.bus.active:  # (``node_started`` without events to send)
        store.start_action(ex.run_name, aid, parent, node_id, "task", name, inputs)
    else:
        ex.node_started(aid, parent, node_id, "task", name, inputs)
    key: str | None = None
    status = ""
    spec = p.cache
    cache = ex.cache if spec is not None else None
    if cache is not None and spec is not None and not is_mocked(p.task.id):
        key = cache.key(p.task, spec, inputs, ex.namespace_key)
        if ex.overwrite_cache:
            status = "OVERWRITTEN"
        else:
            if p.max_age is not None:  # Cache(max_age=...): an older entry is not used
                cache.drop_if_older(key, p.max_age)
            hit = cache.get(key)
            if hit is not None:
                ex.node_finished(
                    aid, name, NodePhase.SUCCEEDED, hit, cache_key=key, cache_status="HIT",
                    attempts=0,
                )  # fmt: skip
                return hit
            status = "MISS"
    else:
        cache = None
    try:
        bare = p.bare
        if bare is not None and not ex.attempt_base:
            # (the first attempt, spelled out: one that succeeds with nothing printed (no
            # capture open after it) and nothing else to report needs nothing more)
            started = time.time()
            got = bare(aid, inputs, 0)
            if type(got) is dict and not OPEN_CAPTURES:
                outputs, attempts = got, 1
            else:
                if type(got) is dict:
                    got = ActionOutcome(outputs=got)  # (what it printed is settled there)
                outputs, attempts = _attempts(ex, aid, node_id, p, inputs, (got, started))
        else:
            outputs, attempts = _attempts(ex, aid, node_id, p, inputs)
        if cache is not None and key is not None and spec is not None:
            cache.put(key, p.task, spec, outputs, ex.run_name, aid)
    except NodeFailed as f:
        ex.node_finished(
            aid, name, f.phase, error=f.error, cache_key=key, cache_status=status, detail=f.detail
        )
        raise
    if store is not None and not ex.bus.active:
        # (``node_finished``, made durable at once: the next node of the chain is built on it)
        if key is None:
            store.task_succeeded(ex.run_name, aid, outputs, attempts)
        else:
            store.finish_action(
                ex.run_name, aid, "SUCCEEDED", outputs, None, key, status, attempts, durable=True
            )
    else:
        ex.node_finished(
            aid, name, NodePhase.SUCCEEDED, outputs, cache_key=key, cache_status=status,
            attempts=attempts,
        )  # fmt: skip
    return outputs


def _attempts(
    ex: Execution,
    aid: str,
    node_id: str,
    p: Plan,
    inputs: Outputs,
    first: tuple[ActionOutcome, float] | None = None,
) -> tuple[Outputs, int]:
    """``Execution._attempts`` through the plan's runner, with the run's loop hidden already.
    ``first``: the outcome of attempt 0 and when it started, when ``_run`` ran it already."""
    attempt = ex.attempt_base.get(aid, 0) if ex.attempt_base else 0
    budgets = (p.retries, ex.config.system_retries)
    runner = p.runner
    bare = p.bare
    while True:
        if first is not None:
            outcome, started = first
            first = None
        elif bare is not None:
            started = time.time()
            got = bare(aid, inputs, attempt)
            if type(got) is dict:  # (succeeded, nothing to report but its outputs)
                if not OPEN_CAPTURES:
                    if attempt != 0 and ex.store is not None:  # (as below)
                        ex.store.attempt(ex.run_name, aid, attempt, "SUCCEEDED", started)
                    return got, attempt + 1
                got = ActionOutcome(outputs=got)  # (what it printed is settled below)
            outcome = got
        else:
            started = time.time()
            outcome = runner(aid, inputs, attempt)
        if (
            OPEN_CAPTURES
            or outcome.logs is not None
            or outcome.decks
            or outcome.artifacts is not None
        ):
            outcome = ex.settle(aid, attempt, outcome)  # (what it printed, decks, artifacts)
        err = outcome.error
        if err is None:
            # (a plain Python task: never a dynamic one, whose graph needs the general path)
            if attempt != 0 and ex.store is not None:  # (a first success: the action's row)
                ex.store.attempt(ex.run_name, aid, attempt, "SUCCEEDED", started)
            return dict(outcome.outputs or {}), attempt + 1
        budgets = ex.retry_or_fail(
            aid, node_id, p.name, attempt, err, started, budgets, p.retry_any
        )
        attempt += 1
