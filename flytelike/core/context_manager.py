"""``flytelike.core.context_manager``: mirrors ``flytekit.core.context_manager``.

``ExecutionParameters`` is the class of what ``flytelike.current_context()`` returns inside a task
(``execution_id``, ``working_directory``, ``checkpoint``, ``logging``, decks, ``secrets``).
``FlyteContext``/``FlyteContextManager`` (``current_context()``, ``compilation_state``,
``execution_state``, ``user_space_params``, ``new_execution_state``, ``file_access``,
``with_context``) describe flytelike's own state (``flytelike.backends._kit_context``); they are what
flytekit-style ``TypeTransformer`` subclasses receive as ``ctx``. ``SecretsManager`` is the
secrets lookup of ``current_context().secrets``.
"""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike.backends import (
    CompilationState,
    ExecutionState,
    FileAccessProvider,
    FlyteContext,
    FlyteContextManager,
)
from flytelike.backends import ExecutionContext as ExecutionParameters
from flytelike.backends import Secrets as SecretsManager

__all__ = [
    "CompilationState",
    "ExecutionParameters",
    "ExecutionState",
    "FileAccessProvider",
    "FlyteContext",
    "FlyteContextManager",
    "SecretsManager",
]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
