"""``plain_column``: a column of scalar values that needs no conversion, checked in one pass."""

from __future__ import annotations

import dataclasses
import datetime

import typesystem
from typesystem import plain_column


def _check(t: object) -> object:
    return plain_column(typesystem.default_registry().get_transformer(t))


def test_exact_values_are_plain_and_convert_to_themselves() -> None:
    reg = typesystem.default_registry()
    for t, values in (
        (int, [0, -3, 2**63 - 1]),
        (float, [0.5, -1.0]),
        (str, ["a", ""]),
        (bool, [True, False]),
        (bytes, [b"x"]),
        (datetime.date, [datetime.date(2024, 1, 2)]),
    ):
        check = _check(t)
        assert callable(check) and check(values), t
        tr = reg.get_transformer(t)
        assert [tr.encode(v, t) for v in values] == values
        assert [tr.decode(v, t) for v in values] == values
        assert check([]), t


def test_values_that_need_converting_or_checking_are_not_plain() -> None:
    class Name(str):
        pass

    check_int, check_float, check_str = _check(int), _check(float), _check(str)
    assert callable(check_int) and callable(check_float) and callable(check_str)
    assert not check_int([1, True])  # (a bool is never an int)
    assert not check_int([2**63])  # (out of int64: the item path names the error)
    assert not check_int([1, "2"])
    assert not check_float([1.0, 2])  # (an int is widened item by item)
    assert not check_str([Name("a")])


def test_other_transformers_have_no_plain_column() -> None:
    @dataclasses.dataclass
    class P:
        x: int

    assert _check(P) is None
    assert _check(list[int]) is None
