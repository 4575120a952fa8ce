"""``flytelike.types.error.error``: mirrors ``flytekit.types.error.error`` (see
``flytelike.types.error``: ``FlyteError`` is not defined; importing it explains what to use).
"""

from typing import NoReturn

from flytelike._aliases import not_provided
from flytelike.types.error import _INSTEAD

__all__: list[str] = []


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, _INSTEAD)
