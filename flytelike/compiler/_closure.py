"""The closure of an entity: its template and every template it references, each once.

Order is deterministic (dependencies first, in the order nodes reference them), so the closure
and its encodings are byte-identical across processes. Every entity has its content-hash version
unless a ``version`` is given (as at registration): then every entity of the closure, and every
reference to one of them, takes that version; reference entities (registered elsewhere, listed
as ``reference`` task templates for their interface) keep theirs.
"""

from __future__ import annotations

from typing import Any

from flytelike.ir import (
    Closure,
    Identifier,
    LaunchPlanTemplate,
    TaskTemplate,
    WorkflowTemplate,
    field_names,
    is_record,
    replace,
)


def closure_of(entity: Any, version: str = "") -> Closure:
    """Everything ``entity`` (a task, workflow or launch plan) needs, as one ``Closure``."""
    closure = _collect(entity)
    return with_closure_version(closure, version) if version else closure


def with_closure_version(closure: Closure, version: str) -> Closure:
    """``closure`` with ``version`` on every entity it defines and every reference to them."""
    own = {
        (t.id.resource_type, t.id.name)
        for group in (closure.tasks, closure.workflows, closure.launch_plans)
        for t in group
        if not (isinstance(t, TaskTemplate) and t.kind == "reference")
    }

    def visit(obj: Any) -> Any:
        if type(obj) is Identifier:
            if (obj.resource_type, obj.name) in own and obj.version != version:
                return replace(obj, version=version)
            return obj
        if is_record(obj):
            changes = {}
            for name in field_names(obj):
                value = getattr(obj, name)
                new = visit(value)
                if new is not value:
                    changes[name] = new
            return replace(obj, **changes) if changes else obj
        if type(obj) is tuple:
            items = [visit(v) for v in obj]
            return obj if all(a is b for a, b in zip(items, obj, strict=True)) else tuple(items)
        return obj

    result: Closure = visit(closure)
    return result


def _collect(entity: Any) -> Closure:
    tasks: dict[Any, TaskTemplate] = {}
    workflows: dict[Any, WorkflowTemplate] = {}
    plans: dict[Any, LaunchPlanTemplate] = {}
    seen: set[int] = set()

    def visit(e: Any) -> None:
        if id(e) in seen:
            return
        seen.add(id(e))
        target = getattr(e, "target", None)
        if target is not None and hasattr(e, "mapped"):  # a map: its target is the entity
            visit(target)
            return
        on_failure = getattr(e, "on_failure", None)
        if on_failure is not None:
            visit(on_failure)
        workflow = getattr(e, "workflow", None)
        if workflow is not None and hasattr(e, "fixed_inputs"):  # a launch plan
            visit(workflow)
            plans.setdefault(e.id, e.template())
            return
        entities = getattr(e, "node_entities", None)
        if entities is not None:  # a workflow
            for sub in entities.values():
                visit(sub)
            workflows.setdefault(e.id, e.template())
            return
        template = e.template()  # None for gates
        if isinstance(template, TaskTemplate):
            tasks.setdefault(template.id, template)

    visit(entity)
    return Closure(
        primary=entity.id,
        tasks=tuple(tasks.values()),
        workflows=tuple(workflows.values()),
        launch_plans=tuple(plans.values()),
    )
