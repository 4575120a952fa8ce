"""A type plugin for tests: ``PositiveInt`` and its transformer, registered by entry point."""

from __future__ import annotations

from typing import Any

from typesystem import (
    ConversionError,
    Issue,
    Literal,
    LiteralType,
    Scalar,
    SimpleKind,
    SimpleType,
    TypeRegistry,
    TypeTransformer,
)

CALLS: list[int] = []


class PositiveInt:
    """A wrapper type that only accepts positive integers."""

    def __init__(self, value: int) -> None:
        if not isinstance(value, int) or value <= 0:
            raise ValueError(f"Expected positive integer, got {value!r}")
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PositiveInt) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return f"PositiveInt({self.value})"


class PositiveIntTransformer(TypeTransformer[PositiveInt]):
    LT = SimpleType(SimpleKind.INTEGER, tag="PositiveInt")

    def __init__(self) -> None:
        super().__init__("PositiveInt", PositiveInt)

    def literal_type(self, t: Any) -> LiteralType:
        return self.LT

    def to_literal(self, value: PositiveInt, t: Any) -> Literal:
        if not isinstance(value, PositiveInt):
            raise ConversionError([Issue("$", "PositiveInt", type(value).__name__)])
        return Scalar(value.value)

    def to_python(self, literal: Literal, t: Any) -> PositiveInt:
        if not isinstance(literal, Scalar) or not isinstance(literal.value, int):
            raise ConversionError([Issue("$", "PositiveInt", repr(literal))])
        return PositiveInt(literal.value)

    def guess_python_type(self, literal_type: LiteralType) -> Any:
        if literal_type == self.LT:
            return PositiveInt
        raise ValueError("not a PositiveInt")


def register(registry: TypeRegistry) -> None:
    CALLS.append(1)
    registry.register(PositiveIntTransformer())


class Unregistered:
    pass


def register_raises(registry: TypeRegistry) -> None:
    # Registers something, then fails: the registry must roll the registration back.
    class _Half(PositiveIntTransformer):
        def __init__(self) -> None:
            TypeTransformer.__init__(self, "Half", Unregistered)

    registry.register(_Half())
    raise RuntimeError("boom while registering")
