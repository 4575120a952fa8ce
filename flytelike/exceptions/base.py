"""``flytelike.exceptions.base``: mirrors ``flytekit.exceptions.base``."""

from flytelike.exceptions._tree import (
    FlyteException,
    FlyteRecoverableException,
)

__all__ = [
    "FlyteException",
    "FlyteRecoverableException",
]
