"""The decoders' documented errors, case by case: what the fuzzers found, with the message."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import msgpack
import pytest

import typesystem as ts
from typesystem._durations import parse_duration
from typesystem._limits import MAX_DEPTH

REG = ts.TypeRegistry(plugins=False)


def ext(code: int, *fields: Any) -> bytes:
    return msgpack.packb(msgpack.ExtType(code, msgpack.packb(list(fields))))


def nested_unions(levels: int) -> bytes:
    """``levels`` union values, one inside the other, built without recursion."""
    data = msgpack.packb(1)
    for _ in range(levels):
        data = ext(11, "u", data)
    return data


# ------------------------------------------------------------------------------ msgpack
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Unpack failed: incomplete input"),
        (b"\x01\x02", "trailing bytes after the value"),
        (b"\xa2\xff\xfe", "a string is not valid UTF-8"),
        (
            ext(1, "2024-01-01T00:00:00+00:00", "No/Such_Zone", 0),
            "unknown time zone 'No/Such_Zone'",
        ),
        (ext(1, "2024-01-01T00:00:00", "../etc", 0), "unknown time zone '../etc'"),
        (ext(1, "2024-01-01", None, 2), r"datetime \(extension 1\): expected \[iso"),
        (ext(3, 10**9, 0, 0), "a duration holds at most 999,999,999 days"),
        (ext(3, "1", 0, 0), r"timedelta \(extension 3\): expected \[days: int"),
        (ext(11, 5, msgpack.packb(1)), r"union value \(extension 11\): expected \[variant: str"),
        (ext(11, "v"), r"union value \(extension 11\)"),
        (ext(13, "s3://b/k", "csv", "yes"), r"blob \(extension 13\): expected \[uri: str"),
        (ext(14, "s3://t", "parquet", [1]), r"table \(extension 14\)"),
        (ext(20, None, {"k": 1}, msgpack.packb(1)), r"wrapper \(extension 20\)"),
        (msgpack.packb(msgpack.ExtType(42, b"")), "unknown msgpack extension type 42"),
        (msgpack.packb(2**63), r"9223372036854775808 is outside the int64 range"),
    ],
)
def test_from_msgpack_names_what_is_wrong(data: bytes, message: str) -> None:
    with pytest.raises(ts.EncodingError, match=message) as info:
        ts.from_msgpack(data)
    assert str(info.value).startswith("bytes are not a msgpack-encoded literal (")


def test_union_nesting_is_capped_before_the_c_stack_runs_out() -> None:
    # Each nested union is a nested msgpack decode holding ~45 KB of C stack; 200 levels used
    # to crash the interpreter (SIGSEGV) instead of raising.
    assert ts.from_msgpack(nested_unions(MAX_DEPTH)) is not None
    for levels in (MAX_DEPTH + 1, 5000):
        with pytest.raises(ts.EncodingError, match=f"nest more than {MAX_DEPTH} levels deep"):
            ts.from_msgpack(nested_unions(levels))


def test_unpack_plain_raises_encoding_error() -> None:
    with pytest.raises(ts.EncodingError, match=r"plain msgpack data .* trailing bytes"):
        ts.unpack_plain(b"\x01\x01")
    with pytest.raises(ts.EncodingError, match="unknown msgpack extension type 5"):
        ts.unpack_plain(msgpack.packb(msgpack.ExtType(5, b"x")))
    with pytest.raises(ts.EncodingError, match="unhashable"):
        ts.unpack_plain(b"\x81\x90\x01")  # {[]: 1}
    with pytest.raises(ts.EncodingError, match=r"a bytes-like object is required"):
        ts.unpack_plain("text")  # type: ignore[arg-type]


def test_valid_extension_values_still_decode() -> None:
    values = [
        dt.datetime(2024, 11, 3, 1, 30, tzinfo=dt.UTC),
        dt.date(2024, 2, 29),
        dt.timedelta(days=-999999999),
        dt.timedelta(days=999999999, seconds=86399, microseconds=999999),
    ]
    for v in values:
        assert ts.from_msgpack(ts.to_msgpack(ts.Scalar(v))) == ts.Scalar(v)
        assert ts.unpack_plain(ts.pack_plain([v])) == [v]


# ------------------------------------------------------------------------------ JSON
@pytest.mark.parametrize(
    ("data", "t", "path", "detail"),
    [
        ([1e300], list[int], "$[0]", "an integer of 997 bits is outside the int64 range"),
        ([2**63], list[int], "$[0]", "9223372036854775808 is outside the int64 range"),
        ([1.5], list[int], "$[0]", "1.5 is not a whole number"),
        ({"x": 10**400}, dict[str, float], "$['x']", "too large for a float"),
        ({"abc": 1}, dict[int, int], "$['abc']", "invalid literal for int()"),
        ({"99999999999999999999": 1}, dict[int, int], "$['99999999999999999999']", "int64"),
        ({"yes": 1}, dict[bool, int], "$['yes']", 'expected "true" or "false"'),
        (1e300, dt.timedelta, "$", "a duration holds at most 999,999,999 days"),
        ("99999999999d", dt.timedelta, "$", "is out of range"),
        ("1e400", dt.timedelta, "$", "is out of range"),
        ("P9999999999D", dt.timedelta, "$", "is out of range"),
        ("-P999999999DT24H", dt.timedelta, "$", "is out of range"),
        ("@@", bytes, "$", "Only base64 data is allowed"),
    ],
)
def test_json_input_errors_name_the_path(data: Any, t: Any, path: str, detail: str) -> None:
    with pytest.raises(ts.ConversionError) as info:
        ts.literal_from_json(data, REG.literal_type(t))
    (issue,) = info.value.issues
    assert issue.path == path
    assert detail in str(issue)


def test_json_input_for_untyped_values_is_checked() -> None:
    lt = REG.literal_type(dict[str, Any])
    with pytest.raises(
        ts.ConversionError,
        match=r"at `\$\['a'\]\[1\]` \(18446744073709551616 is outside the int64 range",
    ):
        ts.literal_from_json({"a": [1, 2**64]}, lt)
    with pytest.raises(ts.ConversionError, match="cannot encode a value of type `object`"):
        ts.literal_from_json({"a": object()}, lt)
    assert ts.literal_from_json({"a": [1, {"b": None}]}, lt) is not None


def test_binary_json_form_is_validated() -> None:
    lt = ts.BinaryType("cloudpickle")
    with pytest.raises(ts.ConversionError, match="`base64` is not base64"):
        ts.literal_from_json({"base64": "###"}, lt)
    with pytest.raises(ts.ConversionError, match=re.escape('expected {"base64": "<base64 text>"}')):
        ts.literal_from_json({"base64": 5}, lt)
    assert ts.literal_from_json({"base64": "AAE="}, lt) == ts.Binary("cloudpickle", b"\x00\x01")


def test_table_json_form_is_validated() -> None:
    lt = ts.TableType("parquet")
    with pytest.raises(ts.ConversionError, match="expected a URI string or"):
        ts.literal_from_json({"uri": "s3://t", "columns": 5}, lt)
    with pytest.raises(ts.ConversionError, match="expected a URI string or"):
        ts.literal_from_json({"uri": 1}, lt)


@pytest.mark.parametrize("text", ["99999999999d", "1e400", "inf", "nan", "9" * 5000 + "s"])
def test_parse_duration_raises_value_error_out_of_range(text: str) -> None:
    with pytest.raises(ValueError, match="is out of range: a duration holds at most"):
        parse_duration(text)


def test_parse_duration_still_reads_every_spelling() -> None:
    assert parse_duration("1h30m") == dt.timedelta(hours=1, minutes=30)
    assert parse_duration("P1DT2H") == dt.timedelta(days=1, hours=2)
    assert parse_duration("90") == dt.timedelta(seconds=90)
    assert parse_duration("1:30") == dt.timedelta(seconds=90)
    assert parse_duration("-PT1S") == dt.timedelta(seconds=-1)
    with pytest.raises(ValueError, match="cannot read 'soon' as a duration"):
        parse_duration("soon")
