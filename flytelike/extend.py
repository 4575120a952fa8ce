"""``flytelike.extend``: mirrors ``flytekit.extend``, the names plugin authors import.

Type extension: ``TypeEngine`` and ``TypeTransformer`` are ``typesystem``'s. Tasks written as
classes: ``PythonTask`` (``execute(**kwargs)``), ``Interface``, ``IgnoreOutputs``, ``SQLTask``.
Context: the ``context_manager`` module (``context_manager.FlyteContext.current_context()``),
``ExecutionState``, ``FileAccessProvider``, ``SecretsManager``; ``Promise``; the serialisation
settings ``Image``, ``ImageConfig``, ``SerializationSettings`` (recorded, as in
``flytelike.configuration``). flytekit's task resolvers, shim executors, ``TaskPlugins``,
``get_serializable``, ``DictTransformer`` and its agent ``backend`` raise ``ImportError`` saying
what to use (``flytelike._compat.flytekit_gaps``).
"""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike.configuration import Image, ImageConfig, SerializationSettings
from flytelike.core import context_manager
from flytelike.core.base_sql_task import SQLTask
from flytelike.core.base_task import IgnoreOutputs, PythonTask
from flytelike.core.context_manager import ExecutionState, FileAccessProvider, SecretsManager
from flytelike.core.interface import Interface
from flytelike.core.promise import Promise
from typesystem import TypeEngine, TypeTransformer
from typesystem.errors import TypeTransformerFailedError

__all__ = [
    "ExecutionState",
    "FileAccessProvider",
    "IgnoreOutputs",
    "Image",
    "ImageConfig",
    "Interface",
    "Promise",
    "PythonTask",
    "SQLTask",
    "SecretsManager",
    "SerializationSettings",
    "TypeEngine",
    "TypeTransformer",
    "TypeTransformerFailedError",
    "context_manager",
]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
