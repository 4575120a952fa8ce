"""``flytelike.core.workflow``: mirrors ``flytekit.core.workflow``."""

from flytelike._carried import WorkflowFailurePolicy
from flytelike._imperative import ImperativeWorkflow
from flytelike._reference import reference_workflow
from flytelike._workflow import PythonFunctionWorkflow, WorkflowBase, workflow

__all__ = [
    "ImperativeWorkflow",
    "PythonFunctionWorkflow",
    "WorkflowBase",
    "WorkflowFailurePolicy",
    "reference_workflow",
    "workflow",
]
