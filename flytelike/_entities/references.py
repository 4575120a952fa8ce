"""flytekit's reference specs and ``get_reference_entity``: references built from an identifier
and explicit input/output types instead of a decorated stub (``_reference`` holds the entity).

``TaskReference(project, domain, name, version)`` (and ``WorkflowReference``,
``LaunchPlanReference``) name an entity registered elsewhere; ``get_reference_entity(kind,
project, domain, name, version, inputs={...}, outputs={...})`` returns a ``ReferenceEntity``
usable as a node of a workflow; as with ``@reference_task``, it runs locally only when mocked
(``flytelike.testing.task_mock``/``patch``).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any, ClassVar

from flytelike._entities.reference import ReferenceEntity
from flytelike.compiler import interface_from_types
from flytelike.errors import DefinitionError
from flytelike.ir import Identifier, ResourceType


@dataclass(frozen=True)
class Reference:
    """An entity registered elsewhere, by project, domain, name and version."""

    project: str
    domain: str
    name: str
    version: str
    resource_type: ClassVar[ResourceType] = ResourceType.TASK

    @property
    def id(self) -> Identifier:
        return Identifier(self.resource_type, self.project, self.domain, self.name, self.version)


@dataclass(frozen=True)
class TaskReference(Reference):
    resource_type: ClassVar[ResourceType] = ResourceType.TASK


@dataclass(frozen=True)
class WorkflowReference(Reference):
    resource_type: ClassVar[ResourceType] = ResourceType.WORKFLOW


@dataclass(frozen=True)
class LaunchPlanReference(Reference):
    resource_type: ClassVar[ResourceType] = ResourceType.LAUNCH_PLAN


# flytekit passes flyteidl's resource type numbers (TASK=1, WORKFLOW=2, LAUNCH_PLAN=3).
_KINDS = {1: ResourceType.TASK, 2: ResourceType.WORKFLOW, 3: ResourceType.LAUNCH_PLAN}


def get_reference_entity(
    resource_type: Any,
    project: str,
    domain: str,
    name: str,
    version: str,
    inputs: dict[str, Any],
    outputs: dict[str, Any],
) -> ReferenceEntity:
    """A reference to a task (``resource_type`` 1 or ``ResourceType.TASK``), workflow (2) or
    launch plan (3) with the given input and output types."""
    kind: Any
    if isinstance(resource_type, type) and issubclass(resource_type, Reference):
        kind = resource_type.resource_type
    else:
        kind = _KINDS.get(resource_type) if isinstance(resource_type, int) else resource_type
    if not isinstance(kind, ResourceType):
        raise DefinitionError(
            f"get_reference_entity: resource_type {resource_type!r} is not a task (1), "
            "workflow (2) or launch plan (3)"
        )
    frame = sys._getframe(1)
    where = f"reference {name!r} ({frame.f_code.co_filename}:{frame.f_lineno})"
    iface = interface_from_types(dict(inputs), dict(outputs), where)
    ident = {"project": project, "domain": domain, "name": name, "version": version}
    return ReferenceEntity(None, kind, ident, interface=iface)
