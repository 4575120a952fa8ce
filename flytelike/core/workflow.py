"""``flytelike.core.workflow``: mirrors ``flytekit.core.workflow``."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike._entities.imperative import ImperativeWorkflow
from flytelike._entities.reference import ReferenceEntity as ReferenceWorkflow
from flytelike._entities.reference import reference_workflow
from flytelike._entities.workflow import PythonFunctionWorkflow, WorkflowBase, workflow
from flytelike._settings.carried import WorkflowFailurePolicy

__all__ = [
    "ImperativeWorkflow",
    "PythonFunctionWorkflow",
    "ReferenceWorkflow",
    "WorkflowBase",
    "WorkflowFailurePolicy",
    "reference_workflow",
    "workflow",
]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
