"""``flytelike.core.base_task``: mirrors ``flytekit.core.base_task``."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike._entities.container import TaskMetadata, kwtypes
from flytelike._entities.python_task import IgnoreOutputs, PythonTask

__all__ = ["IgnoreOutputs", "PythonTask", "TaskMetadata", "kwtypes"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
