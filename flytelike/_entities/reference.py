"""Reference entities: a task, workflow or launch plan registered elsewhere, known by identifier.

The decorated stub's signature declares the interface; its body is ignored. A reference runs
only with a mock (``flytelike.testing.task_mock``); otherwise calling it outside a workflow
raises ``ReferenceEntityError``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from flytelike._entities.task import where_of
from flytelike.compiler import (
    SUBWORKFLOW_KEYS,
    TASK_KEYS,
    Entity,
    call_entity,
    interface_from_function,
)
from flytelike.errors import ReferenceEntityError
from flytelike.ir import (
    Identifier,
    LaunchPlanNode,
    NodeTarget,
    ResourceType,
    TaskNode,
    TaskTemplate,
    WorkflowNode,
)

P = ParamSpec("P")
R = TypeVar("R")


class ReferenceEntity(Entity):
    """An entity known only by its identifier and interface."""

    mock: Callable[..., Any] | None = None  # set by flytelike.testing.task_mock

    def __init__(
        self,
        func: Callable[..., Any] | None,
        resource_type: ResourceType,
        ident: dict[str, str],
        interface: Any = None,
    ) -> None:
        """The interface comes from ``func``'s signature, or is ``interface`` (a
        ``PyInterface``, as ``get_reference_entity`` builds from types) when ``func`` is None."""
        label = {"task": "reference task", "workflow": "reference workflow"}.get(
            resource_type.value, "reference launch plan"
        )
        self.kind_label = label
        self.override_keys = TASK_KEYS if resource_type is ResourceType.TASK else SUBWORKFLOW_KEYS
        self.name = ident["name"]
        self.id = Identifier(
            resource_type, ident["project"], ident["domain"], ident["name"], ident["version"]
        )
        if func is not None:
            self.python_interface = interface_from_function(func, where_of(func, label))
            self.__wrapped__ = func
        else:
            self.python_interface = interface
        from flytelike.backends import register_live as register

        register(self.id, self)

    def node_target(self) -> NodeTarget:
        if self.id.resource_type is ResourceType.TASK:
            return TaskNode(self.id)
        if self.id.resource_type is ResourceType.WORKFLOW:
            return WorkflowNode(self.id)
        return LaunchPlanNode(self.id)

    def template(self) -> TaskTemplate:
        return TaskTemplate(id=self.id, kind="reference", interface=self.python_interface.to_ir())

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return call_entity(self, args, kwargs)

    def local_call(self, kwargs: dict[str, Any]) -> Any:
        """A direct call (``flytelike._entities.calls``): only a mock can answer it here (a
        child action inside an ``@eager`` task, whose engine applies mocks too)."""
        from flytelike._entities import calls

        return calls.local_call(self, kwargs, self._unavailable, recorded=False)

    def _unavailable(self, native: dict[str, Any]) -> Any:
        raise ReferenceEntityError(
            f"{self.describe()} ({self.id.project}/{self.id.domain}/{self.id.name}@"
            f"{self.id.version}) cannot run locally: it is registered elsewhere. To test "
            "locally, mock it: `with flytelike.testing.task_mock(ref) as m: m.return_value = ...`",
            entity=self.name,
        )


def _decorator(
    resource_type: ResourceType, project: str, domain: str, name: str, version: str
) -> Any:
    ident = {"project": project, "domain": domain, "name": name, "version": version}

    def wrap(func: Callable[P, R]) -> Callable[P, R]:
        return ReferenceEntity(func, resource_type, ident)

    return wrap


def reference_task(
    project: str, domain: str, name: str, version: str
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """``@reference_task(project=, domain=, name=, version=)`` on a stub with the interface."""
    return _decorator(ResourceType.TASK, project, domain, name, version)  # type: ignore[no-any-return]


def reference_workflow(
    project: str, domain: str, name: str, version: str
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    return _decorator(ResourceType.WORKFLOW, project, domain, name, version)  # type: ignore[no-any-return]


def reference_launch_plan(
    project: str, domain: str, name: str, version: str
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    return _decorator(ResourceType.LAUNCH_PLAN, project, domain, name, version)  # type: ignore[no-any-return]
