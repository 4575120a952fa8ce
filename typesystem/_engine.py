"""``TypeEngine``: flytekit-style class methods over the default registry.

Code written for flytekit (``TypeEngine.to_literal(ctx, value, python_type, expected)``) or for
flyte-sdk (``TypeEngine.to_literal(value, python_type, expected)``) finds the names it knows; the
leading context argument, when present, is accepted and ignored. The methods are synchronous.
New code should use a ``TypeRegistry`` (``typesystem.default_registry()``) directly.
"""

from __future__ import annotations

from typing import Any

from typesystem._literals import Literal
from typesystem._registry import default_registry
from typesystem._transformer import TypeTransformer
from typesystem._types import LiteralType


class TypeEngine:
    """Class-level facade over ``default_registry()``."""

    @classmethod
    def register(
        cls, transformer: TypeTransformer[Any], additional_types: list[Any] | None = None
    ) -> None:
        registry = default_registry()
        registry.register(transformer)
        for t in additional_types or ():
            registry.register(transformer, t)

    @classmethod
    def get_transformer(cls, python_type: Any) -> TypeTransformer[Any]:
        return default_registry().get_transformer(python_type)

    @classmethod
    def to_literal_type(cls, python_type: Any) -> LiteralType:
        return default_registry().literal_type(python_type)

    @classmethod
    def to_literal(cls, *args: Any) -> Literal:
        """``to_literal([ctx,] value, python_type[, expected])``."""
        if len(args) == 4:
            _, value, python_type, _expected = args
        elif len(args) in (2, 3):
            value, python_type = args[0], args[1]
        else:
            raise TypeError("to_literal([ctx,] value, python_type[, expected])")
        return default_registry().to_literal(value, python_type)

    @classmethod
    def to_python_value(cls, *args: Any) -> Any:
        """``to_python_value([ctx,] literal, python_type)``."""
        if len(args) == 3:
            _, literal, python_type = args
        elif len(args) == 2:
            literal, python_type = args
        else:
            raise TypeError("to_python_value([ctx,] literal, python_type)")
        from typesystem import _kit

        if isinstance(literal, _kit.Literal):  # a flytekit.models view
            literal = _kit.to_model(literal)
        return default_registry().to_python(literal, python_type)

    @classmethod
    def guess_python_type(cls, literal_type: LiteralType) -> Any:
        return default_registry().guess_python_type(literal_type)
