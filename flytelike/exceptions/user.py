"""``flytelike.exceptions.user``: mirrors ``flytekit.exceptions.user``.

Only ``FlyteRecoverableException`` (raise it to ask for a retry) exists in flytelike; flytekit's
other user exceptions are not defined (flytelike's errors are in ``flytelike.errors``).
"""

from flytelike.errors import FlyteRecoverableException

__all__ = ["FlyteRecoverableException"]
