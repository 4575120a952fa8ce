"""``flytelike.core.context_manager``: mirrors the user-facing part of
``flytekit.core.context_manager``.

``ExecutionParameters`` is the class of what ``flytelike.current_context()`` returns inside a task
(``execution_id``, ``working_directory``, ``checkpoint``, ``logging``, decks). flytekit's
``FlyteContextManager``/``FlyteContext`` (the SDK's internal serialisation and execution state)
have no counterpart: importing them raises ``ImportError`` naming ``current_context()``.
"""

from typing import NoReturn

from flytelike._aliases import not_provided
from flytelike.backends._runtime import ExecutionContext as ExecutionParameters

_INSTEAD = {
    name: (
        "inside a task use flytelike.current_context() (the ExecutionParameters of the running "
        "task); flytelike has no global SDK context to read or patch"
    )
    for name in ("FlyteContext", "FlyteContextManager")
}

__all__ = ["ExecutionParameters"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, _INSTEAD)
