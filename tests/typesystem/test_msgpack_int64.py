"""``from_msgpack`` refuses ints above int64 wherever they stand, and valid literals decode
unchanged (the check costs a byte scan unless a uint64 marker with its high bit is present)."""

from __future__ import annotations

import msgpack
import pytest

import typesystem as ts
from typesystem import Collection, Map, Scalar, UnionValue

BIG = 2**63


@pytest.mark.parametrize(
    "raw",
    [[1, BIG], [[0, [BIG]]], {"a": BIG}, {BIG: 1}, 2**64 - 1],
    ids=["in-list", "nested", "map-value", "map-key", "whole"],
)
def test_ints_above_int64_are_refused_anywhere(raw: object) -> None:
    with pytest.raises(ts.EncodingError, match="outside the int64 range"):
        ts.from_msgpack(msgpack.packb(raw))


def test_a_union_value_holding_a_big_int_is_refused() -> None:
    # (bytes another writer could produce: our own encoders never write such an int)
    bad = ts.to_msgpack(UnionValue("int", Scalar(BIG)))
    with pytest.raises(ts.EncodingError, match="outside the int64 range"):
        ts.from_msgpack(bad)


@pytest.mark.parametrize(
    "literal",
    [
        Collection((0, BIG - 1, -BIG, 2**40)),
        Map({"k": 2**62, "s": "\xcf\xff"}),  # the marker bytes inside a string: still accepted
        Scalar(b"\xcf\xff\xff".decode("latin-1")),
        Scalar(BIG - 1),
    ],
)
def test_valid_literals_round_trip(literal: ts.Literal) -> None:
    assert ts.from_msgpack(ts.to_msgpack(literal)) == literal
