"""The registry: precedence, caching, copies, registration checks, fallback."""

from __future__ import annotations

import dataclasses
import enum
import io
import threading
import typing
from collections.abc import Generator, Iterator
from typing import Annotated, Any

import pytest

import typesystem as ts
from typesystem import Literal, LiteralType, Scalar, SimpleKind, SimpleType


class Celsius:
    def __init__(self, degrees: float) -> None:
        self.degrees = degrees

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Celsius) and other.degrees == self.degrees


class CelsiusTransformer(ts.TypeTransformer[Celsius]):
    LT = SimpleType(SimpleKind.FLOAT, tag="Celsius")

    def __init__(self) -> None:
        super().__init__("Celsius", Celsius)

    def literal_type(self, t: Any) -> LiteralType:
        return self.LT

    def to_literal(self, value: Celsius, t: Any) -> Literal:
        return Scalar(float(value.degrees))

    def to_python(self, literal: Literal, t: Any) -> Celsius:
        assert isinstance(literal, Scalar) and isinstance(literal.value, float)
        return Celsius(literal.value)

    def guess_python_type(self, literal_type: LiteralType) -> Any:
        if literal_type == self.LT:
            return Celsius
        raise ValueError


@pytest.fixture
def reg() -> ts.TypeRegistry:
    return ts.TypeRegistry(plugins=False)


def test_custom_transformer_round_trip(reg: ts.TypeRegistry) -> None:
    reg.register(CelsiusTransformer())
    assert reg.literal_type(Celsius) == CelsiusTransformer.LT
    assert reg.to_python(reg.to_literal(Celsius(21.5), Celsius), Celsius) == Celsius(21.5)
    assert reg.guess_python_type(CelsiusTransformer.LT) is Celsius


def test_custom_type_inside_containers_and_dataclasses(reg: ts.TypeRegistry) -> None:
    reg.register(CelsiusTransformer())

    @dataclasses.dataclass
    class Reading:
        where: str
        temps: list[Celsius]

    value = {"k": Reading("lab", [Celsius(1.0), Celsius(2.0)])}
    t = dict[str, Reading]
    assert reg.to_python(reg.to_literal(value, t), t) == value


def test_registration_clears_the_cache(reg: ts.TypeRegistry) -> None:
    with pytest.warns(ts.PickleFallbackWarning):
        assert reg.literal_type(Celsius) == ts.BinaryType("cloudpickle", f"{__name__}.Celsius")
    reg.register(CelsiusTransformer())
    assert reg.literal_type(Celsius) == CelsiusTransformer.LT


def test_lookups_are_cached(reg: ts.TypeRegistry) -> None:
    assert reg.get_transformer(list[int]) is reg.get_transformer(list[int])


def test_exact_registration_beats_factories(reg: ts.TypeRegistry) -> None:
    @dataclasses.dataclass
    class Special:
        x: int

    class SpecialTransformer(CelsiusTransformer):
        def __init__(self) -> None:
            ts.TypeTransformer.__init__(self, "Special", Special)

    reg.register(SpecialTransformer())
    assert reg.literal_type(Special) == CelsiusTransformer.LT


def test_newest_factory_wins(reg: ts.TypeRegistry) -> None:
    class Color(enum.Enum):
        RED = "red"

    reg.register_factory(
        lambda t: t is Color, lambda t, r: r.get_transformer(str), name="color-as-str"
    )
    assert reg.literal_type(Color) == SimpleType(SimpleKind.STRING)


def test_subclass_of_registered_class_uses_it(reg: ts.TypeRegistry) -> None:
    class Kelvinish(Celsius):
        pass

    reg.register(CelsiusTransformer())
    assert reg.literal_type(Kelvinish) == CelsiusTransformer.LT


def test_transformer_in_annotated_wins(reg: ts.TypeRegistry) -> None:
    t = Annotated[Celsius, CelsiusTransformer()]
    assert reg.literal_type(t) == CelsiusTransformer.LT


def test_unknown_annotated_metadata_is_ignored(reg: ts.TypeRegistry) -> None:
    assert reg.literal_type(Annotated[int, "docs", {"unhashable": []}]) == SimpleType(
        SimpleKind.INTEGER
    )


def test_hash_method_sets_the_literal_hash(reg: ts.TypeRegistry) -> None:
    t = Annotated[list[int], ts.HashMethod(lambda v: f"len{len(v)}")]
    a = reg.to_literal([1, 2], t)
    b = reg.to_literal([3, 4], t)
    assert a.hash == "len2" and ts.digest(a) == ts.digest(b)
    assert reg.to_python(a, t) == [1, 2]


def test_copy_is_independent(reg: ts.TypeRegistry) -> None:
    other = reg.copy()
    other.register(CelsiusTransformer())
    assert other.literal_type(Celsius) == CelsiusTransformer.LT
    with pytest.warns(ts.PickleFallbackWarning):
        reg.literal_type(Celsius)


