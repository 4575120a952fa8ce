"""``flytelike.core.task``: mirrors ``flytekit.core.task``."""

from flytelike._container import TaskMetadata
from flytelike._dynamic import eager
from flytelike._echo import Echo
from flytelike._reference import reference_task
from flytelike._resources import Resources
from flytelike._task import PythonFunctionTask, task

__all__ = [
    "Echo",
    "PythonFunctionTask",
    "Resources",
    "TaskMetadata",
    "eager",
    "reference_task",
    "task",
]
