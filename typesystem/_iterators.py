"""``Iterator[T]`` as a task value, and ``FlyteIterator`` (flytekit's name for what an
``Iterator[T]`` input is).

A task that returns ``Iterator[T]`` (a generator, ``iter(list)``, ...) has its items collected
into a list of ``T`` when it ends: the literal and its type are those of ``list[T]``, so a
``list[T]`` input downstream reads it, and an ``Iterator[T]`` input reads a ``list[T]``. An
``Iterator[T]`` input is a ``FlyteIterator``: it converts each item when it is reached, so a
task that stops early converts only what it read. A bare ``Iterator`` (no item type), a
``Generator`` and the async kinds stay restricted (``_fallback``): without an item type there is
nothing to convert the items with.

Not here: ``list[T]`` itself (``_containers``).
"""

from __future__ import annotations

import collections.abc as cabc
from collections.abc import Iterator
from typing import Any, Generic, TypeVar

from typesystem import _typing as ty
from typesystem._literals import Collection, Literal, LiteralValue
from typesystem._transformer import TypeTransformer, bad_literal, mismatch
from typesystem._types import LiteralType
from typesystem.errors import ConversionError

T = TypeVar("T")


def is_typed_iterator(t: Any) -> bool:
    """``Iterator[T]`` (``typing`` or ``collections.abc``) with its item type."""
    return getattr(t, "__origin__", None) is cabc.Iterator and len(ty.type_args(t)) == 1


class FlyteIterator(Generic[T]):
    """The items of a list literal, converted one by one as they are read."""

    def __init__(self, items: tuple[LiteralValue, ...], item: TypeTransformer[Any], t: Any) -> None:
        self._items = items
        self._item = item
        self._t = t
        self._next = 0

    def __iter__(self) -> FlyteIterator[T]:
        return self

    def __next__(self) -> T:
        i = self._next
        if i >= len(self._items):
            raise StopIteration
        self._next = i + 1
        try:
            return self._item.decode(self._items[i], self._t)  # type: ignore[no-any-return]
        except ConversionError as e:
            raise e.with_prefix(f"$[{i}]") from None

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"FlyteIterator({len(self._items)} items, {self._next} read)"


class IteratorTransformer(TypeTransformer[Iterator[Any]]):
    """``Iterator[T]``: stored as ``list[T]``; read back as a ``FlyteIterator``."""

    def __init__(self, t: Any, item_t: Any, item: TypeTransformer[Any]) -> None:
        from typesystem._containers import ListTransformer

        self.as_list = ListTransformer(list[item_t], item_t, item)
        super().__init__(f"Iterator[{item.name}]", cabc.Iterator)
        self.item_t = item_t
        self.item = item

    def literal_type(self, t: Any) -> LiteralType:
        return self.as_list.lt

    def encode(self, value: Any, t: Any = None) -> LiteralValue:
        if isinstance(value, str | bytes | dict) or not isinstance(value, cabc.Iterable):
            raise mismatch(self.name, value, "an iterator or iterable of the items")
        return self.as_list.encode(list(value), t)

    def to_literal(self, value: Any, t: Any = None) -> Literal:
        return self.encode(value, t)  # type: ignore[return-value]

    def decode(self, value: LiteralValue, t: Any = None) -> FlyteIterator[Any]:
        if type(value) is not Collection:
            raise bad_literal(self.name, value)
        return FlyteIterator(value.items, self.item, self.item_t)

    def to_python(self, literal: Literal, t: Any = None) -> FlyteIterator[Any]:
        return self.decode(literal, t)

    def matches(self, value: Any, t: Any) -> bool:
        return isinstance(value, cabc.Iterator)


def iterator_factory(t: Any, registry: Any) -> IteratorTransformer:
    (item_t,) = ty.type_args(t)
    return IteratorTransformer(t, item_t, registry.get_transformer(item_t))