def test_register_rejects_non_transformers(reg: ts.TypeRegistry) -> None:
    with pytest.raises(ts.RegistrationError, match="is not a TypeTransformer"):
        reg.register(object(), int)  # type: ignore[arg-type]


def test_register_rejects_incomplete_transformers(reg: ts.TypeRegistry) -> None:
    class Half(ts.TypeTransformer[int]):
        def literal_type(self, t: Any) -> LiteralType:
            return SimpleType(SimpleKind.INTEGER)

    with pytest.raises(ts.RegistrationError, match=r"does not implement to_literal\(\)"):
        reg.register(Half("half", int))


def test_register_requires_a_type(reg: ts.TypeRegistry) -> None:
    nameless = CelsiusTransformer()
    nameless.python_type = None
    with pytest.raises(ts.RegistrationError, match="names no Python type"):
        reg.register(nameless)


def test_pickle_fallback_warns_naming_the_type(reg: ts.TypeRegistry) -> None:
    with pytest.warns(ts.PickleFallbackWarning, match=r"`.*Celsius` has no type transformer"):
        literal = reg.to_literal(Celsius(3.0), Celsius)
    assert isinstance(literal, ts.Binary) and literal.tag == "cloudpickle"
    assert reg.to_python(literal, Celsius) == Celsius(3.0)


def test_strict_mode_refuses_pickle() -> None:
    strict = ts.TypeRegistry(plugins=False, strict=True)
    with pytest.raises(ts.UnsupportedTypeError, match="strict mode refuses"):
        strict.literal_type(Celsius)


# (``Iterator[T]`` with its item type is a value: test_iterators_and_pickles)
@pytest.mark.parametrize(
    "t", [Iterator, typing.Iterator, Generator[int, None, None], type(threading.Lock()), io.BytesIO]
)
def test_restricted_types(reg: ts.TypeRegistry, t: Any) -> None:
    with pytest.raises(ts.UnsupportedTypeError, match="cannot be a task input or output"):
        reg.literal_type(t)


def test_empty_registry_has_no_builtins() -> None:
    empty = ts.TypeRegistry(builtins=False, plugins=False)
    with pytest.warns(ts.PickleFallbackWarning):
        empty.literal_type(int)


def test_type_engine_facade() -> None:
    lit = ts.TypeEngine.to_literal(None, 3, int, ts.TypeEngine.to_literal_type(int))
    assert ts.TypeEngine.to_python_value(None, lit, int) == 3
    assert ts.TypeEngine.to_python_value(ts.TypeEngine.to_literal(3, int), int) == 3
    assert ts.TypeEngine.guess_python_type(SimpleType(SimpleKind.INTEGER)) is int


def test_guess_python_type_synthesises_records(reg: ts.TypeRegistry) -> None:
    lt = ts.StructType(
        "other.Record",
        (
            ts.StructField("a", SimpleType(SimpleKind.INTEGER)),
            ts.StructField("b", ts.CollectionType(SimpleType(SimpleKind.STRING)), False),
        ),
    )
    cls = reg.guess_python_type(lt)
    assert dataclasses.is_dataclass(cls) and cls.__name__ == "Record"
    assert reg.to_python(reg.to_literal(cls(1, ["x"]), cls), cls) == cls(1, ["x"])


def test_the_pickle_fallback_warns_once_per_type_even_after_registrations() -> None:
    import warnings

    import typesystem as ts

    class Opaque:
        pass

    class Other:
        pass

    class OtherTransformer(ts.TypeTransformer[Other]):
        def __init__(self) -> None:
            super().__init__("Other", Other)

        def literal_type(self, t: object) -> ts.LiteralType:
            return ts.SimpleType(ts.SimpleKind.STRING)

        def to_literal(self, value: Other, t: object) -> ts.Literal:
            return ts.Scalar("other")

        def to_python(self, literal: ts.Literal, t: object) -> Other:
            return Other()

    registry = ts.TypeRegistry(plugins=False)
    with pytest.warns(ts.PickleFallbackWarning, match="Opaque"):
        registry.literal_type(Opaque)
    registry.register(OtherTransformer())  # clears the dispatch cache
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        registry.literal_type(Opaque)  # resolved again, not announced again
        registry.copy().literal_type(Opaque)


def test_an_untyped_value_read_without_its_annotation_decodes_plain_data_and_pickles() -> None:
    # A run read back in another process knows only the literal type: an `Any` output that was
    # pickled (not plain data) must still decode, and an untyped dict/list keeps its type.
    reg = ts.TypeRegistry()
    assert reg.guess_python_type(ts.BinaryType("msgpack", tag="Any")) is typing.Any
    assert reg.guess_python_type(ts.BinaryType("msgpack", tag="dict")) is dict
    assert reg.guess_python_type(ts.BinaryType("msgpack", tag="list")) is list
    with pytest.warns(ts.PickleFallbackWarning):
        lit = reg.to_literal({"when": object}, typing.Any)
    guessed = reg.guess_python_type(reg.literal_type(typing.Any))
    assert reg.to_python(lit, guessed) == {"when": object}
