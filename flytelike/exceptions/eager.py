"""``flytelike.exceptions.eager``: mirrors ``flytekit.exceptions.eager``.

``EagerException`` is what a failed task, workflow or launch plan call raises inside an
``@eager`` task (``flytelike.errors.EagerException``).
"""

from flytelike.errors import EagerException

__all__ = ["EagerException"]
