"""``flytelike.types.iterator``: mirrors ``flytekit.types.iterator`` (``FlyteIterator``: what an
``Iterator[T]`` task input is; see ``typesystem._iterators``)."""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from typesystem import FlyteIterator

__all__ = ["FlyteIterator"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
