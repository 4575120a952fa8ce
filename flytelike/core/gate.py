"""``flytelike.core.gate``: mirrors ``flytekit.core.gate``."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike._entities.gates import approve, sleep, wait_for_input

__all__ = ["approve", "sleep", "wait_for_input"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
