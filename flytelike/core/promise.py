"""``flytelike.core.promise``: mirrors ``flytekit.core.promise``."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike.compiler import NodeHandle, Promise

__all__ = ["NodeHandle", "Promise"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
