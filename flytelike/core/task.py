"""``flytelike.core.task``: mirrors ``flytekit.core.task``."""

from typing import NoReturn

from flytelike._aliases import not_provided
from flytelike._container import TaskMetadata
from flytelike._dynamic import eager
from flytelike._echo import Echo
from flytelike._reference import ReferenceEntity as ReferenceTask
from flytelike._reference import reference_task
from flytelike._resources import Resources
from flytelike._task import PythonFunctionTask, task

__all__ = [
    "Echo",
    "PythonFunctionTask",
    "ReferenceTask",
    "Resources",
    "TaskMetadata",
    "eager",
    "reference_task",
    "task",
]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
