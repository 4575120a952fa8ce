"""Child actions: a task, workflow or launch plan called inside a running task action.

``child_call(entity, kwargs)`` is the mechanism behind ``await t(x=1)`` inside an ``@eager`` task
(and, for the v2 API, an ``@env.task`` called inside a running task). See its docstring.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable
from typing import Any

from flytelike.backends._runtime import running_action
from flytelike.engine._convert import inputs_to_literals, literals_to_python, shape_outputs
from flytelike.engine._execution import Execution, NodeFailed
from flytelike.engine._index import ClosureIndex, to_closure
from flytelike.engine._phases import NodePhase
from flytelike.ir._model import LaunchPlanTemplate, TaskTemplate, WorkflowTemplate

# Executions running in this process, by run name (set while their event loop runs them).
_ACTIVE: dict[str, Execution] = {}
_LOCK = threading.Lock()


def activate_execution(ex: Execution) -> None:
    ex.loop = asyncio.get_running_loop()
    with _LOCK:
        _ACTIVE[ex.run_name] = ex


def deactivate_execution(ex: Execution) -> None:
    with _LOCK:
        if _ACTIVE.get(ex.run_name) is ex:
            del _ACTIVE[ex.run_name]


def can_child_call() -> bool:
    """True inside a running task action whose run's event loop is the running one: a call there
    can become a recorded child action (``child_call``)."""
    ctx = running_action()
    if ctx is None:
        return False
    ex = _ACTIVE.get(ctx.action.run_name)
    return ex is not None and asyncio._get_running_loop() is ex.loop


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
    concurrently. A child that fails raises its own exception (the task's exception when the
    backend kept it, else ``flytelike.engine.RunFailedError``) with a note naming the action.

    Raises ``RuntimeError`` when no running action of a live run is on this event loop.
    """
    ctx = running_action()
    ex = _ACTIVE.get(ctx.action.run_name) if ctx is not None else None
    if ctx is None or ex is None or asyncio._get_running_loop() is not ex.loop:
        raise RuntimeError(
            "child_call() needs a running task action of a live run on the current event loop"
        )
    parent = ctx.action.action_id
    n = ex.child_counts.get(parent, 0)
    ex.child_counts[parent] = n + 1
    return _run_child(ex, entity, dict(kwargs), parent, f"c{n}")


async def _run_child(
    ex: Execution, entity: Any, kwargs: dict[str, Any], parent: str, node_id: str
) -> Any:
    from flytelike.engine._interpreter import Interpreter, launch_plan_inputs

    closure = to_closure(entity)
    ex.index.add(closure)
    primary = ClosureIndex(closure).primary()
    py_iface = getattr(entity, "python_interface", None)
    lp = primary if isinstance(primary, LaunchPlanTemplate) else None
    literals = inputs_to_literals(primary.id.name, primary.interface, py_iface, kwargs, lp)
    aid = f"{parent}/{node_id}"
    ex.inflight += 1
    try:
        if isinstance(primary, TaskTemplate):
            outs = await ex.run_task(aid, parent, node_id, primary, literals)
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
                    outs = await Interpreter(ex).run_workflow(wf, literals, aid + "/", aid)
                except NodeFailed as f:
                    ex.node_finished(aid, wf.id.name, NodePhase.FAILED, error=f.error)
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
    values = literals_to_python(outs, primary.interface, py_iface, "outputs")
    return shape_outputs(values, primary.interface, py_iface)
