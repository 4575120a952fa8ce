"""``flytelike.core.python_function_task``: mirrors ``flytekit.core.python_function_task``."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike._entities.python_task import PythonInstanceTask
from flytelike._entities.task import PythonFunctionTask

__all__ = ["PythonFunctionTask", "PythonInstanceTask"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
