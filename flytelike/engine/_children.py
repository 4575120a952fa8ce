"""Child actions: a task, workflow or launch plan called inside a running task action.

``child_call(entity, kwargs)`` is the mechanism behind ``await t(x=1)`` inside an ``@eager`` task
(and, for the v2 API, an ``@env.task`` called inside a running task). See its docstring.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from flytelike.backends import call_group, running_action
from flytelike.engine._abort import abortable
from flytelike.engine._convert import inputs_to_literals, literals_to_python, shape_outputs
from flytelike.engine._execution import Execution, NodeFailed
from flytelike.engine._index import ClosureIndex, to_closure
from flytelike.engine._phases import NodePhase
from flytelike.ir import LaunchPlanTemplate, TaskTemplate, WorkflowTemplate

# Executions running in this process, by run name (set while their event loop runs them).
_ACTIVE: dict[str, Execution] = {}
_LOCK = threading.Lock()
T = TypeVar("T")


def activate_execution(ex: Execution) -> None:
    ex.loop = asyncio._get_running_loop()  # None on the engine's synchronous path
    with _LOCK:
        _ACTIVE[ex.run_name] = ex


def deactivate_execution(ex: Execution) -> None:
    with _LOCK:
        if _ACTIVE.get(ex.run_name) is ex:
            del _ACTIVE[ex.run_name]
    _stop_aux_loops(ex)  # (call_blocking's helper loops)


def can_child_call() -> bool:
    """True inside a running task action whose run's event loop is the running one: a call there
    can become a recorded child action (``child_call``)."""
    ctx = running_action()
    if ctx is None:
        return False
    ex = _ACTIVE.get(ctx.action.run_name)
    return ex is not None and _on_loop_of(ex, asyncio._get_running_loop())


def child_call(entity: Any, kwargs: dict[str, Any]) -> Awaitable[Any]:
    """Run ``entity`` (a task, workflow or launch plan object) as a child action of the task
    action running here; returns an awaitable of its Python outputs (the value a direct call
    would return: one value, a tuple or NamedTuple for several outputs, ``None`` for none).

    Use it from code running *inside* a task action whose run is driven by this process's engine
    on the current event loop, i.e. from an ``async`` task body (``@eager``, or an async
    ``@env.task``): ``can_child_call()`` says whether that is the case. The call is recorded in
    the run store as action ``<parent action id>/c<n>`` (n counts the parent's calls in call
    order, so a resumed run reuses the outputs of children that succeeded), with parent = the
    running action; inputs are converted to literals with the entity's interface (defaults
    filled, errors name the input) and outputs back to Python values, as at every task boundary.
    Caching, retries, timeouts, the backend, the run's parallelism and the live registry (mocks)
    apply as for any task node. Awaiting several calls with ``asyncio.gather`` runs them
    concurrently. The group path visible at the call (``flytelike.group``, nested groups
    joined with ``/``) is recorded on the child's action. A child that fails raises its own
    exception (the task's exception when the backend kept it, else
    ``flytelike.engine.RunFailedError``) with a note naming the action.

    Raises ``RuntimeError`` when no running action of a live run is on this event loop.
    """
    ctx = running_action()
    ex = _ACTIVE.get(ctx.action.run_name) if ctx is not None else None
    if ctx is None or ex is None or not _on_loop_of(ex, asyncio._get_running_loop()):
        raise RuntimeError(
            "child_call() needs a running task action of a live run on the current event loop"
        )
    parent = ctx.action.action_id
    n = ex.child_counts.get(parent, 0)
    ex.child_counts[parent] = n + 1
    group = "/".join(call_group())  # read here: the call site's group, not the awaiter's
    return _run_child(ex, entity, dict(kwargs), parent, f"c{n}", group)


async def _run_child(
    ex: Execution, entity: Any, kwargs: dict[str, Any], parent: str, node_id: str, group: str
) -> Any:
    from flytelike.engine._interpreter import Interpreter, launch_plan_inputs

    closure = to_closure(entity)
    ex.index.add(closure)
    primary = ClosureIndex(closure).primary()
    py_iface = getattr(entity, "python_interface", None)
    lp = primary if isinstance(primary, LaunchPlanTemplate) else None
    literals = inputs_to_literals(primary.id.name, primary.interface, py_iface, kwargs, lp)
    aid = f"{parent}/{node_id}"
    if group and ex.store is not None and aid not in ex.prior:
        ex.store.set_action_group(ex.run_name, aid, group)
    ex.inflight += 1
    ex.slots.lend(parent)  # (a parent waiting for its children does not count against limits)
    try:
        if isinstance(primary, TaskTemplate):
            run = ex.run_task(aid, parent, node_id, primary, literals)
            outs = await abortable(ex, aid, primary.id.name, run)
        else:
            prior = ex.prior.get(aid)
            if prior is not None:
                outs = prior
            else:
                if isinstance(primary, LaunchPlanTemplate):
                    wf = ex.index.workflow(primary.workflow)
                    literals = launch_plan_inputs(primary, literals)
                    kind = "launch_plan"
                else:
                    assert isinstance(primary, WorkflowTemplate)
                    wf, kind = primary, "workflow"
                ex.node_started(aid, parent, node_id, kind, wf.id.name, literals)
                try:
                    inner = Interpreter(ex).run_workflow(wf, literals, aid + "/", aid)
                    outs = await abortable(ex, aid, wf.id.name, inner)
                except NodeFailed as f:
                    if f.phase is not NodePhase.ABORTED:  # (an abort recorded itself)
                        ex.node_finished(aid, wf.id.name, NodePhase.FAILED, error=f.error)
                    raise
                except asyncio.CancelledError:
                    ex.node_finished(aid, wf.id.name, NodePhase.ABORTED)
                    raise
                ex.node_finished(aid, wf.id.name, NodePhase.SUCCEEDED, outs)
    except NodeFailed as f:
        exc = f.error.exception
        if exc is None:
            from flytelike.engine.errors import RunFailedError

            exc = RunFailedError(
                f"child action {f.action_id} of run {ex.run_name} failed: {f.error.message}",
                run_name=ex.run_name,
                node_id=f.action_id,
                phase=f.phase.value,
            )
        exc.add_note(f"(flytelike run {ex.run_name}, child action {f.action_id})")
        raise exc from None
    finally:
        ex.inflight -= 1
        await ex.slots.take_back(parent)
    values = literals_to_python(outs, primary.interface, py_iface, "outputs")
    return shape_outputs(values, primary.interface, py_iface)


# ------------------------------------------------------------------ blocking calls (v2 API)
# Sync code inside a running action (a sync task body in a worker thread or run in place, an
# async body calling a sync task without ``await``) cannot await a child. ``call_blocking`` runs
# a coroutine on a loop where ``child_call`` works and blocks until it is done: the run's own
# loop when it is free, else an auxiliary loop of the run (a daemon thread made on demand and
# stopped with the run). A loop whose thread is blocked in ``call_blocking`` is never chosen.
_AUX: dict[int, tuple[Execution, list[asyncio.AbstractEventLoop]]] = {}
_BLOCKED: dict[asyncio.AbstractEventLoop, int] = {}


def _after_fork_in_child() -> None:
    # A forked worker process runs one task body (``backends._worker``): the driver's runs are not
    # live there, so a task called in it runs as a plain call instead of waiting for a loop that
    # does not run there; a lock another thread held across the fork must not be inherited.
    global _LOCK
    _LOCK = threading.Lock()
    _ACTIVE.clear()
    _AUX.clear()
    _BLOCKED.clear()


os.register_at_fork(after_in_child=_after_fork_in_child)


def _on_loop_of(ex: Execution, loop: asyncio.AbstractEventLoop | None) -> bool:
    if loop is None:
        return False
    if loop is ex.loop:
        return True
    aux = _AUX.get(id(ex))
    return aux is not None and aux[0] is ex and loop in aux[1]


def _serve(loop: asyncio.AbstractEventLoop) -> None:
    asyncio.set_event_loop(loop)
    try:
        loop.run_forever()
    finally:
        loop.close()


def _stop_aux_loops(ex: Execution) -> None:
    with _LOCK:
        entry = _AUX.pop(id(ex), None)
    for loop in entry[1] if entry is not None and entry[0] is ex else ():
        loop.call_soon_threadsafe(loop.stop)


def next_child_action_id() -> str | None:
    """The action id the next ``child_call`` made here will get, or ``None`` outside a running
    action of a live run."""
    ctx = running_action()
    ex = _ACTIVE.get(ctx.action.run_name) if ctx is not None else None
    if ctx is None or ex is None:
        return None
    parent = ctx.action.action_id
    return f"{parent}/c{ex.child_counts.get(parent, 0)}"


def can_call_blocking() -> bool:
    """True inside a running task action of a run live in this process (``call_blocking``)."""
    ctx = running_action()
    return ctx is not None and ctx.action.run_name in _ACTIVE


def call_blocking(make: Callable[[], Awaitable[T]]) -> T:
    """Run the coroutine ``make()`` (which may use ``child_call``) to completion from sync code
    inside a running task action, and return its result; see the comment above."""
    ctx = running_action()
    ex = _ACTIVE.get(ctx.action.run_name) if ctx is not None else None
    if ex is None:
        raise RuntimeError("call_blocking() needs a running task action of a live run")
    here = asyncio._get_running_loop()
    me = threading.get_ident()
    with _LOCK:
        entry = _AUX.get(id(ex))
        loops = [ex.loop, *(entry[1] if entry is not None and entry[0] is ex else ())]
        if here is None:  # a sync body run in place hides its loop (LocalBackend.run_inline)
            here = next((lp for lp in loops if getattr(lp, "_thread_id", None) == me), None)
        target = next(
            (
                lp
                for lp in loops
                if lp is not None and lp is not here and lp.is_running() and not _BLOCKED.get(lp)
            ),
            None,
        )
        if target is None:
            target = asyncio.new_event_loop()
            threading.Thread(
                target=_serve, args=(target,), name=f"flytelike-{ex.run_name}", daemon=True
            ).start()
            _AUX.setdefault(id(ex), (ex, []))[1].append(target)
        if here is not None:
            _BLOCKED[here] = _BLOCKED.get(here, 0) + 1

    async def main() -> T:
        return await make()

    try:
        return asyncio.run_coroutine_threadsafe(main(), target).result()
    finally:
        if here is not None:
            with _LOCK:
                n = _BLOCKED.pop(here) - 1
                if n:
                    _BLOCKED[here] = n
