"""Executor backends: the ``Backend`` protocol, discovery by name, and the built-in ``local`` one.

Only the protocol and discovery load with this package; the local backend (and its pools) load
when first asked for. See ``_protocol`` for the contract and ``flytelike.testing`` for the
conformance suite every backend runs. A backend that sends a task to another process sends
``ship_task(template)``: the template with its function pickled by value when that process
could not import it by name.
"""

# Importing the flytekit ``FlyteContext`` view registers it with typesystem as the ``ctx``
# flytekit-style transformers get; every import of a backends module runs this package first,
# so a conversion inside a task (or on a worker) always has it.
from flytelike.backends import _kit_context as _kit_context
from flytelike.backends._discovery import (
    GROUP,
    BackendLoadError,
    BackendNotFoundError,
    available_backends,
    get_backend,
    register_backend,
)
from flytelike.backends._kit_context import (
    CompilationState,
    ExecutionState,
    FileAccessProvider,
    FlyteContext,
    FlyteContextManager,
)
from flytelike.backends._produced import (
    declared_for,
    declared_from_wire,
    declared_to_wire,
    declaring_outputs,
    drop_declarations,
    hand_declarations,
    produced_from_wire,
    produced_to_wire,
    publish_artifacts,
    set_artifact_builder,
)
from flytelike.backends._protocol import (
    SYSTEM,
    USER,
    ActionContext,
    ActionLog,
    ActionOutcome,
    ActionRequest,
    Backend,
    Deck,
    ExecutionError,
    InlineBackend,
    ItemBackend,
    ItemColumns,
)
from flytelike.backends._runtime import (
    IN_PROCESS_TASK,
    Checkpoint,
    DeckTab,
    ExecutionContext,
    ExecutionId,
    call_group,
    current_context,
    data_context,
    enter,
    hidden_loop,
    leave,
    restore_variables,
    running_action,
    set_group_provider,
    set_variables,
    variables,
)
from flytelike.backends._ship import ship_task

__all__ = [
    "GROUP",
    "IN_PROCESS_TASK",
    "SYSTEM",
    "USER",
    "ActionContext",
    "ActionOutcome",
    "ActionRequest",
    "Backend",
    "BackendLoadError",
    "BackendNotFoundError",
    "Deck",
    "ExecutionContext",
    "ExecutionError",
    "InlineBackend",
    "ItemBackend",
    "ItemColumns",
    "available_backends",
    "current_context",
    "get_backend",
    "produced_from_wire",
    "produced_to_wire",
    "publish_artifacts",
    "declaring_outputs",
    "declared_for",
    "declared_from_wire",
    "declared_to_wire",
    "drop_declarations",
    "hand_declarations",
    "register_backend",
    "set_artifact_builder",
    "ship_task",
    "CompilationState",
    "ExecutionState",
    "FileAccessProvider",
    "FlyteContext",
    "FlyteContextManager",
    "ActionLog",
    "Checkpoint",
    "DeckTab",
    "ExecutionId",
    "call_group",
    "data_context",
    "enter",
    "hidden_loop",
    "leave",
    "restore_variables",
    "running_action",
    "set_variables",
    "variables",
    "set_group_provider",
]
