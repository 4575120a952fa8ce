"""One rule for every ``timeout=`` (``flytelike/_settings/durations.py``): the same spellings, the same
errors, and ``0`` means "no timeout" on ``@task``, ``@env.task``, ``.override`` and
``.with_overrides`` alike."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest

import flytelike as fl
from flytelike._settings.durations import NO_TIMEOUT, node_timeout, timeout_seconds, to_seconds
from flytelike.engine import Engine, WorkflowPhase
from flytelike.errors import CompileError, DefinitionError

NO_TIMEOUT_SPELLINGS = [0, 0.0, dt.timedelta(0), "0s", "0"]


def _plain(x: int) -> int:
    return x


def _task_timeout(**kwargs: Any) -> Any:
    return fl.task(**kwargs)(_plain).template().metadata.timeout


def _override(t: Any, timeout: Any) -> Any:
    def body(x: int) -> int:
        return t(x=x).with_overrides(timeout=timeout)  # type: ignore[no-any-return]

    return fl.workflow(body).template().nodes[0].overrides


@fl.task(timeout=0.2)
def sleeper(seconds: float) -> str:
    time.sleep(seconds)
    return "done"


@fl.task
def no_timeout(x: int) -> int:
    return x


@pytest.mark.parametrize("zero", NO_TIMEOUT_SPELLINGS)
def test_zero_means_no_timeout_on_a_task_and_in_overrides(zero: Any) -> None:
    assert _task_timeout(timeout=zero) is None
    assert _task_timeout(timeout=zero) == _task_timeout()  # the same IR as the default
    ov = _override(no_timeout, zero)
    assert ov.timeout == NO_TIMEOUT
    # The same node timeout either way: none.
    assert node_timeout(_task_timeout(timeout=zero), None) is None
    assert node_timeout(no_timeout.template().metadata.timeout, ov.timeout) is None


def test_every_spelling_of_no_timeout_gives_one_ir() -> None:
    """``@task(timeout=0)`` and ``.with_overrides(timeout=0)`` read the value with one rule:
    every spelling of "no timeout" gives one IR value per field (and one workflow hash)."""
    overrides = {repr(z): _override(no_timeout, z) for z in [*NO_TIMEOUT_SPELLINGS, None]}
    assert len(set(overrides.values())) == 1, overrides
    tasks = {repr(z): _task_timeout(timeout=z) for z in [*NO_TIMEOUT_SPELLINGS, None]}
    assert set(tasks.values()) == {None}
    assert timeout_seconds(0, "here") is None is timeout_seconds(dt.timedelta(0), "here")


@pytest.mark.parametrize(
    "spelling", [90, 90.0, dt.timedelta(seconds=90), "90", "1m30s", "0:01:30", "PT1M30S"]
)
def test_one_spelling_rule(spelling: Any) -> None:
    assert _task_timeout(timeout=spelling) == 90.0
    assert _override(no_timeout, spelling).timeout == 90.0
    env = fl.TaskEnvironment("timeouts")
    v2 = env.task(timeout=spelling)(_plain)
    assert v2.template().metadata.timeout == 90.0
    assert v2.override(timeout=0).template().metadata.timeout is None
    assert env.task(timeout=0)(_plain).template().metadata.timeout is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([1], r"timeout: expected a datetime.timedelta, int or float seconds, or a duration"),
        ("soon", r"timeout: expected a datetime.timedelta"),
        (True, r"timeout: expected a datetime.timedelta"),
        (-1, r"timeout: must be >= 0, got -1"),
        (dt.timedelta(seconds=-5), r"timeout: must be >= 0"),
        ("-5", r"timeout: must be >= 0"),
        ("-PT5S", r"timeout: must be >= 0"),
        (float("inf"), r"timeout: must be a finite duration"),
        (float("nan"), r"timeout: must be a finite duration"),
    ],
)
def test_bad_timeouts_fail_the_same_way_everywhere(value: Any, message: str) -> None:
    with pytest.raises(DefinitionError, match=r"test_timeouts.py:\d+.*" + message):
        fl.task(timeout=value)(_plain)
    with pytest.raises(CompileError, match=r"node n0 .*" + message):
        _override(no_timeout, value)
    with pytest.raises(DefinitionError, match=message):
        fl.TaskEnvironment("bad").task(timeout=value)(_plain)


def test_gate_and_v2_durations_use_the_same_reader() -> None:
    assert to_seconds("1h30m", "x") == 5400.0
    one_minute = fl.Timeout("1m")  # type: ignore[arg-type]  # (strings: a flytelike extension)
    assert one_minute.max_runtime == dt.timedelta(minutes=1)
    with pytest.raises(DefinitionError, match=r"Timeout.max_runtime: must be >= 0"):
        fl.Timeout(dt.timedelta(seconds=-1))
    with pytest.raises(DefinitionError, match=r"sleep\(duration\): must be >= 0"):

        @fl.workflow
        def naps() -> None:
            fl.sleep(dt.timedelta(seconds=-1))


def test_an_override_of_zero_or_none_removes_the_task_timeout(engine: Engine) -> None:
    @fl.workflow
    def as_declared() -> str:
        return sleeper(seconds=0.4)

    @fl.workflow
    def zero() -> str:
        return sleeper(seconds=0.4).with_overrides(timeout=0)  # type: ignore[attr-defined,no-any-return]

    @fl.workflow
    def cleared() -> str:
        return sleeper(seconds=0.4).with_overrides(timeout=None)  # type: ignore[attr-defined,no-any-return]

    @fl.workflow
    def longer() -> str:
        return sleeper(seconds=0.4).with_overrides(timeout="5s")  # type: ignore[attr-defined,no-any-return]

    assert engine.run(as_declared).phase is WorkflowPhase.TIMED_OUT
    for wf in (zero, cleared, longer):
        assert engine.run(wf).outputs() == "done", wf.name
