"""``flytelike.core.resources``: mirrors ``flytekit.core.resources``."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from flytelike._settings.resources import Resources

__all__ = ["Resources"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
