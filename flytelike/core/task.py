"""``flytelike.core.task``: mirrors ``flytekit.core.task``."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike._entities.container import TaskMetadata
from flytelike._entities.dynamic import eager
from flytelike._entities.echo import Echo
from flytelike._entities.reference import ReferenceEntity as ReferenceTask
from flytelike._entities.reference import reference_task
from flytelike._entities.task import PythonFunctionTask, task
from flytelike._settings.resources import Resources

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
