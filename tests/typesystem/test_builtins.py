"""Behaviour of the built-in transformers, one rule per test."""

from __future__ import annotations

import datetime as dt
import enum
import typing
import zoneinfo
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Optional, Union

import pytest

import typesystem as ts
from typesystem import (
    CollectionType,
    EnumType,
    MapType,
    Scalar,
    SimpleKind,
    SimpleType,
    StructType,
    TupleType,
    UnionType,
)


@pytest.fixture
def reg() -> ts.TypeRegistry:
    return ts.TypeRegistry(plugins=False)


def rt(reg: ts.TypeRegistry, value: Any, t: Any) -> Any:
    return reg.to_python(reg.to_literal(value, t), t)


class Coffee(enum.Enum):
    ESPRESSO = "espresso"
    AMERICANO = "americano"


class Priority(enum.Enum):
    LOW = 1
    HIGH = 2


class Mode(str, enum.Enum):  # noqa: UP042 - the (str, Enum) spelling users write
    FAST = "fast"
    SLOW = "slow"


@pytest.mark.parametrize(
    ("t", "kind"),
    [
        (int, SimpleKind.INTEGER),
        (float, SimpleKind.FLOAT),
        (str, SimpleKind.STRING),
        (bool, SimpleKind.BOOLEAN),
        (bytes, SimpleKind.BYTES),
        (type(None), SimpleKind.NONE),
        (None, SimpleKind.NONE),
        (dt.datetime, SimpleKind.DATETIME),
        (dt.date, SimpleKind.DATE),
        (dt.timedelta, SimpleKind.DURATION),
    ],
)
def test_scalar_literal_types(reg: ts.TypeRegistry, t: Any, kind: SimpleKind) -> None:
    assert reg.literal_type(t) == SimpleType(kind)


def test_int_literal_is_unboxed_scalar(reg: ts.TypeRegistry) -> None:
    assert reg.to_literal(5, int) == Scalar(5)


def test_bool_is_not_an_int(reg: ts.TypeRegistry) -> None:
    with pytest.raises(ts.ConversionError, match=r"Expected `int`, got `bool` - at `\$`"):
        reg.to_literal(True, int)


def test_int_range_is_int64(reg: ts.TypeRegistry) -> None:
    with pytest.raises(ts.ConversionError, match="int64"):
        reg.to_literal(2**63, int)
    assert rt(reg, 2**63 - 1, int) == 2**63 - 1


def test_float_accepts_int_and_widens(reg: ts.TypeRegistry) -> None:
    out = rt(reg, 3, float)
    assert out == 3.0 and type(out) is float


def test_float_keeps_inf(reg: ts.TypeRegistry) -> None:
    assert rt(reg, float("inf"), float) == float("inf")


def test_str_rejects_int(reg: ts.TypeRegistry) -> None:
    with pytest.raises(ts.ConversionError, match=r"Expected `str`, got `int`"):
        reg.to_literal(1, str)


