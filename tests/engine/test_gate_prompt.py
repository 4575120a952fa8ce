"""A direct call's gate asks on the terminal (or reads piped answers): a hostile answer gets the
gate's documented error (``RunFailedError`` naming ``SignalError``), never a raw
``RecursionError``/``ValueError``; no input to ask gets the error saying how to answer."""

from __future__ import annotations

import builtins
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

import flytelike as fl
from flytelike.engine import Engine, RunFailedError


@fl.task
def inc(x: int) -> int:
    return x + 1


@fl.workflow
def asks() -> int:
    n = fl.wait_for_input("how_many", timeout=dt.timedelta(hours=1), expected_type=int)
    return inc(x=n)  # type: ignore[no-any-return]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _answer(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", _Terminal())
    monkeypatch.setattr(builtins, "input", lambda prompt="": text)


def test_a_typed_answer_is_used(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    _answer(monkeypatch, "41")
    assert asks() == 42


@fl.dynamic
def asks_at_run_time(base: int) -> int:
    first = inc(x=base)
    n = fl.wait_for_input("extra", timeout=dt.timedelta(hours=1), expected_type=int)
    first >> n
    return inc(x=n)  # type: ignore[no-any-return]


@fl.workflow
def asks_in_a_dynamic(base: int) -> int:
    return asks_at_run_time(base=base)  # type: ignore[no-any-return]


def test_answers_given_in_memory(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    # flytekit's gate tests answer with patch("sys.stdin", StringIO("...")): one line per gate
    monkeypatch.setattr("sys.stdin", io.StringIO("41\n"))
    assert asks() == 42


def test_a_gate_in_a_dynamic_task(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    # the graph a dynamic task builds may hold gates (it failed: '_Gate' has no attribute 'id')
    _answer(monkeypatch, "9")
    assert asks_in_a_dynamic(base=1) == 10


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("[" * 100_000 + "]" * 100_000, "JSON nested too deeply"),
        ("9" * 5_000, "digits"),  # json.loads: ValueError (int max str digits)
        ('"forty"', "is not a `int`"),
    ],
    ids=["deep", "huge-number", "wrong-type"],
)
def test_a_hostile_answer_gets_the_gate_error(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, text: str, why: str
) -> None:
    _answer(monkeypatch, text)
    with pytest.raises(RunFailedError) as info:
        asks()
    message = str(info.value)
    assert "SignalError" in message or "is not a `int`" in message
    assert why in message
    assert len(message) < 2_000  # the answer is shown shortened


@fl.workflow
def approved(x: int) -> int:
    ok = fl.wait_for_input("go", timeout=dt.timedelta(hours=1), expected_type=bool)
    y = inc(x=x)
    ok >> y
    return fl.approve(y, "check", timeout=dt.timedelta(hours=1))  # type: ignore[no-any-return]


@pytest.mark.parametrize("text", ["y", "Yes", " t ", "true", "1", "on"])
def test_a_boolean_gate_takes_a_yes_word(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    # flytekit's local prompt takes y/yes/... for a bool input and for an approval
    _answer(monkeypatch, text)
    assert approved(x=1) == 2


@pytest.mark.parametrize("text", ["n", "NO", "false", "0", "off"])
def test_a_no_word_rejects_an_approval(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    answers = iter(["yes", text])  # the input gate, then the approval
    monkeypatch.setattr("sys.stdin", _Terminal())
    monkeypatch.setattr(builtins, "input", lambda prompt="": next(answers))
    with pytest.raises(RunFailedError) as info:
        approved(x=1)
    assert "check" in str(info.value)


def test_a_yes_word_is_text_for_a_string_gate(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    @fl.task
    def echo(s: str) -> str:
        return s

    @fl.workflow
    def named() -> str:
        return echo(s=fl.wait_for_input("who", timeout=dt.timedelta(hours=1), expected_type=str))

    def answer(prompt: str = "") -> str:
        seen.append(prompt)
        return "y"

    monkeypatch.setattr("sys.stdin", _Terminal())
    monkeypatch.setattr(builtins, "input", answer)
    assert named() == "y"
    assert "(str)" in seen[0]


_PIPED = """
import datetime as dt
import flytelike as fl

@fl.task
def greet(who: str, n: int) -> str:
    return f"{who}:{n}"

@fl.workflow
def wf() -> str:
    who = fl.wait_for_input("who", timeout=dt.timedelta(hours=1), expected_type=str)
    n = fl.wait_for_input("n", timeout=dt.timedelta(hours=1), expected_type=int)
    return fl.approve(greet(who=who, n=n), "ok", timeout=dt.timedelta(hours=1))

try:
    print("RESULT", wf())
except Exception as e:
    print("FAILED", type(e).__name__, e)
"""


@pytest.mark.parametrize(
    ("stdin", "expected"),
    [
        ("ada\n3\ny\n", "RESULT ada:3"),  # answers piped in, as flytekit reads them
        ("ada\n", "without a terminal or piped input"),  # the answers ran out
        (None, "without a terminal or piped input"),  # /dev/null
    ],
    ids=["piped", "ran-out", "devnull"],
)
def test_a_direct_call_reads_piped_answers(
    tmp_path: Path, stdin: str | None, expected: str
) -> None:
    script = tmp_path / "gates.py"
    script.write_text(_PIPED)
    proc = subprocess.run(
        [sys.executable, str(script)],
        input=stdin,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "FLYTELIKE_HOME": str(tmp_path / "home")},
    )
    assert expected in proc.stdout, proc.stdout + proc.stderr
