"""``record``: the IR's frozen, slotted dataclasses, with a fast constructor.

A ``record`` is ``dataclasses.dataclass(frozen=True, slots=True)`` (so ``dataclasses.fields``,
``dataclasses.replace``, ``match`` and pickling work as for any dataclass) whose generated
``__init__`` is replaced, on first instantiation, by one that stores each field through its slot
descriptor. A frozen dataclass's own ``__init__`` goes through ``object.__setattr__`` by name
for every field; the compiler builds several records per workflow node, so this halves the cost
of building a graph without giving up immutability.

A ``_normalize(cls, values: dict) -> dict`` classmethod, if defined, may rewrite the field values
before they are stored (the place for validation). ``replace``, ``field_names`` and ``is_record``
are small helpers over ``dataclasses``.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")


def _compile_init(cls: Any) -> Any:
    fields = dataclasses.fields(cls)
    ns: dict[str, Any] = {}
    params: list[str] = []
    kwonly: list[str] = []
    for f in fields:
        target = kwonly if f.kw_only else params
        if f.default is not dataclasses.MISSING:
            ns[f"_d_{f.name}"] = f.default
            target.append(f"{f.name}=_d_{f.name}")
        elif f.default_factory is not dataclasses.MISSING:
            ns[f"_f_{f.name}"] = f.default_factory
            ns["_MISSING"] = dataclasses.MISSING
            target.append(f"{f.name}=_MISSING")
        else:
            target.append(f.name)
    signature = ", ".join(["self", *params, *(["*", *kwonly] if kwonly else [])])
    lines = []
    for f in fields:
        if f.default_factory is not dataclasses.MISSING:
            lines.append(f"    if {f.name} is _MISSING: {f.name} = _f_{f.name}()")
    if hasattr(cls, "_normalize"):
        names = ", ".join(f"{f.name!r}: {f.name}" for f in fields)
        lines.append(f"    _v = type(self)._normalize({{{names}}})")
        source = "_v[{name!r}]"
    else:
        source = "{name}"
    for f in fields:
        owner = next(c for c in cls.__mro__ if f.name in c.__dict__.get("__slots__", ()))
        ns[f"_s_{f.name}"] = owner.__dict__[f.name].__set__
        lines.append(f"    _s_{f.name}(self, {source.format(name=f.name)})")
    body = "\n".join(lines) or "    pass"
    src = f"def __init__({signature}):\n{body}\n"
    exec(compile(src, f"<record {cls.__qualname__}>", "exec"), ns)
    init = ns["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _lazy_init(self: Any, *args: Any, **kwargs: Any) -> None:
    cls = type(self)
    owner: Any = next(c for c in cls.__mro__ if c.__dict__.get("__init__") is _lazy_init)
    init = _compile_init(owner)
    owner.__init__ = init
    init(self, *args, **kwargs)


@dataclass_transform(frozen_default=True, eq_default=True)
def record(cls: type[T]) -> type[T]:
    """Make ``cls`` (annotated fields, optional defaults) a frozen, slotted dataclass."""
    new = dataclasses.dataclass(frozen=True, slots=True)(cls)
    setattr(new, "__init__", _lazy_init)  # noqa: B010 - mypy forbids assigning a method
    return new


def field_names(obj: Any) -> tuple[str, ...]:
    """The field names of a record (class or instance), in order."""
    return tuple(f.name for f in dataclasses.fields(obj))


def is_record(obj: Any) -> bool:
    return dataclasses.is_dataclass(obj) and not isinstance(obj, type)


def replace(obj: T, **changes: Any) -> T:
    """A copy of the record ``obj`` with ``changes`` applied."""
    unknown = set(changes) - set(field_names(obj))
    if unknown:
        raise TypeError(f"{type(obj).__name__} has no fields {sorted(unknown)}")
    return dataclasses.replace(obj, **changes)  # type: ignore[type-var]