def test_datetime_keeps_timezone(reg: ts.TypeRegistry) -> None:
    aware = dt.datetime(2024, 3, 10, 1, 30, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
    out = rt(reg, aware, dt.datetime)
    assert out == aware and out.utcoffset() == aware.utcoffset()
    back = ts.from_msgpack(ts.to_msgpack(reg.to_literal(aware, dt.datetime)))
    assert reg.to_python(back, dt.datetime).tzinfo == zoneinfo.ZoneInfo("America/New_York")
    naive = dt.datetime(2024, 1, 1, 12, 0, 0, 123456)
    assert rt(reg, naive, dt.datetime) == naive


def test_date_is_not_a_datetime(reg: ts.TypeRegistry) -> None:
    assert type(rt(reg, dt.date(2024, 1, 2), dt.date)) is dt.date
    with pytest.raises(ts.ConversionError):
        reg.to_literal(dt.datetime(2024, 1, 2), dt.date)


def test_timedelta_is_exact(reg: ts.TypeRegistry) -> None:
    d = dt.timedelta(days=999_999, microseconds=1)
    assert rt(reg, d, dt.timedelta) == d


def test_string_enum_by_value(reg: ts.TypeRegistry) -> None:
    assert reg.literal_type(Coffee) == EnumType(("espresso", "americano"), f"{__name__}.Coffee")
    assert reg.to_literal(Coffee.ESPRESSO, Coffee) == Scalar("espresso")
    assert rt(reg, Coffee.AMERICANO, Coffee) is Coffee.AMERICANO


def test_enum_accepts_value_and_name_on_input(reg: ts.TypeRegistry) -> None:
    assert reg.to_python(Scalar("ESPRESSO"), Coffee) is Coffee.ESPRESSO
    assert reg.to_python(reg.to_literal("americano", Coffee), Coffee) is Coffee.AMERICANO


def test_int_enum(reg: ts.TypeRegistry) -> None:
    assert rt(reg, Priority.HIGH, Priority) is Priority.HIGH
    assert reg.to_literal(Priority.LOW, Priority) == Scalar(1)


def test_str_mixin_enum_is_an_enum(reg: ts.TypeRegistry) -> None:
    assert isinstance(reg.literal_type(Mode), EnumType)
    assert rt(reg, Mode.FAST, Mode) is Mode.FAST


def test_enum_with_float_values_rejected_naming_member(reg: ts.TypeRegistry) -> None:
    class Bad(enum.Enum):
        A = 1.5

    with pytest.raises(ts.TypeResolutionError, match=r"member A = 1.5 of type `float`"):
        reg.literal_type(Bad)


def test_enum_wrong_value(reg: ts.TypeRegistry) -> None:
    with pytest.raises(ts.ConversionError, match=r"one of \['espresso', 'americano'\]"):
        reg.to_literal("latte", Coffee)


def test_typing_literal(reg: ts.TypeRegistry) -> None:
    t = typing.Literal["a", "b"]
    assert reg.literal_type(t) == EnumType(("a", "b"))
    assert rt(reg, "b", t) == "b"
    with pytest.raises(ts.ConversionError, match="Literal"):
        reg.to_literal("c", t)


def test_literal_listing_an_enum_member_is_any_as_in_flyte(reg: ts.TypeRegistry) -> None:
    # flyte-sdk's basics/enum_vals.py passes Coffee-like members a Literal does not list
    t = typing.Literal[Coffee.ESPRESSO, "medium", 3]
    with pytest.warns(ts.PickleFallbackWarning, match="taken as `Any`"):
        lt = reg.literal_type(t)
    assert lt == reg.literal_type(Any)
    assert rt(reg, 3, t) == 3 and rt(reg, "medium", t) == "medium"
    with pytest.warns(ts.PickleFallbackWarning):
        assert rt(reg, Coffee.AMERICANO, t) is Coffee.AMERICANO


def test_list_of_int(reg: ts.TypeRegistry) -> None:
    assert reg.literal_type(list[int]) == CollectionType(SimpleType(SimpleKind.INTEGER))
    assert reg.literal_type(typing.List[int]) == reg.literal_type(list[int])  # noqa: UP006
    assert rt(reg, [1, 2, 3], list[int]) == [1, 2, 3]


def test_list_reports_every_failing_index(reg: ts.TypeRegistry) -> None:
    with pytest.raises(ts.ConversionError) as info:
        reg.to_literal([1, "a", 3, None], list[int])
    assert [i.path for i in info.value.issues] == ["$[1]", "$[3]"]
    assert "2 values do not match their types" in str(info.value)


def test_list_of_float_widens_ints(reg: ts.TypeRegistry) -> None:
    out = rt(reg, [1, 2.5], list[float])
    assert out == [1.0, 2.5] and all(type(x) is float for x in out)


def test_dict_str_keys(reg: ts.TypeRegistry) -> None:
    assert reg.literal_type(dict[str, float]) == MapType(SimpleType(SimpleKind.FLOAT))
    assert rt(reg, {"a": 1.0, "b": 2}, dict[str, float]) == {"a": 1.0, "b": 2.0}


def test_dict_int_keys(reg: ts.TypeRegistry) -> None:
    assert rt(reg, {1: "a", 2: "b"}, dict[int, str]) == {1: "a", 2: "b"}


def test_dict_key_error_path(reg: ts.TypeRegistry) -> None:
    with pytest.raises(ts.ConversionError, match=r"at `\$\['b'\]`"):
        reg.to_literal({"a": 1, "b": "x"}, dict[str, int])


def test_dict_with_unsupported_key_type(reg: ts.TypeRegistry) -> None:
    with pytest.raises(ts.TypeResolutionError, match="dict keys must be a scalar type"):
        reg.literal_type(dict[tuple[int, int], str])


def test_untyped_dict_keeps_ints(reg: ts.TypeRegistry) -> None:
    value = {"a": 1, "b": [1, 2.0, {"c": None}], 3: "int key"}
    out = rt(reg, value, dict)
    assert out == value and type(out["a"]) is int


def test_bare_typing_dict_and_list_are_the_untyped_builtins(reg: ts.TypeRegistry) -> None:
    # flytekit programs annotate `-> typing.Dict` for an untyped dict
    assert reg.literal_type(typing.Dict) == reg.literal_type(dict)  # noqa: UP006
    assert reg.literal_type(typing.List) == reg.literal_type(list)  # noqa: UP006
    assert rt(reg, {"k": [1, 2]}, typing.Dict) == {"k": [1, 2]}  # noqa: UP006
    assert rt(reg, [1, "a"], typing.List) == [1, "a"]  # noqa: UP006


def test_untyped_dict_with_unserialisable_value(reg: ts.TypeRegistry) -> None:
    with pytest.raises(ts.ConversionError, match="annotate the type"):
        reg.to_literal({"a": object()}, dict)


def test_optional(reg: ts.TypeRegistry) -> None:
    t = Optional[int]  # noqa: UP045
    assert isinstance(reg.literal_type(t), UnionType)
    assert rt(reg, None, t) is None
    assert rt(reg, 3, t) == 3
    assert reg.literal_type(int | None) == reg.literal_type(t)


def test_none_rejected_for_non_optional(reg: ts.TypeRegistry) -> None:
    with pytest.raises(ts.ConversionError, match=r"Expected `int`, got `None`"):
        reg.to_literal(None, int)


def test_union_prefers_exact_type(reg: ts.TypeRegistry) -> None:
    t = Union[float, int]  # noqa: UP007
    assert reg.to_literal(3, t).variant == "int"  # type: ignore[attr-defined]
    assert reg.to_literal(3.0, t).variant == "float"  # type: ignore[attr-defined]
    assert type(rt(reg, 3, t)) is int


def test_union_falls_back_to_structure(reg: ts.TypeRegistry) -> None:
    t = Union[list[int], list[str]]  # noqa: UP007
    assert rt(reg, ["a"], t) == ["a"]
    assert reg.to_literal(["a"], t).variant == "list[str]"  # type: ignore[attr-defined]


def test_union_error_lists_variants(reg: ts.TypeRegistry) -> None:
    with pytest.raises(ts.ConversionError) as info:
        reg.to_literal(1.5, int | str)
    text = str(info.value)
    assert "Expected `int | str`, got `float`" in text
    assert "as `int`" in text and "as `str`" in text


def test_ambiguous_union_rejected_naming_both(reg: ts.TypeRegistry) -> None:
    def make() -> type:
        @dataclass
        class Twin:
            x: int

        return Twin

    a, b = make(), make()
    with pytest.raises(ts.AmbiguousUnionError, match=r"variants `.*Twin` and `.*Twin`"):
        reg.literal_type(Union[a, b])  # type: ignore[valid-type]  # noqa: UP007


def test_tuple_fixed(reg: ts.TypeRegistry) -> None:
    t = tuple[int, str]
    assert reg.literal_type(t) == TupleType(
        (SimpleType(SimpleKind.INTEGER), SimpleType(SimpleKind.STRING))
    )
    assert rt(reg, (1, "a"), t) == (1, "a")
    with pytest.raises(ts.ConversionError, match="expected 2 items, got 3"):
        reg.to_literal((1, "a", 2), t)


def test_tuple_variadic(reg: ts.TypeRegistry) -> None:
    assert rt(reg, (1, 2, 3), tuple[int, ...]) == (1, 2, 3)


class Point(NamedTuple):
    x: float
    y: float


def test_namedtuple(reg: ts.TypeRegistry) -> None:
    lt = reg.literal_type(Point)
    assert isinstance(lt, TupleType) and lt.names == ("x", "y")
    out = rt(reg, Point(1.0, 2.0), Point)
    assert out == Point(1.0, 2.0) and type(out) is Point
    with pytest.raises(ts.ConversionError, match=r"at `\$.y`"):
        reg.to_literal(Point(1.0, "no"), Point)  # type: ignore[arg-type]


@dataclass
class Inner:
    name: str
    weights: list[float] = field(default_factory=list)


@dataclass
class Outer:
    id: int
    coffee: Coffee
    inner: Inner
    inners: list[Inner]
    lookup: dict[int, str] = field(default_factory=dict)
    parent: Optional[Outer] = None  # noqa: UP045 - forward reference on purpose
    when: Optional[dt.datetime] = None  # noqa: UP045


def test_dataclass_literal_type_lists_fields(reg: ts.TypeRegistry) -> None:
    lt = reg.literal_type(Outer)
    assert isinstance(lt, StructType)
    assert [f.name for f in lt.fields] == [
        "id", "coffee", "inner", "inners", "lookup", "parent", "when",
    ]  # fmt: skip
    assert [f.required for f in lt.fields] == [True, True, True, True, False, False, False]


def test_dataclass_round_trip_nested_and_recursive(reg: ts.TypeRegistry) -> None:
    value = Outer(
        1,
        Coffee.ESPRESSO,
        Inner("a", [1.0]),
        [Inner("b"), Inner("c", [2.5])],
        {1: "one"},
        parent=Outer(2, Coffee.AMERICANO, Inner("p"), []),
        when=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    )
    assert rt(reg, value, Outer) == value


def test_dataclass_accepts_dict(reg: ts.TypeRegistry) -> None:
    out = rt(reg, {"name": "x", "weights": [1, 2]}, Inner)
    assert out == Inner("x", [1.0, 2.0])


def test_dataclass_reports_every_failing_field(reg: ts.TypeRegistry) -> None:
    bad = Outer("x", "latte", Inner(3), [Inner("ok"), Inner("b", ["w"])])  # type: ignore[arg-type]
    with pytest.raises(ts.ConversionError) as info:
        reg.to_literal(bad, Outer)
    assert [str(i) for i in info.value.issues] == [
        "Expected `int`, got `str` - at `$.id`",
        f"Expected `{__name__}.Coffee`, got `str` - at `$.coffee` "
        "(one of ['espresso', 'americano'])",
        "Expected `str`, got `int` - at `$.inner.name`",
        "Expected `float`, got `str` - at `$.inners[1].weights[0]`",
    ]


def test_dataclass_value_is_not_mutated(reg: ts.TypeRegistry) -> None:
    import numpy as np

    value = Inner("x", [np.float64(1.5)])  # type: ignore[list-item]
    literal = reg.to_literal(value, Inner)
    assert type(value.weights[0]) is np.float64
    assert type(reg.to_python(literal, Inner).weights[0]) is float


def test_frozen_dataclass(reg: ts.TypeRegistry) -> None:
    @dataclass(frozen=True)
    class Frozen:
        a: int
        b: tuple[int, str]

    assert rt(reg, Frozen(1, (2, "x")), Frozen) == Frozen(1, (2, "x"))


def test_bytes(reg: ts.TypeRegistry) -> None:
    assert rt(reg, b"\x00\x01", bytes) == b"\x00\x01"
    assert rt(reg, bytearray(b"ab"), bytes) == b"ab"


def test_numpy_scalars_are_accepted(reg: ts.TypeRegistry) -> None:
    import numpy as np

    assert rt(reg, np.int64(3), int) == 3
    assert type(rt(reg, np.float32(1.5), float)) is float
