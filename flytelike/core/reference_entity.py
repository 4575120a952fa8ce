"""``flytelike.core.reference_entity``: mirrors ``flytekit.core.reference_entity`` (the
reference specs of ``flytelike._references`` and ``ReferenceEntity``)."""

from typing import NoReturn

from flytelike._aliases import not_provided
from flytelike._reference import ReferenceEntity
from flytelike._references import LaunchPlanReference, Reference, TaskReference, WorkflowReference
from flytelike._references import Reference as ReferenceSpec

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
