"""flytekit's ``flytekit.models`` names that make sense locally: the phase enums
(``flytelike.models.core.execution``) and execution filters (``flytelike.models.filters``);
and flyte 2's ``flyte.models`` names with a local meaning, loaded on first use: ``ActionPhase``
(the phase of a v2 run), ``ActionID``, ``TaskContext``, ``NULL_TASK_CONTEXT`` and ``RawDataPath`` (what
``flytelike.ctx()`` returns and its ``raw_data_path``), ``generate_random_name`` and ``extract_return_annotation`` (a
return annotation's outputs by name, as ``flytelike.core.interface`` computes them), and the records
of ``flytelike._v2.records`` (``NativeInterface``, ``Docstring``, ``SerializationContext``,
``CodeBundle``, ``CheckpointPaths``, ``PathRewrite``, ``GroupData``, ``CallCounter``,
``is_clustered_worker_env``, ``literal_to_enum``). Nothing else is imported here; import the
submodules."""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flytelike._v2.context import NULL_TASK_CONTEXT, ActionID, TaskContext
    from flytelike._v2.raw_data import RawDataPath
    from flytelike._v2.records import (
        CallCounter,
        CheckpointPaths,
        CodeBundle,
        Docstring,
        GroupData,
        NativeInterface,
        PathRewrite,
        SerializationContext,
        is_clustered_worker_env,
        literal_to_enum,
    )
    from flytelike.core.interface import extract_return_annotation
    from flytelike.models._action_phase import ActionPhase

__all__ = [
    "NULL_TASK_CONTEXT",
    "ActionID",
    "ActionPhase",
    "CallCounter",
    "CheckpointPaths",
    "CodeBundle",
    "Docstring",
    "GroupData",
    "NativeInterface",
    "PathRewrite",
    "RawDataPath",
    "SerializationContext",
    "TaskContext",
    "extract_return_annotation",
    "generate_random_name",
    "is_clustered_worker_env",
    "literal_to_enum",
]

# The v2 context's records live with ``flytelike.ctx`` (flytelike._v2 has no face of its own).
_CONTEXT_NAMES = {"ActionID", "NULL_TASK_CONTEXT", "RawDataPath", "TaskContext"}

_FLYTE_RECORDS = {
    "CallCounter", "CheckpointPaths", "CodeBundle", "Docstring", "GroupData", "NativeInterface",
    "PathRewrite", "SerializationContext", "is_clustered_worker_env", "literal_to_enum",
}  # fmt: skip


def generate_random_name() -> str:
    """A new unique name (a UUID4 string), as flyte makes one."""
    import uuid

    return str(uuid.uuid4())


def __getattr__(name: str) -> Any:
    if name == "ActionPhase":
        from flytelike.models._action_phase import ActionPhase

        return ActionPhase
    if name == "extract_return_annotation":
        from flytelike.core.interface import extract_return_annotation

        return extract_return_annotation
    if name in _CONTEXT_NAMES:
        from flytelike._v2 import context

        return getattr(context, name)
    if name in _FLYTE_RECORDS:
        from flytelike._v2 import records

        return getattr(records, name)
    raise AttributeError(f"module 'flytelike.models' has no attribute {name!r}")
