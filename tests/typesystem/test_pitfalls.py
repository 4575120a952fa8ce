"""The flytekit dataclass pitfalls listed in spec/types.md, each pinned by a test."""

from __future__ import annotations

import enum
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Optional

import typesystem as ts

REG = ts.TypeRegistry(plugins=False)


class Status(enum.Enum):
    OK = "ok"
    FAILED = "failed"


@dataclass
class Counts:
    total: int
    by_key: dict[str, int]
    nested: list[list[int]]
    any_data: dict  # untyped: ints must survive too


def test_int_fields_stay_ints_flyte_1510() -> None:
    value = Counts(100, {"a": 1}, [[1, 2]], {"n": 3, "m": [4]})
    out = REG.to_python(REG.to_literal(value, Counts), Counts)
    assert out == value
    assert type(out.total) is int and type(out.by_key["a"]) is int
    assert type(out.nested[0][0]) is int and type(out.any_data["n"]) is int
    # and through the JSON form used by the CLI
    lt = REG.literal_type(Counts)
    again = ts.literal_from_json(ts.literal_to_json(REG.to_literal(value, Counts), lt), lt)
    assert type(REG.to_python(again, Counts).total) is int


@dataclass
class WithOptionalList:
    items: Optional[list[int]] = None  # noqa: UP045
    names: list[str] | None = None


def test_optional_list_fields_flyte_2953() -> None:
    for value in (WithOptionalList(), WithOptionalList([1, 2], ["a"]), WithOptionalList([], [])):
        assert REG.to_python(REG.to_literal(value, WithOptionalList), WithOptionalList) == value


@dataclass
class WithEnum:
    status: Status
    history: list[Status] = field(default_factory=list)
    maybe: Optional[Status] = None  # noqa: UP045


def test_enum_fields_come_back_as_members() -> None:
    value = WithEnum(Status.FAILED, [Status.OK, Status.FAILED], Status.OK)
    out = REG.to_python(REG.to_literal(value, WithEnum), WithEnum)
    assert out == value and out.status is Status.FAILED and out.history[0] is Status.OK


@dataclass
class Request:
    feature_a: float
    label: str = "default"


@dataclass
class Batch:
    batch_id: str
    requests: list[Request]
    groups: list[list[Request]] = field(default_factory=list)


def test_nested_lists_of_dataclasses() -> None:
    value = Batch("b1", [Request(1.0), Request(2.5, "x")], [[Request(3.0)], []])
    out = REG.to_python(REG.to_literal(value, Batch), Batch)
    assert out == value and isinstance(out.groups[0][0], Request)


def test_error_path_inside_nested_lists() -> None:
    bad = Batch("b1", [Request(1.0), Request(2.0), Request(3.0), Request("x")])  # type: ignore[arg-type]
    try:
        REG.to_literal(bad, Batch)
    except ts.ConversionError as e:
        assert str(e) == "Expected `float`, got `str` - at `$.requests[3].feature_a`"
    else:
        raise AssertionError("expected a ConversionError")


def test_digest_is_stable_across_processes_and_dict_order() -> None:
    a = REG.to_literal({"x": 1, "y": 2}, dict[str, int])
    b = REG.to_literal({"y": 2, "x": 1}, dict[str, int])
    assert ts.digest(a) == ts.digest(b)
    c1 = REG.to_literal(Counts(1, {"a": 1, "b": 2}, [], {}), Counts)
    c2 = REG.to_literal(Counts(1, {"b": 2, "a": 1}, [], {}), Counts)
    assert ts.digest(c1) == ts.digest(c2)
    code = (
        "import typesystem as ts; r = ts.TypeRegistry(plugins=False); "
        "print(ts.digest(r.to_literal({'y': 2, 'x': 1}, dict[str, int])))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "123"},
    )
    assert out.stdout.strip() == ts.digest(a)
