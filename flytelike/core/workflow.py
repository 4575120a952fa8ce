"""``flytelike.core.workflow``: mirrors ``flytekit.core.workflow``."""

from typing import NoReturn

from flytelike._aliases import not_provided
from flytelike._carried import WorkflowFailurePolicy
from flytelike._imperative import ImperativeWorkflow
from flytelike._reference import ReferenceEntity as ReferenceWorkflow
from flytelike._reference import reference_workflow
from flytelike._workflow import PythonFunctionWorkflow, WorkflowBase, workflow

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
