"""Fuzzing the literal decoders: whatever the input, a valid value or the documented error.

Inputs are random bytes, random JSON-like data, and valid encodings with a few edits
(``typesystem.testing.mutated``). Documented errors (``typesystem.errors``): ``EncodingError``
from the msgpack and protobuf decoders, ``ConversionError`` from ``literal_from_json`` and from
``TypeRegistry.to_python`` on whatever a decoder accepted.

Each test draws ``FLYTELIKE_FUZZ_EXAMPLES`` examples (default 40, a few seconds for the file);
the nightly run sets it to 10000: ``FLYTELIKE_FUZZ_EXAMPLES=10000 pytest -m fuzz``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

import typesystem as ts
from typesystem import _proto as tsp
from typesystem._limits import INT64_MAX, INT64_MIN, MAX_DEPTH
from typesystem._literals import PRIMITIVE_TYPES
from typesystem.testing import mutated, types_and_values

pytestmark = pytest.mark.fuzz

FUZZ = settings.get_profile("fuzz")  # (tests/conftest.py)
REG = ts.TypeRegistry(plugins=False)


# ------------------------------------------------------------------------------ what is valid
def check_literal(value: Any, depth: int = 0) -> None:
    """Fail unless ``value`` is a well-formed literal value (what any decoder may return)."""
    assert depth <= 1100, "nested deeper than any decoder allows"
    if not isinstance(value, ts.Literal):
        assert type(value) in PRIMITIVE_TYPES, f"not a primitive: {type(value)}"
        return
    assert value.hash is None or type(value.hash) is str
    meta = value.metadata
    assert meta is None or all(type(k) is str and type(v) is str for k, v in meta.items())
    if isinstance(value, ts.Scalar):
        assert type(value.value) in PRIMITIVE_TYPES
    elif isinstance(value, ts.Collection):
        assert type(value.items) is tuple
        for item in value.items:
            check_literal(item, depth + 1)
    elif isinstance(value, ts.Map):
        for key, item in value.items.items():
            hash(key)
            check_literal(key, depth + 1)
            check_literal(item, depth + 1)
    elif isinstance(value, ts.UnionValue):
        assert type(value.variant) is str
        check_literal(value.value, depth + 1)
    elif isinstance(value, ts.Binary):
        assert type(value.tag) is str and type(value.data) is bytes
    elif isinstance(value, ts.Blob):
        assert type(value.uri) is str and type(value.format) is str
        assert type(value.multipart) is bool
    elif isinstance(value, ts.Table):
        assert type(value.uri) is str and type(value.format) is str
        assert all(type(c) is str for c in value.columns)
    else:
        raise AssertionError(f"not a kind of literal: {type(value)}")


def check_int64(value: Any) -> None:
    """Fail if an int outside int64 hides anywhere in ``value``."""
    if type(value) is int:
        assert INT64_MIN <= value <= INT64_MAX
    elif isinstance(value, ts.Collection):
        for item in value.items:
            check_int64(item)
    elif isinstance(value, ts.Map):
        for key, item in value.items.items():
            check_int64(key)
            check_int64(item)
    elif isinstance(value, ts.UnionValue | ts.Scalar):
        check_int64(value.value)


def decode_msgpack(data: bytes, t: Any = None) -> None:
    """``from_msgpack`` gives a valid literal or ``EncodingError``; the registry reads what it
    accepted, or raises ``ConversionError``."""
    try:
        literal = ts.from_msgpack(data)
    except ts.EncodingError:
        event("from_msgpack: EncodingError")
        return
    event("from_msgpack: a literal")
    check_literal(literal)
    check_int64(literal)  # anywhere in the literal, not only a whole-value int
    if t is not None:
        with contextlib.suppress(ts.ConversionError):
            REG.to_python(literal, t)


# ------------------------------------------------------------------------------ encodings
def encodings() -> st.SearchStrategy[tuple[Any, ts.Literal]]:
    """A Python type with a literal of one of its values."""
    return types_and_values(max_depth=2).map(lambda p: (p[0], REG.to_literal(p[1], p[0])))


@st.composite
def mutated_msgpack(draw: st.DrawFn) -> tuple[Any, bytes]:
    t, literal = draw(encodings())
    return t, draw(mutated(ts.to_msgpack(literal)))


@FUZZ
@given(st.binary(max_size=80))
def test_from_msgpack_random_bytes(data: bytes) -> None:
    decode_msgpack(data)


@FUZZ
@given(mutated_msgpack())
def test_from_msgpack_mutated_encodings(case: tuple[Any, bytes]) -> None:
    t, data = case
    decode_msgpack(data, t)


@FUZZ
@given(st.binary(max_size=80) | encodings().flatmap(lambda c: mutated(ts.to_msgpack(c[1]))))
def test_unpack_plain(data: bytes) -> None:
    try:
        ts.unpack_plain(data)
    except ts.EncodingError:
        event("unpack_plain: EncodingError")
    else:
        event("unpack_plain: a value")


def _check_proto_literal(data: bytes, t: Any = None) -> None:
    try:
        literal = tsp.literal_from_proto_bytes(data)
    except ts.EncodingError:
        event("literal_from_proto_bytes: EncodingError")
        return
    event("literal_from_proto_bytes: a literal")
    check_literal(literal)
    check_int64(literal)
    if t is not None:
        with contextlib.suppress(ts.ConversionError):
            REG.to_python(literal, t)


@FUZZ
@given(st.binary(max_size=80))
def test_literal_from_proto_random_bytes(data: bytes) -> None:
    _check_proto_literal(data)


@FUZZ
@given(
    encodings().flatmap(
        lambda c: st.tuples(st.just(c[0]), mutated(tsp.literal_to_proto_bytes(c[1])))
    )
)
def test_literal_from_proto_mutated_encodings(case: tuple[Any, bytes]) -> None:
    _check_proto_literal(case[1], case[0])


@FUZZ
@given(
    st.binary(max_size=80)
    | encodings().flatmap(
        lambda c: mutated(tsp.literal_type_to_proto_bytes(REG.literal_type(c[0])))
    )
)
def test_literal_type_from_proto(data: bytes) -> None:
    try:
        lt = tsp.literal_type_from_proto_bytes(data)
    except ts.EncodingError:
        event("literal_type_from_proto_bytes: EncodingError")
        return
    event("literal_type_from_proto_bytes: a type")
    assert isinstance(lt, ts.LiteralType)
    ts.json_schema(lt)  # a decoded type is usable


# ------------------------------------------------------------------------------ JSON input
_SPECIAL_NUMBERS = st.sampled_from(
    [2**63, -(2**63) - 1, 2**64, 10**300, 1e300, -1e300, math.inf, -math.inf, math.nan, 1e19]
)
_SPECIAL_TEXT = st.sampled_from(
    ["", "1e400", "nan", "inf", "9" * 400 + "d", "P99999999999D", "-P999999999DT24H", "1:99999999",
     "10 days", "PT1S", "2024-02-30", "2024-01-01T00:00:00+25:00", "not base64!", "AAAA", "true"]
)  # fmt: skip
JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | _SPECIAL_NUMBERS
    | st.text(max_size=12)
    | _SPECIAL_TEXT
)
JSON = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=6) | _SPECIAL_TEXT, inner, max_size=4)
    ),
    max_leaves=20,
)


def _from_json(data: Any, lt: ts.LiteralType, t: Any) -> None:
    try:
        literal = ts.literal_from_json(data, lt)
    except ts.ConversionError:
        event("literal_from_json: ConversionError")
        return
    event("literal_from_json: a literal")
    check_literal(literal)
    check_int64(literal)
    with contextlib.suppress(ts.ConversionError):
        REG.to_python(literal, t)


@FUZZ
@given(types_and_values(max_depth=2), JSON)
def test_literal_from_json_random_data(pair: tuple[Any, Any], data: Any) -> None:
    t, _ = pair
    _from_json(data, REG.literal_type(t), t)


def _replace_a_leaf(data: Any, choice: int, leaf: Any) -> Any:
    """``data`` with its ``choice``-th leaf (in a walk order) replaced by ``leaf``."""
    count = 0

    def walk(value: Any) -> Any:
        nonlocal count
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        count += 1
        return leaf if count - 1 == choice else value

    return walk(data)


@FUZZ
@given(types_and_values(max_depth=2), st.integers(0, 20), JSON_LEAVES | JSON)
def test_literal_from_json_valid_data_with_one_leaf_changed(
    pair: tuple[Any, Any], choice: int, leaf: Any
) -> None:
    t, v = pair
    lt = REG.literal_type(t)
    data = _replace_a_leaf(ts.literal_to_json(REG.to_literal(v, t), lt), choice, leaf)
    _from_json(data, lt, t)


@FUZZ
@given(st.integers(MAX_DEPTH - 2, 3 * MAX_DEPTH), st.sampled_from(["list", "dict"]))
def test_untyped_json_nesting_is_limited(depth: int, kind: str) -> None:
    data: Any = 1
    for _ in range(depth):  # `depth` levels: [[1]] is 2
        data = [data] if kind == "list" else {"k": data}
    lt = REG.literal_type(dict[str, Any])  # the values are untyped
    try:
        literal = ts.literal_from_json({"x": data}, lt)
    except ts.ConversionError as e:
        assert depth > MAX_DEPTH
        assert str(e).startswith("Expected `Any`, got ")
        assert e.issues[0].path.startswith("$['x']")
        assert e.issues[0].detail == f"nested deeper than {MAX_DEPTH} levels"
    else:
        check_literal(literal)
        assert depth <= MAX_DEPTH


@FUZZ
@given(st.one_of(st.integers(), st.floats(), _SPECIAL_TEXT, st.text(max_size=20)))
def test_durations_are_bounded(data: Any) -> None:
    try:
        literal = ts.literal_from_json(data, ts.SimpleType(ts.SimpleKind.DURATION))
    except ts.ConversionError:
        return
    assert isinstance(literal, ts.Scalar) and isinstance(literal.value, dt.timedelta)
