"""Fuzzing ``flytelike run``'s input parsing: any flag value or inputs file gives a literal or a
``click.BadParameter`` naming the input (exit status 2), never a traceback.

``FLYTELIKE_FUZZ_EXAMPLES`` examples per test (default 40; the nightly run uses 10000).
"""

from __future__ import annotations

import json
import math
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

import typesystem as ts
from flytelike.cli import main
from flytelike.cli._run import _load_data_file, to_literal
from typesystem._limits import INT64_MAX, INT64_MIN
from typesystem.testing import types_and_values

pytestmark = pytest.mark.fuzz

FUZZ = settings.get_profile("fuzz")  # (tests/conftest.py)
REG = ts.TypeRegistry(plugins=False)

_NUMBERS = st.sampled_from(
    [2**63, -(2**63) - 1, 10**400, 1e300, -1e300, math.inf, math.nan, 2**63 - 1]
)
TEXTS = [
    "1e300", "1e400", "-1e400", "nan", "inf", "99999999999d", "P9999999999D", "[1e300]",
     "[" * 5000, "[" * 5000 + "]" * 5000, '{"a": ' * 3000 + "1" + "}" * 3000,
     '{"a": [1, 2**64]}', "2024-02-30", "9" * 5000, "\x00", "'", "- - -", "{", "true",
]  # fmt: skip
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | _NUMBERS | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=15,
)


def _ints_in_range(literal: Any) -> bool:
    if type(literal) is int:
        return INT64_MIN <= literal <= INT64_MAX
    if isinstance(literal, ts.Collection):
        return all(_ints_in_range(x) for x in literal.items)
    if isinstance(literal, ts.Map):
        return all(_ints_in_range(k) and _ints_in_range(v) for k, v in literal.items.items())
    if isinstance(literal, ts.Scalar | ts.UnionValue):
        return _ints_in_range(literal.value)
    return True


def parse(value: Any, t: Any) -> None:
    """``to_literal`` gives a literal with int64 ints, or ``BadParameter`` naming the input."""
    try:
        literal = to_literal("x", value, REG.literal_type(t), None)
    except click.BadParameter as e:
        event("to_literal: BadParameter")
        assert e.param_hint == "--x"
        assert e.message.startswith("input `x` (")
        return
    event("to_literal: a literal")
    assert isinstance(literal, ts.Literal)
    assert _ints_in_range(literal)


@FUZZ
@given(types_and_values(max_depth=2), st.text(max_size=30) | st.sampled_from(TEXTS))
def test_flag_text(pair: tuple[Any, Any], text: str) -> None:
    parse(text, pair[0])


@FUZZ
@given(types_and_values(max_depth=2), JSON)
def test_inputs_file_values(pair: tuple[Any, Any], data: Any) -> None:
    parse(data, pair[0])


@FUZZ
@given(types_and_values(max_depth=2))
def test_flag_text_of_a_valid_value_round_trips(pair: tuple[Any, Any]) -> None:
    t, v = pair
    lt = REG.literal_type(t)
    assume(not isinstance(lt, ts.SimpleType | ts.EnumType))  # (click parses those flags)
    literal = REG.to_literal(v, t)
    text = json.dumps(ts.literal_to_json(literal, lt))
    back = to_literal("x", text, lt, None)
    assert ts.literal_to_json(back, lt) == ts.literal_to_json(literal, lt)


@FUZZ
@given(st.binary(max_size=200) | st.sampled_from([t.encode() for t in TEXTS]))
def test_inputs_file_contents(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("inputs.json", "inputs.yaml"):
            path = Path(tmp) / name
            path.write_bytes(content)
            try:
                _load_data_file(str(path))
            except click.BadParameter as e:
                event("_load_data_file: BadParameter")
                assert str(path) in e.message
            else:
                event("_load_data_file: data")


# ------------------------------------------------------------------------------ end to end
WORKFLOW = textwrap.dedent(
    """
    import datetime
    from flytelike import task, workflow

    @task
    def total(xs: list[int], wait: datetime.timedelta) -> int:
        return sum(xs)

    @workflow
    def wf(xs: list[int], wait: datetime.timedelta) -> int:
        return total(xs=xs, wait=wait)
    """
)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--xs", "[1e300]", "--wait", "1"], "outside the int64 range"),
        (["--xs", "[9223372036854775808]", "--wait", "1"], "outside the int64 range"),
        (["--xs", "[1]", "--wait", "1e300"], "a duration holds at most 999,999,999 days"),
        (["--xs", "[1]", "--wait", "99999999999d"], "is out of range"),
        (["--xs", "[" * 100_000, "--wait", "1"], "nested too deeply to parse"),
    ],
)
def test_run_refuses_bad_flags_with_exit_status_2(
    tmp_path: Path, args: list[str], message: str
) -> None:
    source = tmp_path / "wf.py"
    source.write_text(WORKFLOW)
    result = CliRunner().invoke(main, ["run", str(source), "wf", *args])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_run_refuses_a_bad_inputs_file(tmp_path: Path) -> None:
    source = tmp_path / "wf.py"
    source.write_text(WORKFLOW)
    inputs = tmp_path / "in.yaml"
    inputs.write_text("xs: [1, 2\nwait: {")
    result = CliRunner().invoke(main, ["run", "--inputs-file", str(inputs), str(source), "wf"])
    assert result.exit_code == 2, result.output
    assert "is neither JSON nor YAML" in result.output


@pytest.mark.parametrize("value", ["[" * 100_000, "9" * 5000])
def test_runs_signal_refuses_values_json_cannot_read(value: str) -> None:
    result = CliRunner().invoke(main, ["runs", "signal", "some-run", "gate", value])
    assert result.exit_code == 2, result.output
    assert "VALUE: " in result.output and "Traceback" not in result.output
