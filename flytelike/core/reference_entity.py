"""``flytelike.core.reference_entity``: mirrors ``flytekit.core.reference_entity`` (the
reference specs of ``flytelike._entities.references`` and ``ReferenceEntity``)."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike._entities.reference import ReferenceEntity
from flytelike._entities.references import (
    LaunchPlanReference,
    Reference,
    TaskReference,
    WorkflowReference,
)
from flytelike._entities.references import Reference as ReferenceSpec

__all__ = [
    "LaunchPlanReference",
    "Reference",
    "ReferenceEntity",
    "ReferenceSpec",
    "TaskReference",
    "WorkflowReference",
]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
