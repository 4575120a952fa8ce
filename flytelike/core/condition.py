"""``flytelike.core.condition``: mirrors ``flytekit.core.condition``."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike.compiler import conditional

__all__ = ["conditional"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
