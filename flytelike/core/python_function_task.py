"""``flytelike.core.python_function_task``: mirrors ``flytekit.core.python_function_task``."""

from flytelike._task import PythonFunctionTask

__all__ = ["PythonFunctionTask"]
