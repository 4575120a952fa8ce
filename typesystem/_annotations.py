"""``Annotated`` metadata the type system understands itself: ``HashMethod``.

``Annotated[T, HashMethod(fn)]`` converts values like ``T`` and sets ``Literal.hash = fn(value)``,
so cache keys use the hash instead of the content (for data that is offloaded or expensive to
hash, e.g. dataframes). Other metadata is offered to the transformer of ``T`` through its optional
``with_annotations(meta)`` hook (the dataframe transformer reads columns and formats there) and is
otherwise ignored.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from typesystem._literals import Literal, LiteralValue
from typesystem._transformer import TypeTransformer
from typesystem._types import LiteralType


class HashMethod:
    """``Annotated[T, HashMethod(fn)]``: ``fn(value) -> str`` becomes the literal's hash."""

    def __init__(self, function: Callable[[Any], str]) -> None:
        self.function = function

    def calculate(self, value: Any) -> str:
        return str(self.function(value))

    def __repr__(self) -> str:
        return f"HashMethod({getattr(self.function, '__qualname__', self.function)!r})"


class HashingTransformer(TypeTransformer[Any]):
    """Wraps another transformer and stamps each literal with ``HashMethod``'s hash."""

    def __init__(self, inner: TypeTransformer[Any], method: HashMethod, base: Any) -> None:
        super().__init__(inner.name, inner.python_type)
        self.inner = inner
        self.method = method
        self.base = base

    def literal_type(self, t: Any) -> LiteralType:
        return self.inner.literal_type(self.base)

    def to_literal(self, value: Any, t: Any) -> Literal:
        literal = self.inner.to_literal(value, self.base)
        return dataclasses.replace(literal, hash=self.method.calculate(value))

    def encode(self, value: Any, t: Any) -> LiteralValue:
        return self.to_literal(value, t)

    def to_python(self, literal: Literal, t: Any) -> Any:
        return self.inner.to_python(literal, self.base)

    def decode(self, value: LiteralValue, t: Any) -> Any:
        return self.inner.decode(value, self.base)

    def matches(self, value: Any, t: Any) -> bool:
        return self.inner.matches(value, self.base)

    def guess_python_type(self, literal_type: LiteralType) -> Any:
        return self.inner.guess_python_type(literal_type)
