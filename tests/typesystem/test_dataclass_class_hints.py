"""A dataclass whose MRO annotates class attributes that are not fields (a mixin's settings, as
dataclasses_json's ``DataClassJsonMixin`` declares ``dataclass_json_config``) round-trips: the
record holds only the fields, and decoding gives the user's class back, at any depth."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar

import msgpack

import typesystem as ts

REGISTRY = ts.TypeRegistry(plugins=False)


class SettingsMixin:
    """Annotated class attributes, not dataclass fields (the mixin is no dataclass)."""

    mixin_config: dict[str, Any] | None = None
    mixin_flag: bool = True
    counter: ClassVar[int] = 0


@dataclass(frozen=True)
class Point(SettingsMixin):
    x: int
    tags: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Slotted(SettingsMixin):
    z: float


@dataclass
class Shape(SettingsMixin):
    origin: Point
    corners: list[Point]
    label: Point | None = None
    extra: dict[str, Slotted] = field(default_factory=dict)


def _keys(literal: Any) -> set[str]:
    return set(msgpack.unpackb(literal.data, raw=False, strict_map_key=False))


def test_record_holds_only_fields_and_decodes_to_the_class() -> None:
    value = Point(x=3, tags=["a"])
    literal = REGISTRY.to_literal(value, Point)
    assert _keys(literal) == {"x", "tags"}
    back = REGISTRY.to_python(literal, Point)
    assert back == value and type(back) is Point
    with_slots = REGISTRY.to_python(REGISTRY.to_literal(Slotted(z=1.5), Slotted), Slotted)
    assert with_slots == Slotted(z=1.5) and type(with_slots) is Slotted


def test_nested_at_any_depth() -> None:
    value = Shape(
        origin=Point(x=0),
        corners=[Point(x=1, tags=["c"]), Point(x=2)],
        label=Point(x=9),
        extra={"s": Slotted(z=2.0)},
    )
    literal = REGISTRY.to_literal(value, Shape)
    assert _keys(literal) == {f.name for f in dataclasses.fields(Shape)}
    back = REGISTRY.to_python(literal, Shape)
    assert back == value
    assert type(back) is Shape and type(back.origin) is Point
    assert [type(c) for c in back.corners] == [Point, Point]
    assert type(back.extra["s"]) is Slotted


def test_from_a_dict_too() -> None:
    literal = REGISTRY.to_literal({"x": 5}, Point)
    assert REGISTRY.to_python(literal, Point) == Point(x=5)
