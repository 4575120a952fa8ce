"""``flytelike.extend``: mirrors ``flytekit.extend`` and flyte 2's ``flyte.extend``, the names
plugin authors import.

Type extension: ``TypeEngine`` and ``TypeTransformer`` are ``typesystem``'s. Tasks written as
classes: ``PythonTask`` (``execute(**kwargs)``), ``Interface``, ``IgnoreOutputs``, ``SQLTask``.
Context: the ``context_manager`` module (``context_manager.FlyteContext.current_context()``),
``ExecutionState``, ``FileAccessProvider``, ``SecretsManager``; ``Promise``; the serialisation
settings ``Image``, ``ImageConfig``, ``SerializationSettings`` (recorded, as in
``flytelike.configuration``). flytekit's task resolvers, shim executors, ``TaskPlugins``,
``get_serializable``, ``DictTransformer`` and its agent ``backend`` raise ``ImportError`` saying
what to use (``flytelike._compat.flytekit_gaps``).

flyte 2's: ``TaskTemplate`` and ``AsyncFunctionTaskTemplate`` (``flytelike.TaskTemplate``, the
class of ``@env.task`` tasks), ``Architecture`` (the image platforms), ``is_initialized()``. Its
image-builder and code-bundle plumbing and protobuf helpers raise ``ImportError`` saying why.
"""

from typing import Literal, NoReturn

from flytelike._compat.aliases import not_provided
from flytelike._v2.init import is_initialized
from flytelike._v2.task import V2Task as AsyncFunctionTaskTemplate
from flytelike._v2.task import V2Task as TaskTemplate
from flytelike.configuration import Image, ImageConfig, SerializationSettings
from flytelike.core import context_manager
from flytelike.core.base_sql_task import SQLTask
from flytelike.core.base_task import IgnoreOutputs, PythonTask
from flytelike.core.context_manager import ExecutionState, FileAccessProvider, SecretsManager
from flytelike.core.interface import Interface
from flytelike.core.promise import Promise
from typesystem import TypeEngine, TypeTransformer
from typesystem.errors import TypeTransformerFailedError

#: the platforms an image is built for (``Image(platform=...)``)
Architecture = Literal["linux/amd64", "linux/arm64"]

__all__ = [
    "Architecture",
    "AsyncFunctionTaskTemplate",
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
    "TaskTemplate",
    "TypeEngine",
    "TypeTransformer",
    "TypeTransformerFailedError",
    "context_manager",
    "is_initialized",
]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
