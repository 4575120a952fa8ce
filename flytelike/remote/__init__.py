"""flytekit's management API, local: ``FlyteRemote`` (Union's ``UnionRemote``, the same class)
executes, lists, inspects and terminates runs of the local engine and finds entities of this
process by name. See ``flytelike.remote._remote`` for what each operation means locally."""

from __future__ import annotations

from flytelike.remote._entities import StoredEntity
from flytelike.remote._errors import (
    EntityNotFoundError,
    ExecutionExistsError,
    FlyteTimeout,
    NotSupportedLocallyError,
    RemoteError,
)
from flytelike.remote._execution import (
    FlyteNodeExecution,
    FlyteTaskExecution,
    FlyteWorkflowExecution,
    Values,
)
from flytelike.remote._remote import ExecutionEvent, FlyteRemote, UnionRemote

__all__ = [
    "EntityNotFoundError",
    "ExecutionEvent",
    "ExecutionExistsError",
    "FlyteNodeExecution",
    "FlyteRemote",
    "FlyteTaskExecution",
    "FlyteTimeout",
    "FlyteWorkflowExecution",
    "NotSupportedLocallyError",
    "RemoteError",
    "StoredEntity",
    "UnionRemote",
    "Values",
]
