"""Property: every built-in type round-trips through literals and their encodings."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

import typesystem as ts
from typesystem.testing import types_and_values

REGISTRY = ts.TypeRegistry(plugins=False)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _same(a: Any, b: Any) -> bool:
    return a == b and type(a) is type(b)


@SETTINGS
@given(types_and_values(max_depth=3))
def test_value_round_trip(pair: tuple[Any, Any]) -> None:
    t, v = pair
    literal = REGISTRY.to_literal(v, t)
    assert _same(REGISTRY.to_python(literal, t), v)


@SETTINGS
@given(types_and_values(max_depth=3))
def test_msgpack_round_trip_is_lossless(pair: tuple[Any, Any]) -> None:
    t, v = pair
    literal = REGISTRY.to_literal(v, t)
    decoded = ts.from_msgpack(ts.to_msgpack(literal))
    assert decoded == literal
    assert ts.digest(decoded) == ts.digest(literal)
    assert _same(REGISTRY.to_python(decoded, t), v)


@SETTINGS
@given(types_and_values(max_depth=2))
def test_json_round_trip(pair: tuple[Any, Any]) -> None:
    t, v = pair
    lt = REGISTRY.literal_type(t)
    literal = REGISTRY.to_literal(v, t)
    back = ts.literal_from_json(ts.literal_to_json(literal, lt), lt)
    assert REGISTRY.to_python(back, t) == v
