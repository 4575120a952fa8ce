"""Literal maps as the run store encodes them (``_blobs.pack_literals``): plain scalars take a
short path whose bytes must be exactly ``typesystem.to_msgpack``'s (stores hold both)."""

from __future__ import annotations

import datetime

import msgpack
import pytest

import typesystem
from flytelike.engine._blobs import pack_literals, unpack_literals
from typesystem import Collection, Literal, Map, Scalar

CASES: list[dict[str, Literal]] = [
    {"x": Scalar(5)},
    {"a": Scalar("héllo"), "b": Scalar(b"\x00\xff"), "c": Scalar(None), "d": Scalar(True)},
    {"f": Scalar(1.5), "big": Scalar(2**63 - 1), "neg": Scalar(-(2**63))},
    {"t": Scalar(datetime.datetime(2020, 1, 2, 3, 4, 5))},
    {"hashed": Scalar(5, hash="abc"), "meta": Scalar(5, metadata={"k": "v"})},
    {"l": Collection((1, 2, 3)), "m": Map({"k": 1})},
    {},
]


@pytest.mark.parametrize("values", CASES)
def test_same_bytes_as_to_msgpack(values: dict[str, Literal]) -> None:
    expected = msgpack.packb(
        {k: typesystem.to_msgpack(v) for k, v in values.items()}, use_bin_type=True
    )
    assert pack_literals(values) == expected
    assert unpack_literals(pack_literals(values)) == values


def test_int_beyond_64_bits_is_typesystems_error() -> None:
    with pytest.raises(typesystem.EncodingError, match="cannot encode literal"):
        pack_literals({"x": Scalar(2**70)})


def test_unpack_gives_what_from_msgpack_gives() -> None:
    """``unpack_literals`` decodes a plain scalar without ``from_msgpack``'s hooks: the same
    literal with a value of the same type, and the same error for bytes that are not one."""
    values = [0, 127, 128, -33, 2**32, 2**63 - 1, -(2**63), 1.5, -0.0, "", "héllo", "x" * 300]
    values += [b"", b"\x00\xff", None, True, False]
    lits: dict[str, Literal] = {f"k{i}": Scalar(v) for i, v in enumerate(values)}
    lits["dt"] = Scalar(datetime.datetime(2020, 1, 2))
    data = pack_literals(lits)
    expected = {k: typesystem.from_msgpack(v) for k, v in msgpack.unpackb(data).items()}
    got = unpack_literals(data)
    assert got == expected
    for k, v in got.items():
        assert type(v) is type(expected[k])
        assert type(v.value) is type(expected[k].value)  # type: ignore[attr-defined]
    for bad in (b"\xa3ab", b"\x01\x02", b"\xcf\xff\xff\xff\xff\xff\xff\xff\xff", b"\xa2\xff\xfe"):
        with pytest.raises(typesystem.EncodingError, match="not a msgpack-encoded literal"):
            unpack_literals(msgpack.packb({"x": bad}, use_bin_type=True))
