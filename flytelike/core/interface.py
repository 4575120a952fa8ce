"""``flytelike.core.interface``: mirrors ``flytekit.core.interface`` (its ``Interface``, which
class-based tasks are declared with; the rest of that module is flytekit's SDK internals)."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike._entities.python_task import Interface

__all__ = ["Interface"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
