"""All ``typing`` introspection in one place, as named predicates.

Nothing else in the package calls ``get_origin``/``get_args`` or inspects ``Annotated`` directly,
so version differences and the spellings of one idea (``List[int]``/``list[int]``,
``Optional[X]``/``X | None``) are handled here once.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import enum
import sys
import types
import typing
from typing import Any, get_args, get_origin

NoneType = type(None)


def strip_annotated(t: Any) -> tuple[Any, tuple[Any, ...]]:
    """Split ``Annotated[T, *meta]`` into ``(T, meta)``; other types give ``(t, ())``."""
    if get_origin(t) is typing.Annotated:
        base, *meta = get_args(t)
        inner, more = strip_annotated(base)
        return inner, (*more, *meta)
    return t, ()


def is_union(t: Any) -> bool:
    origin = get_origin(t)
    return origin is typing.Union or origin is types.UnionType


def union_args(t: Any) -> tuple[Any, ...]:
    return get_args(t)


def is_optional(t: Any) -> bool:
    return is_union(t) and NoneType in get_args(t)


def is_literal(t: Any) -> bool:
    return get_origin(t) is typing.Literal


def literal_values(t: Any) -> tuple[Any, ...]:
    return get_args(t)


def is_enum(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, enum.Enum)


def is_list(t: Any) -> bool:
    return t is list or get_origin(t) is list


def is_dict(t: Any) -> bool:
    return t is dict or get_origin(t) is dict


def is_tuple(t: Any) -> bool:
    return t is tuple or get_origin(t) is tuple


def is_namedtuple(t: Any) -> bool:
    return (
        isinstance(t, type)
        and issubclass(t, tuple)
        and hasattr(t, "_fields")
        and hasattr(t, "__annotations__")
    )


def is_dataclass_type(t: Any) -> bool:
    return isinstance(t, type) and dataclasses.is_dataclass(t)


def is_pydantic_model(t: Any) -> bool:
    """True for pydantic v2 models; never imports pydantic itself."""
    module = sys.modules.get("pydantic")
    if module is None or not isinstance(t, type):
        return False
    return issubclass(t, module.BaseModel)


def is_typeddict(t: Any) -> bool:
    """``typing.TypedDict`` and ``typing_extensions.TypedDict`` classes."""
    if not isinstance(t, type) or not issubclass(t, dict):
        return False
    import typing_extensions

    return typing.is_typeddict(t) or typing_extensions.is_typeddict(t)


def typeddict_fields(t: type) -> list[tuple[str, Any, bool]]:
    """``(key, type, required)`` per key of a TypedDict (``NotRequired``/``Required``/``total``
    decide ``required``; the types are resolved, without those markers)."""
    import typing_extensions

    hints = typing.get_type_hints(t)
    marked = typing.get_type_hints(t, include_extras=True)
    # (a class under ``from __future__ import annotations`` on Python < 3.12 reads the markers
    # in its string annotations too late: its ``__required_keys__`` follows ``total`` only)
    required = getattr(t, "__required_keys__", frozenset(hints))
    not_required = {typing_extensions.NotRequired, getattr(typing, "NotRequired", None)}
    is_required = {typing_extensions.Required, getattr(typing, "Required", None)}

    def required_key(name: str) -> bool:
        origin = get_origin(strip_annotated(marked[name])[0])
        if origin in not_required:
            return False
        return origin in is_required or name in required

    return [(name, hint, required_key(name)) for name, hint in hints.items()]


def is_callable(t: Any) -> bool:
    """``Callable``/``Callable[[A], R]`` (from ``typing`` or ``collections.abc``)."""
    base, _ = strip_annotated(t)
    return base is collections.abc.Callable or get_origin(base) is collections.abc.Callable


def type_args(t: Any) -> tuple[Any, ...]:
    return get_args(t)


def namedtuple_fields(t: type) -> list[tuple[str, Any]]:
    hints = typing.get_type_hints(t)
    return [(name, hints[name]) for name in t._fields]  # type: ignore[attr-defined]


def dataclass_fields(t: type) -> list[tuple[dataclasses.Field[Any], Any]]:
    """Fields with resolved annotations (forward references resolved in the class's module)."""
    hints = typing.get_type_hints(t, include_extras=True)
    return [(f, hints[f.name]) for f in dataclasses.fields(t) if f.init or f.name in hints]


def type_name(t: Any) -> str:
    """A short, readable name for a Python type, as used in error messages."""
    if t is NoneType or t is None:
        return "None"
    base, meta = strip_annotated(t)
    if meta:
        return type_name(base)
    if is_union(t):
        return " | ".join(type_name(a) for a in get_args(t))
    origin = get_origin(t)
    if origin is typing.Literal:
        return "Literal[" + ", ".join(repr(v) for v in get_args(t)) + "]"
    if origin is not None:
        args = get_args(t)
        name = getattr(origin, "__name__", repr(origin))
        if not args:
            return str(name)
        return f"{name}[{', '.join(_arg_name(a) for a in args)}]"
    if isinstance(t, type):
        return t.__qualname__
    return repr(t)


def _arg_name(a: Any) -> str:
    if a is Ellipsis:
        return "..."
    if isinstance(a, list):  # the parameter list of Callable[[A, B], R]
        return "[" + ", ".join(_arg_name(x) for x in a) + "]"
    return type_name(a)


def qualified_name(t: Any) -> str:
    """``module.qualname`` of a class (``builtins`` omitted)."""
    module = getattr(t, "__module__", "")
    qualname = getattr(t, "__qualname__", repr(t))
    return qualname if module in ("builtins", "") else f"{module}.{qualname}"
