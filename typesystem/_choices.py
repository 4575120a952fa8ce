"""Transformers for closed choices and alternatives: ``Enum``, ``typing.Literal`` and unions.

Union variant selection is deterministic: variants whose class is exactly the value's type are
tried first, then those the value is an instance of, then the rest by structure, each group in
declaration order; the first that converts wins. Every union value stores the name of its variant,
so decoding never guesses. Two variants that would be stored under the same name are rejected
when the union is first resolved (``AmbiguousUnionError``), naming both.
"""

from __future__ import annotations

import enum
from typing import Any, get_origin

from typesystem._literals import Literal, LiteralValue, Scalar, UnionValue
from typesystem._render import render
from typesystem._transformer import TypeTransformer, bad_literal, mismatch
from typesystem._types import EnumType, LiteralType, UnionType, UnionVariant
from typesystem._typing import NoneType, qualified_name, strip_annotated, type_name
from typesystem.errors import AmbiguousUnionError, ConversionError, Issue, TypeResolutionError


class EnumTransformer(TypeTransformer[enum.Enum]):
    """``enum.Enum`` with str or int values, stored by value; names are accepted on input."""

    def __init__(self, t: type[enum.Enum]) -> None:
        super().__init__(qualified_name(t), t)
        self.cls = t
        values = tuple(m.value for m in t)
        for member in t:
            if isinstance(member.value, bool) or not isinstance(member.value, str | int):
                raise TypeResolutionError(
                    f"Enum `{qualified_name(t)}` has member {member.name} = {member.value!r} "
                    f"of type `{type(member.value).__name__}`; only str and int values are "
                    "supported. Give every member a str (or int) value.",
                    t,
                )
        self.lt = EnumType(values, qualified_name(t))
        self._by_value = {m.value: m for m in t}

    def literal_type(self, t: Any) -> LiteralType:
        return self.lt

    def encode(self, value: Any, t: Any = None) -> Any:
        if isinstance(value, self.cls):
            return value.value
        if isinstance(value, str | int) and not isinstance(value, bool):
            member = self._by_value.get(value)
            if member is None and isinstance(value, str):
                member = self.cls.__members__.get(value)
            if member is not None:
                return member.value
        raise mismatch(self.lt.name, value, f"one of {list(self._by_value)}")

    def to_literal(self, value: Any, t: Any = None) -> Literal:
        return Scalar(self.encode(value, t))

    def decode(self, value: LiteralValue, t: Any = None) -> enum.Enum:
        raw = value.value if type(value) is Scalar else value
        member = self._by_value.get(raw) if isinstance(raw, str | int) else None
        if member is None and isinstance(raw, str):
            member = self.cls.__members__.get(raw)
        if member is None:
            raise ConversionError(
                [Issue("$", self.lt.name, repr(raw), f"one of {list(self._by_value)}")]
            )
        return member

    def to_python(self, literal: Literal, t: Any = None) -> enum.Enum:
        return self.decode(literal, t)

    def matches(self, value: Any, t: Any) -> bool:
        return isinstance(value, self.cls)

    def guess_python_type(self, literal_type: LiteralType) -> Any:
        if literal_type == self.lt:
            return self.cls
        raise ValueError("not this enum")


class LiteralChoiceTransformer(TypeTransformer[Any]):
    """``typing.Literal["a", "b"]``: one of the listed str/int/bool values."""

    def __init__(self, t: Any, values: tuple[Any, ...]) -> None:
        super().__init__(type_name(t), t)
        for v in values:
            if not isinstance(v, str | int):
                raise TypeResolutionError(
                    f"`{type_name(t)}` lists {v!r}; only str, int and bool values are supported.",
                    t,
                )
        self.values = values
        self._allowed = {(type(v), v) for v in values}
        self.lt = EnumType(values)

    def literal_type(self, t: Any) -> LiteralType:
        return self.lt

    def encode(self, value: Any, t: Any = None) -> Any:
        if (type(value), value) in self._allowed:
            return value
        raise ConversionError([Issue("$", render(self.lt), repr(value))])

    def to_literal(self, value: Any, t: Any = None) -> Literal:
        return Scalar(self.encode(value, t))

    def decode(self, value: LiteralValue, t: Any = None) -> Any:
        raw = value.value if type(value) is Scalar else value
        try:
            if (type(raw), raw) in self._allowed:
                return raw
        except TypeError:  # an unhashable literal (a Map) is not one of the choices
            pass
        raise ConversionError([Issue("$", render(self.lt), repr(raw)[:80])])

    def to_python(self, literal: Literal, t: Any = None) -> Any:
        return self.decode(literal, t)

    def matches(self, value: Any, t: Any) -> bool:
        return (type(value), value) in self._allowed


