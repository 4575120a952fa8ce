"""TypedDicts: plain dicts with declared keys, stored as records (JSON form of each key)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NotRequired, Required, TypedDict

import pytest

import typesystem as ts
from typesystem._json import literal_from_json, literal_to_json

REG = ts.TypeRegistry(plugins=False)


class Span(TypedDict):
    start: dt.datetime
    length: dt.timedelta


class Job(TypedDict):
    name: str
    tags: list[str]
    span: Span
    owner: NotRequired[str]


class Loose(TypedDict, total=False):
    a: int
    b: Required[str]


class Tree(TypedDict):
    label: str
    kids: NotRequired[list[Tree]]


@dataclass
class Holder:
    job: Job
    count: int


JOB: Job = {
    "name": "j",
    "tags": ["a", "b"],
    "span": {"start": dt.datetime(2024, 5, 1, 12), "length": dt.timedelta(minutes=90)},
}


def test_round_trip_keeps_left_out_keys_out() -> None:
    out = REG.to_python(REG.to_literal(JOB, Job), Job)
    assert out == JOB and "owner" not in out and type(out) is dict
    assert REG.to_python(REG.to_literal({**JOB, "owner": "me"}, Job), Job)["owner"] == "me"


def test_literal_type_lists_keys_and_which_are_required() -> None:
    lt = REG.literal_type(Job)
    assert isinstance(lt, ts.StructType) and lt.tag == "typeddict"
    assert [(f.name, f.required) for f in lt.fields] == [
        ("name", True), ("tags", True), ("span", True), ("owner", False)
    ]  # fmt: skip
    loose = REG.literal_type(Loose)
    assert [(f.name, f.required) for f in loose.fields] == [("a", False), ("b", True)]


def test_missing_undeclared_and_mistyped_keys_are_named() -> None:
    with pytest.raises(ts.ConversionError, match=r"\$\.span.*required"):
        REG.to_literal({"name": "j", "tags": []}, Job)
    with pytest.raises(ts.ConversionError, match=r"\$\.colour.*does not declare"):
        REG.to_literal({**JOB, "colour": "red"}, Job)
    with pytest.raises(ts.ConversionError, match=r"\$\.tags"):
        REG.to_literal({**JOB, "tags": "a"}, Job)
    with pytest.raises(ts.ConversionError):
        REG.to_literal(["not", "a", "dict"], Job)


def test_recursive_typeddict() -> None:
    tree: Tree = {"label": "r", "kids": [{"label": "a", "kids": [{"label": "b"}]}, {"label": "c"}]}
    assert REG.to_python(REG.to_literal(tree, Tree), Tree) == tree


def test_typeddict_inside_a_dataclass() -> None:
    value = Holder(job=JOB, count=2)
    assert REG.to_python(REG.to_literal(value, Holder), Holder) == value
    with pytest.raises(ts.ConversionError):
        REG.to_literal(Holder(job={"name": "x"}, count=1), Holder)  # type: ignore[typeddict-item]


def test_json_form_reads_back() -> None:
    lt = REG.literal_type(Job)
    data = literal_to_json(REG.to_literal(JOB, Job), lt)
    assert data["span"]["start"] == "2024-05-01T12:00:00" and data["tags"] == ["a", "b"]
    assert REG.to_python(literal_from_json(data, lt), Job) == JOB
