"""msgpack, JSON and JSON Schema encodings of literals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

import pytest

import typesystem as ts

REG = ts.TypeRegistry(plugins=False)


def test_msgpack_is_self_describing() -> None:
    literals = [
        ts.Scalar(1),
        ts.Scalar(None),
        ts.Collection((1, "a", ts.Scalar(2.5, hash="h"))),
        ts.Map({"a": ts.UnionValue("int", 3), 4: None}),
        ts.Binary("msgpack", b"\x80"),
        ts.Blob("s3://b/k", "csv"),
        ts.Blob("file:///d", "", multipart=True),
        ts.Table("s3://b/t", "parquet", ("a", "b")),
        ts.Scalar(dt.timedelta(seconds=5), metadata={"k": "v"}),
    ]
    for lit in literals:
        assert ts.from_msgpack(ts.to_msgpack(lit)) == lit


def test_msgpack_rejects_garbage() -> None:
    with pytest.raises(ts.EncodingError, match="not a msgpack-encoded literal"):
        ts.from_msgpack(b"\xc1")


def test_hash_replaces_content_in_digest() -> None:
    assert ts.digest(ts.Scalar(1, hash="same")) == ts.digest(ts.Scalar(2, hash="same"))
    assert ts.digest(ts.Scalar(1)) != ts.digest(ts.Scalar(1.0))


def test_digest_inputs_ignores_names() -> None:
    a = ts.digest_inputs({"x": ts.Scalar(1), "seed": ts.Scalar(5)}, frozenset({"seed"}))
    b = ts.digest_inputs({"x": ts.Scalar(1), "seed": ts.Scalar(6)}, frozenset({"seed"}))
    assert a == b


@dataclass
class Config:
    name: str
    rate: float
    when: dt.datetime
    every: dt.timedelta
    tags: list[str]
    limit: Optional[int] = None  # noqa: UP045


def test_json_form_is_plain() -> None:
    value = Config(
        "c", 1.0, dt.datetime(2024, 1, 2, 3, 4, 5), dt.timedelta(hours=1, minutes=30), ["a"]
    )
    lt = REG.literal_type(Config)
    data = ts.literal_to_json(REG.to_literal(value, Config), lt)
    assert data == {
        "name": "c",
        "rate": 1.0,
        "when": "2024-01-02T03:04:05",
        "every": "PT1H30M",
        "tags": ["a"],
        "limit": None,
    }
    assert REG.to_python(ts.literal_from_json(data, lt), Config) == value


def test_json_input_accepts_friendly_forms() -> None:
    lt = REG.literal_type(Config)
    data = {"name": "c", "rate": 2, "when": "2024-01-02", "every": "1h30m", "tags": []}
    out = REG.to_python(ts.literal_from_json(data, lt), Config)
    assert out.rate == 2.0 and out.every == dt.timedelta(hours=1, minutes=30)


def test_json_errors_list_every_path() -> None:
    lt = REG.literal_type(Config)
    with pytest.raises(ts.ConversionError) as info:
        ts.literal_from_json({"name": 1, "rate": "x", "tags": [1], "extra": 0}, lt)
    paths = sorted(i.path for i in info.value.issues)
    assert paths == ["$.every", "$.extra", "$.name", "$.rate", "$.tags[0]", "$.when"]


def test_json_scalars_by_type() -> None:
    assert ts.literal_from_json(3, REG.literal_type(float)) == ts.Scalar(3.0)
    assert ts.literal_from_json("AAE=", REG.literal_type(bytes)) == ts.Scalar(b"\x00\x01")
    assert ts.literal_from_json({"1": "a"}, REG.literal_type(dict[int, str])) == ts.Map({1: "a"})
    with pytest.raises(ts.ConversionError, match=r"Expected `int`, got `str`"):
        ts.literal_from_json("3", REG.literal_type(int))


def test_json_schema() -> None:
    schema = ts.json_schema(REG.literal_type(Config))
    record = schema["$defs"][f"{__name__}.Config"]
    assert record["required"] == ["name", "rate", "when", "every", "tags"]
    assert record["properties"]["when"] == {"type": "string", "format": "date-time"}
    assert record["properties"]["limit"] == {"anyOf": [{"type": "integer"}, {"type": "null"}]}
    assert ts.json_schema(REG.literal_type(list[int]))["items"] == {"type": "integer"}


def test_render_type_names() -> None:
    assert ts.render_type(REG.literal_type(dict[str, list[Optional[int]]])) == (  # noqa: UP045
        "dict[str, list[int | none]]"
    )