def _runtime_class(t: Any) -> type | None:
    base, _ = strip_annotated(t)
    if base is None or base is NoneType:
        return NoneType
    origin = get_origin(base)
    if isinstance(origin, type):
        return origin
    return base if isinstance(base, type) else None


class UnionTransformer(TypeTransformer[Any]):
    """``Union[...]``/``Optional[T]``/``A | B``: a ``UnionValue`` naming its variant."""

    def __init__(self, t: Any, variants: list[tuple[Any, TypeTransformer[Any]]]) -> None:
        super().__init__(type_name(t), t)
        self.variants = variants
        names: dict[str, Any] = {}
        built: list[UnionVariant] = []
        for vt, tr in variants:
            lt = tr.literal_type(vt)
            name = render(lt)
            if name in names:
                raise AmbiguousUnionError(
                    f"Union `{type_name(t)}` is ambiguous: variants `{type_name(names[name])}` "
                    f"and `{type_name(vt)}` would both be stored as `{name}`, so a stored value "
                    "could not be told apart. Remove one of them or give them distinct types.",
                    t,
                )
            names[name] = vt
            built.append(UnionVariant(name, lt))
        self.lt = UnionType(tuple(built))
        self.label = render(self.lt)
        self._names = [v.name for v in built]
        self._classes = [_runtime_class(vt) for vt, _ in variants]
        self._by_name = {v.name: i for i, v in enumerate(built)}
        self._none = next((i for i, c in enumerate(self._classes) if c is NoneType), None)

    def literal_type(self, t: Any) -> LiteralType:
        return self.lt

    def _order(self, value: Any) -> list[int]:
        tv = type(value)
        exact = [i for i, c in enumerate(self._classes) if c is tv]
        inst = [
            i
            for i, c in enumerate(self._classes)
            if c is not None and c is not tv and isinstance(value, c)
        ]
        rest = [i for i in range(len(self.variants)) if i not in exact and i not in inst]
        return exact + inst + rest

    def encode(self, value: Any, t: Any = None) -> LiteralValue:
        if value is None and self._none is not None:
            return UnionValue(self._names[self._none], None)
        failures: list[str] = []
        for i in self._order(value):
            vt, tr = self.variants[i]
            if self._classes[i] is NoneType:
                continue
            try:
                return UnionValue(self._names[i], tr.encode(value, vt))
            except ConversionError as e:
                failures.append(f"as `{self._names[i]}`: {e.issues[0]}")
        detail = "no variant accepts it: " + "; ".join(failures)
        raise ConversionError([Issue("$", self.label, type_name(type(value)), detail)])

    def to_literal(self, value: Any, t: Any = None) -> Literal:
        return self.encode(value, t)  # type: ignore[return-value]

    def decode(self, value: LiteralValue, t: Any = None) -> Any:
        if type(value) is UnionValue:
            i = self._by_name.get(value.variant)
            if i is None:
                raise ConversionError(
                    [Issue("$", self.label, f"variant `{value.variant}`", "unknown variant")]
                )
            vt, tr = self.variants[i]
            return tr.decode(value.value, vt)
        # A plain literal (e.g. written for a non-union type): accept the first variant that reads it.
        is_none = value is None or (type(value) is Scalar and value.value is None)
        if is_none and self._none is not None:
            return None
        for vt, tr in self.variants:
            try:
                return tr.decode(value, vt)
            except ConversionError:
                continue
        raise bad_literal(self.label, value)

    def to_python(self, literal: Literal, t: Any = None) -> Any:
        return self.decode(literal, t)

    def matches(self, value: Any, t: Any) -> bool:
        return any(tr.matches(value, vt) for vt, tr in self.variants)
