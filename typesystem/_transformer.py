"""``TypeTransformer``: the extension point that converts one Python type to literals and back.

A transformer answers four questions about the Python types it handles: what literal type
describes them (``literal_type``), how a value becomes a literal (``to_literal``), how a literal
becomes a value again (``to_python``), and, optionally, which Python type a literal type stands
for (``guess_python_type``).

Transformers that serve a family of types (``list[T]``, dataclasses, enums) are built by
factories once per concrete type; such a *specialised* transformer may ignore the ``t`` argument.

Container transformers call ``encode``/``decode`` on their item transformers: those work on
``LiteralValue`` (bare primitives allowed, see ``_literals``) and by default wrap
``to_literal``/``to_python``. Errors are ``ConversionError`` with paths relative to ``$``; a
container moves them under its own path with ``ConversionError.with_prefix``.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from typesystem._literals import Literal, LiteralValue, Scalar, box, unbox
from typesystem._types import LiteralType
from typesystem._typing import type_name
from typesystem.errors import ConversionError, Issue

T = TypeVar("T")


class TypeTransformer(Generic[T]):
    """Converts values of ``python_type`` to literals and back.

    Subclasses implement ``literal_type``, ``to_literal`` and ``to_python``; ``guess_python_type``
    and ``matches`` are optional. ``name`` identifies the transformer in errors and in the
    registry's record of which plugin registered what.
    """

    def __init__(
        self,
        name: str = "",
        t: Any = None,
        enable_type_assertions: bool = True,
        hash_overridable: bool = False,
    ) -> None:
        """``enable_type_assertions`` and ``hash_overridable`` are flytekit's: the first makes
        ``assert_type`` run before a flytekit-style ``to_literal``; the second is recorded only
        (here any value may carry a ``HashMethod`` hash)."""
        self.name = name or type(self).__name__
        self.python_type = t
        self._type_assertions_enabled = enable_type_assertions
        self.hash_overridable = hash_overridable

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A subclass written for flytekit (``get_literal_type(t)``, ``to_literal(ctx,
        python_val, python_type, expected)``, ``to_python_value(ctx, lv, expected_python_type)``
        on ``flytekit.models`` literals) is adapted to this protocol (``_kit_adapter``)."""
        super().__init_subclass__(**kwargs)
        from typesystem._kit_adapter import adapt

        adapt(cls)

    @property
    def type_assertions_enabled(self) -> bool:
        return getattr(self, "_type_assertions_enabled", True)

    def assert_type(self, t: Any, v: Any) -> None:
        """flytekit's check that ``v`` is a ``t`` (classes only; generics are not checked)."""
        if isinstance(t, type) and not isinstance(v, t):
            raise mismatch(type_name(t), v, f"type assertion of transformer {self.name!r}")

    def literal_type(self, t: Any) -> LiteralType:
        raise NotImplementedError(f"{self.name} does not implement literal_type()")

    def to_literal(self, value: T, t: Any) -> Literal:
        raise NotImplementedError(f"{self.name} does not implement to_literal()")

    def to_python(self, literal: Literal, t: Any) -> T:
        raise NotImplementedError(f"{self.name} does not implement to_python()")

    def guess_python_type(self, literal_type: LiteralType) -> Any:
        """Return the Python type this transformer would use for ``literal_type``.

        Raise ``ValueError`` when the literal type is not one of this transformer's.
        """
        raise ValueError(f"{self.name} cannot guess a Python type for {literal_type!r}")

    def matches(self, value: Any, t: Any) -> bool:
        """Whether ``value`` looks like a value of ``t`` (used to pick a union variant)."""
        cls = self.python_type if isinstance(self.python_type, type) else None
        return cls is not None and isinstance(value, cls)

    def validate(self, value: Any, t: Any) -> None:
        """Raise ``ConversionError`` if ``value`` is not a valid value of ``t``."""
        self.to_literal(value, t)

    # Item-level hooks used by containers; override for speed (primitives stay unboxed).
    def encode(self, value: Any, t: Any) -> LiteralValue:
        return unbox(self.to_literal(value, t))

    def decode(self, value: LiteralValue, t: Any) -> T:
        return self.to_python(box(value), t)

    # Names flytekit and flyte-sdk transformers use.
    def get_literal_type(self, t: Any) -> LiteralType:
        return self.literal_type(t)

    def to_python_value(self, literal: Literal, t: Any) -> T:
        return self.to_python(literal, t)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


def mismatch(expected: str, value: Any, detail: str = "") -> ConversionError:
    """The error for a value of the wrong type at ``$``."""
    return ConversionError([Issue("$", expected, type_name(type(value)), detail)])


def bad_literal(expected: str, literal: Any) -> ConversionError:
    """The error for a literal of the wrong kind at ``$``."""
    got = type(literal).__name__
    if isinstance(literal, Scalar):
        got = f"Scalar({type_name(type(literal.value))})"
    elif not isinstance(literal, Literal):
        got = type_name(type(literal))
    return ConversionError([Issue("$", expected, got, "literal of the wrong kind")])
