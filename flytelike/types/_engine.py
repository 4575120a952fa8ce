"""flyte 2's ``flyte.types.TypeEngine``: ``to_literal`` and ``to_python_value`` are coroutines.

flyte 2 programs and their tests write ``lit = await TypeEngine.to_literal(value, python_type,
expected)`` and ``await TypeEngine.to_python_value(lit, python_type)``. flytekit's spelling (and
``typesystem.TypeEngine``, which ``flytelike.extend`` and ``flytelike.core.type_engine`` give)
is synchronous; this subclass makes those two awaitable and keeps the rest
(``to_literal_type``, ``get_transformer``, ``register``, ``guess_python_type``) as they are.
The literals are typesystem's, not flyte's protobuf messages.
"""

from __future__ import annotations

from typing import Any

from typesystem import Literal
from typesystem import TypeEngine as _Engine


class TypeEngine(_Engine):
    """``flyte.types.TypeEngine`` (see the module docstring)."""

    @classmethod
    async def to_literal(  # type: ignore[override]
        cls, python_val: Any, python_type: Any, expected: Any = None
    ) -> Literal:
        """``await TypeEngine.to_literal(python_val, python_type[, expected])``: flyte 2's
        parameter names, positional or by keyword."""
        return _Engine.to_literal(python_val, python_type, expected)

    @classmethod
    async def to_python_value(cls, lv: Any, expected_python_type: Any) -> Any:
        """``await TypeEngine.to_python_value(lv, expected_python_type)``."""
        return _Engine.to_python_value(lv, expected_python_type)
