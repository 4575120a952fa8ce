"""``flytelike.core.hash``: mirrors ``flytekit.core.hash``."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from typesystem import HashMethod

__all__ = ["HashMethod"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
