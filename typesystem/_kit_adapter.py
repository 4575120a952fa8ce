"""Adapting a ``TypeTransformer`` subclass written for flytekit to this package's protocol.

flytekit's transformer methods are ``get_literal_type(t)``, ``to_literal(ctx, python_val,
python_type, expected)`` and ``to_python_value(ctx, lv, expected_python_type)``, on
``flytekit.models`` literals (``_kit``'s views). ``adapt`` gives such a class ``literal_type``,
``to_literal(value, t)`` and ``to_python(literal, t)`` that call the user's methods with the
context from ``_kit.current_kit_context()`` and convert views to our literal model. The user's
methods stay callable as flytekit callers call them (``to_literal`` with four arguments returns
what the user's method returns). Classes written for this package are left alone.
"""

from __future__ import annotations

import inspect
from typing import Any

from typesystem import _kit


def _positional(fn: Any) -> int:
    """How many positional parameters ``fn`` takes besides ``self`` (-1: not a function)."""
    if not inspect.isfunction(fn):
        return -1
    params = list(inspect.signature(fn).parameters.values())[1:]
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return sum(1 for p in params if p.kind in kinds)


def adapt(cls: type) -> None:
    d = cls.__dict__
    if "get_literal_type" in d and "literal_type" not in d:
        get_literal_type = d["get_literal_type"]

        def literal_type(self: Any, t: Any) -> Any:
            return _kit.type_to_model(get_literal_type(self, t))

        cls.literal_type = literal_type  # type: ignore[attr-defined]
    if "to_literal" in d and _positional(d["to_literal"]) >= 4:
        user_to_literal = d["to_literal"]

        def to_literal(self: Any, *args: Any) -> Any:
            if len(args) != 2:  # called as flytekit calls it
                return user_to_literal(self, *args)
            value, t = args
            if self.type_assertions_enabled:
                self.assert_type(t, value)
            expected = _kit.type_to_view(self.literal_type(t))
            ctx = _kit.current_kit_context()
            return _kit.to_model(user_to_literal(self, ctx, value, t, expected))

        cls.to_literal = to_literal  # type: ignore[attr-defined]
    if "to_python_value" in d and "to_python" not in d and _positional(d["to_python_value"]) >= 3:
        user_to_python = d["to_python_value"]

        def to_python(self: Any, literal: Any, t: Any) -> Any:
            ctx = _kit.current_kit_context()
            return user_to_python(self, ctx, _kit.to_view(literal), t)

        cls.to_python = to_python  # type: ignore[attr-defined]
