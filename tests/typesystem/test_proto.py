"""Protobuf forms of literals and literal types: generated code, lossless round trips, errors."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import subprocess
import sys
import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import typesystem as ts
from typesystem import (
    Binary,
    BinaryType,
    Blob,
    BlobType,
    Collection,
    CollectionType,
    Column,
    EnumType,
    Literal,
    LiteralType,
    Map,
    MapType,
    RefType,
    Scalar,
    SimpleKind,
    SimpleType,
    StructField,
    StructType,
    Table,
    TableType,
    TupleType,
    UnionType,
    UnionValue,
    UnionVariant,
)
from typesystem._proto import (
    REGENERATE_COMMAND,
    literal_from_proto,
    literal_from_proto_bytes,
    literal_to_proto,
    literal_to_proto_bytes,
    literal_type_from_proto,
    literal_type_from_proto_bytes,
    literal_type_to_proto,
    literal_type_to_proto_bytes,
    proto_root,
    regenerate_command,
)
from typesystem.testing import types_and_values

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def shape(v: Any) -> Any:
    """A structure equal only for identical values: types, float bits, time zones and fold count."""
    if isinstance(v, Literal):
        meta = None if v.metadata is None else sorted(v.metadata.items())
        rest = [shape(getattr(v, f.name)) for f in dataclasses.fields(v)]
        return (type(v).__name__, v.hash, meta, *rest[2:])
    if isinstance(v, Mapping):
        return ("map", tuple((shape(k), shape(x)) for k, x in v.items()))
    if isinstance(v, tuple):
        return ("tuple", tuple(shape(x) for x in v))
    if isinstance(v, dt.datetime):
        key = getattr(v.tzinfo, "key", None)
        return ("datetime", v.replace(tzinfo=None).isoformat(), v.fold, v.utcoffset(), key)
    if isinstance(v, float):
        return ("float", v.hex())
    return (type(v).__name__, v)


def round_trip(literal: Literal) -> Literal:
    back = literal_from_proto(literal_to_proto(literal))
    assert shape(back) == shape(literal)
    from_bytes = literal_from_proto_bytes(literal_to_proto_bytes(literal))
    assert shape(from_bytes) == shape(literal)
    return from_bytes


def type_round_trip(lt: LiteralType) -> None:
    assert literal_type_from_proto(literal_type_to_proto(lt)) == lt
    assert literal_type_from_proto_bytes(literal_type_to_proto_bytes(lt)) == lt


# --------------------------------------------------------------------------- generated code
def test_generated_code_matches_the_schema(tmp_path: Path) -> None:
    pytest.importorskip("grpc_tools")
    result = subprocess.run(
        regenerate_command(tmp_path), cwd=proto_root(), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    for name in ("literals_pb2.py", "literals_pb2.pyi"):
        committed = (proto_root() / "typesystem" / "proto" / name).read_bytes()
        fresh = (tmp_path / "typesystem" / "proto" / name).read_bytes()
        assert fresh == committed, f"{name} is stale; regenerate it with `{REGENERATE_COMMAND}`"


def test_regenerate_command_is_the_documented_one() -> None:
    assert regenerate_command()[1:] == REGENERATE_COMMAND.split()[1:]
    assert REGENERATE_COMMAND in (proto_root() / "typesystem/proto/literals.proto").read_text()


def test_importing_typesystem_does_not_import_protobuf() -> None:
    code = (
        "import sys, typesystem, typesystem._proto; "
        "assert 'google.protobuf' not in sys.modules, 'protobuf imported'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# --------------------------------------------------------------------------- literal examples
SCALARS = [
    None,
    True,
    False,
    0,
    -1,
    2**63 - 1,
    -(2**63),
    0.0,
    -0.0,
    1.5,
    math.inf,
    -math.inf,
    5e-324,
    "",
    "héllo ✓",
    b"",
    b"\x00\xff",
    dt.datetime(2024, 1, 2, 3, 4, 5, 6),
    dt.datetime(1, 1, 1),
    dt.datetime(9999, 12, 31, 23, 59, 59, 999999),
    dt.datetime(1969, 12, 31, 23, 59, 59, 1),
    dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
    dt.datetime(2024, 1, 2, tzinfo=dt.timezone(dt.timedelta(hours=-5, minutes=-30))),
    dt.datetime(2024, 1, 2, tzinfo=dt.timezone(dt.timedelta(seconds=1, microseconds=7))),
    dt.datetime(2024, 7, 1, 12, tzinfo=PARIS),
    dt.datetime(2024, 11, 3, 1, 30, tzinfo=NEW_YORK),
    dt.datetime(2024, 11, 3, 1, 30, tzinfo=NEW_YORK, fold=1),
    dt.datetime(2024, 3, 10, 2, 30, tzinfo=NEW_YORK),  # does not exist (DST gap)
    dt.datetime(2024, 1, 1, tzinfo=zoneinfo.ZoneInfo("UTC")),
    dt.datetime(2024, 1, 1, fold=1),
    dt.date(2024, 2, 29),
    dt.date(1, 1, 1),
    dt.date(9999, 12, 31),
    dt.timedelta(0),
    dt.timedelta(days=-1, microseconds=1),
    dt.timedelta(days=999999999, seconds=86399, microseconds=999999),
    dt.timedelta(days=-999999999),
]


@pytest.mark.parametrize("value", SCALARS, ids=repr)
def test_scalar_round_trips(value: Any) -> None:
    back = round_trip(Scalar(value))
    assert type(back) is Scalar and type(back.value) is type(value)
    assert shape(round_trip(Collection((value,)))) == shape(Collection((value,)))


LITERALS = [
    Collection(()),
    Collection((1, "a", None, 2.5, Collection((Collection(()),)))),
    Map({}),
    Map({"a": 1, "b": Collection((1, 2))}),
    Map({1: "one", -(2**63): "min", 2.5: "f", b"k": "b", None: "n", False: "f"}),
    Map({dt.date(2024, 1, 1): 1, dt.datetime(2024, 1, 1, tzinfo=PARIS): 2}),
    UnionValue("int", 3),
    UnionValue("", None),
    UnionValue("list", Collection((UnionValue("none", None),))),
    Binary("msgpack", b"\x81\xa1a\x01"),
    Binary("", b""),
    Blob("s3://bucket/key.csv", "csv"),
    Blob("", multipart=True),
    Table("file:///tmp/t.parquet", "parquet", ("a", "b")),
    Table("", "", ()),
    Scalar(1, hash=""),
    Scalar(1, metadata={}),
    Scalar(None, hash="abc", metadata={"k": "v", "": ""}),
    Collection((Scalar(1, hash="h"), Scalar(2, metadata={}), 3), hash="c", metadata={"a": "b"}),
    Map({"x": Scalar(dt.date(2020, 1, 1), hash="d")}, metadata={"owner": "me"}),
    UnionValue("int", Scalar(3, metadata={"m": "n"}), hash="u"),
    Binary("cloudpickle", b"x", hash="p", metadata={}),
    Blob("memory://f", hash="f"),
    Table("memory://t", metadata={"rows": "3"}),
    Collection((Map({1: Collection((Blob("a"), Table("b"), Binary("c", b"d")))}),)),
]


@pytest.mark.parametrize("literal", LITERALS, ids=repr)
def test_literal_round_trips(literal: Literal) -> None:
    round_trip(literal)


def test_plain_scalars_inside_containers_come_back_unboxed() -> None:
    boxed = Collection((Scalar(1), Map({"a": Scalar("x")}), UnionValue("v", Scalar(None))))
    back = literal_from_proto(literal_to_proto(boxed))
    assert shape(back) == shape(Collection((1, Map({"a": "x"}), UnionValue("v", None))))
    assert type(literal_from_proto(literal_to_proto(Scalar(1)))) is Scalar


def test_absent_and_empty_hash_and_metadata_differ() -> None:
    variants = [
        Scalar(1),
        Scalar(1, hash=""),
        Scalar(1, metadata={}),
        Scalar(1, hash="", metadata={}),
    ]
    encoded = {literal_to_proto_bytes(v) for v in variants}
    assert len(encoded) == len(variants)


def test_bytes_are_deterministic() -> None:
    a = Scalar(1, metadata={"a": "1", "b": "2", "c": "3"})
    b = Scalar(1, metadata={"c": "3", "b": "2", "a": "1"})
    assert literal_to_proto_bytes(a) == literal_to_proto_bytes(b)


# ---------------------------------------------------------------------- literal type examples
INT, STR = SimpleType(SimpleKind.INTEGER), SimpleType(SimpleKind.STRING)
TYPES: list[LiteralType] = [
    *(SimpleType(kind) for kind in SimpleKind),
    SimpleType(SimpleKind.INTEGER, tag="PositiveInt"),
    CollectionType(INT),
    CollectionType(CollectionType(STR, tag="inner"), tag="outer"),
    MapType(INT),
    MapType(STR, INT),
    TupleType(()),
    TupleType((INT, STR)),
    TupleType((INT, STR), ("a", "b")),
    TupleType((), ()),
    UnionType(()),
    UnionType((UnionVariant("int", INT), UnionVariant("none", SimpleType(SimpleKind.NONE)))),
    EnumType(()),
    EnumType(("a", "b"), "Fruit"),
    EnumType((1, -2, 2**62, "mixed"), "Level", tag="enum"),
    StructType("pkg.Rec", ()),
    StructType(
        "pkg.Node",
        (
            StructField("value", INT),
            StructField("children", CollectionType(RefType("pkg.Node")), required=False),
        ),
        "json",
    ),
    RefType(""),
    RefType("pkg.Node", tag="ref"),
    BinaryType("msgpack"),
    BinaryType("cloudpickle", "mod.Thing", tag="pickled"),
    BlobType(),
    BlobType("csv", True),
    TableType(),
    TableType("parquet", (Column("a", INT), Column("b", MapType(CollectionType(STR))))),
    MapType(
        UnionType((UnionVariant("t", TupleType((TableType(), BlobType()), ("x", "y"))),)),
        key=INT,
        tag="deep",
    ),
]


@pytest.mark.parametrize("lt", TYPES, ids=repr)
def test_literal_type_round_trips(lt: LiteralType) -> None:
    type_round_trip(lt)


# ----------------------------------------------------------------------- registry literals
@dataclasses.dataclass
class Point:
    x: int
    label: str
    tags: list[str]
    when: Optional[dt.datetime] = None  # noqa: UP045 (the Optional spelling is what we test)


@pytest.mark.parametrize(
    ("value", "t"),
    [
        ([1, -(2**63), 2**63 - 1], list[int]),
        ({"a": 1.5, "b": -0.0, "c": math.inf}, dict[str, float]),
        ({1: "one", 2: "two"}, dict[int, str]),
        (None, Optional[int]),  # noqa: UP045
        (7, Optional[int]),  # noqa: UP045
        (Point(1, "p", ["a"], dt.datetime(2024, 1, 1, tzinfo=PARIS)), Point),
        ([[dt.date(2024, 1, 1)], []], list[list[dt.date]]),
    ],
)
def test_registry_literals_round_trip(value: Any, t: Any) -> None:
    registry = ts.default_registry()
    literal = registry.to_literal(value, t)
    back = round_trip(literal)
    assert back == literal
    assert registry.to_python(back, t) == value
    type_round_trip(registry.literal_type(t))


# ------------------------------------------------------------------------------ properties
_ZONES = st.sampled_from(["UTC", "Europe/Paris", "America/New_York", "Australia/Lord_Howe"])
_OFFSETS = st.timedeltas(min_value=dt.timedelta(hours=-23), max_value=dt.timedelta(hours=23))
_TIMEZONES = st.none() | _OFFSETS.map(dt.timezone) | _ZONES.map(zoneinfo.ZoneInfo)
_DATETIMES = st.builds(
    lambda d, fold: d.replace(fold=fold),
    st.datetimes(timezones=_TIMEZONES),
    st.sampled_from([0, 1]),
)
PRIMITIVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.text(max_size=10),
    st.binary(max_size=10),
    _DATETIMES,
    st.dates(),
    st.timedeltas(),
)
_HASHES = st.none() | st.text(max_size=6)
_METADATA = st.none() | st.dictionaries(st.text(max_size=4), st.text(max_size=4), max_size=3)
_NAMES = st.text(max_size=6)


def _leaves() -> st.SearchStrategy[Any]:
    annotated = st.builds(Scalar, PRIMITIVES, hash=_HASHES, metadata=_METADATA).filter(
        lambda s: s.hash is not None or s.metadata is not None
    )
    return st.one_of(
        PRIMITIVES,
        annotated,
        st.builds(Binary, _NAMES, st.binary(max_size=8), hash=_HASHES, metadata=_METADATA),
        st.builds(Blob, _NAMES, _NAMES, st.booleans(), hash=_HASHES, metadata=_METADATA),
        st.builds(
            Table,
            _NAMES,
            _NAMES,
            st.lists(_NAMES, max_size=3).map(tuple),
            hash=_HASHES,
            metadata=_METADATA,
        ),
    )


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.builds(
            Collection, st.lists(children, max_size=4).map(tuple), hash=_HASHES, metadata=_METADATA
        ),
        st.builds(
            Map,
            st.dictionaries(PRIMITIVES, children, max_size=3),
            hash=_HASHES,
            metadata=_METADATA,
        ),
        st.builds(UnionValue, _NAMES, children, hash=_HASHES, metadata=_METADATA),
    )


LITERAL_VALUES = st.recursive(_leaves(), _containers, max_leaves=12)
"""Literal values in the canonical form (plain scalars inside containers are bare primitives)."""


def _type_leaves() -> st.SearchStrategy[LiteralType]:
    tags = st.just("") | _NAMES
    enum_values = st.lists(
        _NAMES | st.integers(min_value=-(2**63), max_value=2**63 - 1), max_size=3
    )
    return st.one_of(
        st.builds(SimpleType, st.sampled_from(SimpleKind), tag=tags),
        st.builds(RefType, _NAMES, tag=tags),
        st.builds(BinaryType, _NAMES, _NAMES, tag=tags),
        st.builds(BlobType, _NAMES, st.booleans(), tag=tags),
        st.builds(EnumType, enum_values.map(tuple), _NAMES, tag=tags),
        st.builds(TableType, _NAMES, tag=tags),
    )


def _type_containers(children: st.SearchStrategy[LiteralType]) -> st.SearchStrategy[LiteralType]:
    tags = st.just("") | _NAMES

    def many(item: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[Any, ...]]:
        return st.lists(item, max_size=3).map(tuple)

    return st.one_of(
        st.builds(CollectionType, children, tag=tags),
        st.builds(MapType, children, children, tag=tags),
        many(children).flatmap(
            lambda items: st.builds(
                TupleType,
                st.just(items),
                st.none() | st.lists(_NAMES, min_size=len(items), max_size=len(items)).map(tuple),
                tag=tags,
            )
        ),
        st.builds(UnionType, many(st.builds(UnionVariant, _NAMES, children)), tag=tags),
        st.builds(
            StructType,
            _NAMES,
            many(st.builds(StructField, _NAMES, children, st.booleans())),
            _NAMES,
            tag=tags,
        ),
        st.builds(TableType, _NAMES, many(st.builds(Column, _NAMES, children)), tag=tags),
    )


LITERAL_TYPES = st.recursive(_type_leaves(), _type_containers, max_leaves=10)


@SETTINGS
@given(LITERAL_VALUES)
def test_any_literal_round_trips(value: Any) -> None:
    round_trip(ts.box(value))


@SETTINGS
@given(LITERAL_TYPES)
def test_any_literal_type_round_trips(lt: LiteralType) -> None:
    type_round_trip(lt)


REGISTRY = ts.TypeRegistry(plugins=False)


@SETTINGS
@given(types_and_values(max_depth=3))
def test_registry_values_round_trip(pair: tuple[Any, Any]) -> None:
    t, v = pair
    literal = REGISTRY.to_literal(v, t)
    back = round_trip(literal)
    assert back == literal
    assert REGISTRY.to_python(back, t) == v
    type_round_trip(REGISTRY.literal_type(t))


# ---------------------------------------------------------------------------------- errors
def _pb() -> Any:
    from typesystem.proto import literals_pb2

    return literals_pb2


def test_garbage_bytes_raise_encoding_error() -> None:
    with pytest.raises(ts.EncodingError, match="not a protobuf Literal"):
        literal_from_proto_bytes(b"\xff\xff\xff")
    with pytest.raises(ts.EncodingError, match="not a protobuf LiteralType"):
        literal_type_from_proto_bytes(b"\x0a\x05ab")


def test_a_message_without_kind_is_malformed() -> None:
    pb = _pb()
    with pytest.raises(ts.EncodingError, match=r"Literal has no kind set - at `\$`"):
        literal_from_proto(pb.Literal())
    with pytest.raises(ts.EncodingError, match="LiteralType has no kind set"):
        literal_type_from_proto(pb.LiteralType(tag="x"))


def test_errors_name_the_value_path() -> None:
    pb = _pb()
    message = pb.Literal()
    message.collection.items.add().scalar.int_value = 1
    entry = message.collection.items.add().map.entries.add()
    entry.key.string_value = "k"
    entry.value.scalar.SetInParent()
    with pytest.raises(ts.EncodingError, match=r"Scalar has no value set - at `\$\[1\]\['k'\]`"):
        literal_from_proto(message)


@pytest.mark.parametrize(
    ("scalar", "message"),
    [
        ({"date_value": {"days": -(10**9)}}, "invalid date_value"),
        ({"duration_value": {"seconds": 2**62}}, "invalid duration_value"),
        ({"datetime_value": {"wall_seconds": 2**62}}, "invalid datetime_value"),
        ({"datetime_value": {"fold": 2}}, "invalid datetime_value"),
        (
            {"datetime_value": {"zone": "No/Such_Zone", "utc_offset_microseconds": 0}},
            "unknown time zone 'No/Such_Zone'",
        ),
        ({"datetime_value": {"zone": "Europe/Paris"}}, "zone 'Europe/Paris' but no UTC offset"),
        ({"datetime_value": {"utc_offset_microseconds": 86400 * 10**6}}, "invalid datetime_value"),
    ],
)
def test_out_of_range_scalars_raise_encoding_error(scalar: dict[str, Any], message: str) -> None:
    literal = _pb().Literal(scalar=scalar)
    with pytest.raises(ts.EncodingError, match=message):
        literal_from_proto(literal)


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1, 2**64, 10**100])
def test_ints_outside_int64_are_refused_both_ways(value: int) -> None:
    with pytest.raises(ts.EncodingError, match=r"outside the int64 range .* - at `\$\[0\]`"):
        literal_to_proto(Collection((value,)))
    size = ((value if value >= 0 else ~value).bit_length() + 8) // 8
    message = _pb().Literal(scalar={"big_int_value": value.to_bytes(size, "big", signed=True)})
    with pytest.raises(ts.EncodingError, match=r"big_int_value: .* outside the int64 range"):
        literal_from_proto(message)


def test_nesting_beyond_the_limit_is_refused_both_ways() -> None:
    from typesystem._limits import MAX_DEPTH

    def nested(levels: int) -> Literal:
        value: Literal = Collection((1,))
        for _ in range(levels - 1):
            value = Collection((value,))
        return value

    assert round_trip(nested(MAX_DEPTH)) == nested(MAX_DEPTH)
    with pytest.raises(ts.EncodingError, match=f"nested deeper than {MAX_DEPTH} levels"):
        literal_to_proto(nested(MAX_DEPTH + 1))
    message = _pb().Literal()
    inner = message
    for _ in range(MAX_DEPTH + 1):
        inner = inner.collection.items.add()
    inner.scalar.int_value = 1
    with pytest.raises(ts.EncodingError, match=f"nested deeper than {MAX_DEPTH} levels"):
        literal_from_proto(message)
    deep_type: LiteralType = SimpleType(SimpleKind.INTEGER)
    for _ in range(MAX_DEPTH + 1):
        deep_type = CollectionType(deep_type)
    with pytest.raises(ts.EncodingError, match=f"literal type nested deeper than {MAX_DEPTH}"):
        literal_type_to_proto(deep_type)


@pytest.mark.parametrize("arg", ["text", 5, None, [1]])
def test_arguments_of_the_wrong_kind_raise_encoding_error(arg: Any) -> None:
    with pytest.raises(ts.EncodingError, match="expected bytes"):
        literal_from_proto_bytes(arg)
    with pytest.raises(ts.EncodingError, match="not a message of the right kind"):
        literal_from_proto(arg)
    with pytest.raises(ts.EncodingError, match="not a message of the right kind"):
        literal_type_from_proto(arg)


def test_duplicate_map_keys_are_malformed() -> None:
    message = _pb().Literal()
    for _ in range(2):
        entry = message.map.entries.add()
        entry.key.int_value = 1
        entry.value.scalar.none_value.SetInParent()
    with pytest.raises(ts.EncodingError, match="duplicate map key 1"):
        literal_from_proto(message)


def test_malformed_literal_types_raise_encoding_error() -> None:
    pb = _pb()
    with pytest.raises(ts.EncodingError, match=r"CollectionType\.item is missing"):
        literal_type_from_proto(pb.LiteralType(collection_type={}))
    with pytest.raises(ts.EncodingError, match=r"SimpleType\.kind must name a kind, got 0"):
        literal_type_from_proto(pb.LiteralType(simple_type={}))
    with pytest.raises(ts.EncodingError, match=r"SimpleType\.kind must name a kind, got 99"):
        literal_type_from_proto(pb.LiteralType(simple_type={"kind": 99}))
    named = pb.LiteralType(tuple_type={"items": [{"simple_type": {"kind": 1}}], "names": {}})
    with pytest.raises(ts.EncodingError, match="TupleType has 0 names for 1 items"):
        literal_type_from_proto(named)
    bad_enum = pb.LiteralType(enum_type={"values": [{"float_value": 1.5}]})
    with pytest.raises(ts.EncodingError, match="enum value of type `str` or `int`, got `float`"):
        literal_type_from_proto(bad_enum)


def test_values_that_cannot_travel_raise_encoding_error() -> None:
    with pytest.raises(ts.EncodingError, match=r"got `list` - at `\$\[0\]\['a'\]`"):
        literal_to_proto(Collection((Map({"a": [1]}),)))  # type: ignore[dict-item]
    with pytest.raises(ts.EncodingError, match="surrogates"):
        literal_to_proto(Scalar("\ud800"))
    with pytest.raises(ts.EncodingError, match="not a kind of LiteralType"):
        literal_type_to_proto(LiteralType())
    with pytest.raises(ts.EncodingError, match="enum value of type `str` or `int`, got `bool`"):
        literal_type_to_proto(EnumType((True,)))
