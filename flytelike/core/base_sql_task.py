"""``flytelike.core.base_sql_task``: mirrors ``flytekit.core.base_sql_task``."""

from flytelike._entities.python_task import SQLTask

__all__ = ["SQLTask"]
