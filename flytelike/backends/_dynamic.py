"""Building a dynamic task's graph: run its body with real inputs in a compile context.

The body's task calls become nodes (Python ``if``/``for`` over the inputs work, recursion too);
the result is a closure whose primary is a workflow with the task's interface and a content
version, so every distinct graph has a distinct identifier.
"""

from __future__ import annotations

from typing import Any

from flytelike.backends._functions import resolve_object
from flytelike.ir import Closure, Identifier, ResourceType, TaskTemplate, WorkflowTemplate


def build_dynamic(task: TaskTemplate, native: dict[str, Any], tf: Any = None) -> Closure:
    """The closure of the graph ``task``'s body builds with ``native`` inputs (``tf``: the
    task's ``TypedFunction``; its live entity is used when it has one)."""
    from flytelike.compiler import closure_of, compile_body
    from flytelike.ir import with_version

    obj = getattr(getattr(tf, "func", None), "entity", None)
    if obj is None:
        assert task.function is not None
        obj = resolve_object(task.function)
    func = getattr(obj, "task_function", None) or getattr(obj, "__wrapped__", obj)
    iface = getattr(obj, "python_interface", None)
    if iface is None:
        from flytelike.compiler import interface_from_function

        iface = interface_from_function(func, f"dynamic task `{task.id.name}`")
    code = func.__code__
    body = compile_body(
        task.id.name,
        func,
        iface,
        (code.co_filename, code.co_firstlineno),
        kind="dynamic",
        native_inputs=native,
    )
    wf = with_version(
        WorkflowTemplate(
            id=Identifier(
                ResourceType.WORKFLOW,
                task.id.project,
                task.id.domain,
                f"{task.id.name}.dynamic",
                "",
            ),
            interface=task.interface,
            nodes=body.nodes,
            outputs=body.outputs,
        )
    )
    tasks: dict[Identifier, TaskTemplate] = {}
    workflows: dict[Identifier, WorkflowTemplate] = {}
    plans: dict[Identifier, Any] = {}
    from flytelike.backends._live import register_tree

    for entity in body.entities.values():
        if getattr(entity, "id", None) is None:
            continue  # a gate (sleep, wait_for_input, approve): its node holds all of it
        register_tree(entity)
        sub = closure_of(entity)
        for t in sub.tasks:
            tasks.setdefault(t.id, t)
        for w in sub.workflows:
            workflows.setdefault(w.id, w)
        for lp in sub.launch_plans:
            plans.setdefault(lp.id, lp)
    workflows[wf.id] = wf
    return Closure(
        primary=wf.id,
        tasks=tuple(tasks.values()),
        workflows=tuple(workflows.values()),
        launch_plans=tuple(plans.values()),
    )
