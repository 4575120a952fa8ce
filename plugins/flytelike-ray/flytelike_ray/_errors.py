"""The Ray backend's errors.

::

    flytelike.errors.FlytelikeError
    └── RayBackendError          the Ray backend is misconfigured for this action or run: Ray
        │                        cannot be reached, a task's code cannot reach the workers, the
        │                        raw data prefix is not shared storage on a multi-node cluster
        └── CodeShippingError    a task's module is neither installed on the workers nor under
                                 the code root the backend shipped, or a function sent by value
                                 cannot be pickled (also a ``flytelike.errors.CodeShippingError``)

Errors of the task itself never raise: they come back as ``ActionOutcome(error=...)``.
"""

from __future__ import annotations

from flytelike import errors
from flytelike.errors import FlytelikeError


class RayBackendError(FlytelikeError):
    """The Ray backend cannot run an action as configured (the message says how to fix it)."""


class CodeShippingError(RayBackendError, errors.CodeShippingError):
    """A task's code cannot reach the Ray workers."""
