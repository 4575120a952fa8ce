"""``flytelike.types.iterator``: mirrors ``flytekit.types.iterator``: ``FlyteIterator`` (what an
``Iterator[T]`` task input is; see ``typesystem._iterators``) and ``JSON``, the type of one JSON
value, for ``Iterator[JSON]``: a stream of JSON records between tasks.

flytekit stores an ``Iterator[JSON]`` as a JSON Lines file; here ``JSON`` is a plain union
(an object, an array, or a scalar), so ``Iterator[JSON]`` is stored as every ``Iterator[T]`` is, a
list of its items, and an input reads them one by one. Each item keeps its own kind (``3`` stays
an ``int``, ``2.5`` a ``float``); a top-level ``None`` is refused, as a JSON Lines reader refuses
a ``null`` line.
"""

from typing import Any, NoReturn, TypeAlias

from flytelike._compat.aliases import not_provided
from typesystem import FlyteIterator

JSONCollection: TypeAlias = dict[str, Any] | list[Any]
JSONScalar: TypeAlias = bool | float | int | str
JSON: TypeAlias = JSONCollection | JSONScalar

__all__ = ["JSON", "FlyteIterator", "JSONCollection", "JSONScalar"]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
