"""``ClosureIndex``: templates of a closure by identifier, and entities turned into closures.

The engine looks every ``TaskNode``/``WorkflowNode``/``LaunchPlanNode``/``ArrayNode`` target up
here. Dynamic tasks add the templates their generated graphs reference (``add``).
"""

from __future__ import annotations

import contextlib
from typing import Any

from flytelike.ir import (
    Closure,
    Identifier,
    LaunchPlanTemplate,
    ResourceType,
    TaskTemplate,
    WorkflowTemplate,
)

Template = TaskTemplate | WorkflowTemplate | LaunchPlanTemplate


class UnknownEntityError(LookupError):
    """A node refers to an entity missing from the closure."""


class ClosureIndex:
    """Templates by identifier."""

    def __init__(self, closure: Closure) -> None:
        self.closure = closure
        self.tasks: dict[Identifier, TaskTemplate] = {}
        self.workflows: dict[Identifier, WorkflowTemplate] = {}
        self.launch_plans: dict[Identifier, LaunchPlanTemplate] = {}
        self.add(closure)

    def add(self, closure: Closure) -> None:
        for t in closure.tasks:
            self.tasks.setdefault(t.id, t)
        for w in closure.workflows:
            self.workflows.setdefault(w.id, w)
        for lp in closure.launch_plans:
            self.launch_plans.setdefault(lp.id, lp)

    def task(self, ident: Identifier) -> TaskTemplate:
        try:
            return self.tasks[ident]
        except KeyError:
            raise UnknownEntityError(
                f"task {ident.name!r} (version {ident.version}) is not in the closure"
            ) from None

    def workflow(self, ident: Identifier) -> WorkflowTemplate:
        try:
            return self.workflows[ident]
        except KeyError:
            raise UnknownEntityError(
                f"workflow {ident.name!r} (version {ident.version}) is not in the closure"
            ) from None

    def launch_plan(self, ident: Identifier) -> LaunchPlanTemplate:
        try:
            return self.launch_plans[ident]
        except KeyError:
            raise UnknownEntityError(
                f"launch plan {ident.name!r} (version {ident.version}) is not in the closure"
            ) from None

    def primary(self) -> Template:
        ident = self.closure.primary
        if ident.resource_type is ResourceType.TASK:
            return self.task(ident)
        if ident.resource_type is ResourceType.WORKFLOW:
            return self.workflow(ident)
        return self.launch_plan(ident)


def to_closure(entity: Any) -> Closure:
    """A ``Closure`` for ``entity``: a closure, a template, or a flytelike task/workflow/LP."""
    fields = getattr(entity, "__dict__", None)  # (records have none; entities cache theirs)
    if fields is not None:
        cached = fields.get("_engine_closure")
        if cached is not None:
            return cached  # type: ignore[no-any-return]
    if isinstance(entity, Closure):
        return entity
    if isinstance(entity, TaskTemplate):
        return Closure(primary=entity.id, tasks=(entity,))
    if isinstance(entity, WorkflowTemplate | LaunchPlanTemplate):
        raise TypeError(
            f"a bare {type(entity).__name__} does not carry what it references; pass a Closure"
        )
    cached = getattr(entity, "_engine_closure", None)
    if isinstance(cached, Closure):
        return cached
    from flytelike.backends import register_tree
    from flytelike.compiler import closure_of

    closure = closure_of(entity)
    register_tree(entity)
    with contextlib.suppress(AttributeError):
        entity._engine_closure = closure
    return closure
