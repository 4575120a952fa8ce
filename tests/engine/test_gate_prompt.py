"""A direct call's gate asks on the terminal: a hostile answer gets the gate's documented error
(``RunFailedError`` naming ``SignalError``), never a raw ``RecursionError``/``ValueError``."""

from __future__ import annotations

import builtins
import datetime as dt
import io

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
