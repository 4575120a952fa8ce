"""Reading a failed execution's error as flytekit documents it: ``execution.error`` (and a
node's, an attempt's) is a ``flytekit.models.core.execution.ExecutionError`` whose ``kind`` is
compared with ``ExecutionError.ErrorKind``; before the execution is done, asking raises
``FlyteAssertion``."""

from __future__ import annotations

import time

import pytest

from flytelike import task, workflow
from flytelike.engine import Engine
from flytelike.exceptions.user import FlyteAssertion
from flytelike.models.core.execution import ExecutionError, WorkflowExecutionPhase
from flytelike.remote import FlyteRemote


@task
def fail(x: int) -> int:
    raise ValueError(f"bad {x}")


@task
def snooze(s: float) -> float:
    time.sleep(s)
    return s


@workflow
def failing_wf(x: int = 1) -> int:
    return fail(x=x)


def test_a_failed_executions_error_is_flytekits_execution_error(engine: Engine) -> None:
    remote = FlyteRemote()
    ex = remote.wait(remote.execute(failing_wf, {"x": 3}))
    assert ex.closure.phase == WorkflowExecutionPhase.FAILED
    err = ex.error
    assert isinstance(err, ExecutionError)
    assert err.kind == ExecutionError.ErrorKind.USER and err.kind == "USER"
    assert err.kind.code == 1 and ExecutionError.ErrorKind.SYSTEM.code == 2
    assert "bad 3" in err.message and "ValueError" in err.code and err.error_uri == ""
    node = ex.node_executions["n0"]
    assert node.error is not None and node.error.kind is ExecutionError.ErrorKind.USER
    (attempt,) = node.task_executions
    assert attempt.error is not None and "bad 3" in attempt.error.message
    assert "<pre>" in err._repr_html_()


def test_a_successful_execution_has_no_error(engine: Engine) -> None:
    remote = FlyteRemote()
    ex = remote.execute(snooze, {"s": 0.0}, wait=True)
    assert ex.error is None


def test_the_error_of_a_running_execution_raises_flyte_assertion(engine: Engine) -> None:
    remote = FlyteRemote()
    ex = remote.execute(snooze, {"s": 0.3})
    with pytest.raises(FlyteAssertion, match="wait until it has completed"):
        ex.error  # noqa: B018
    assert remote.wait(ex).error is None


def test_execution_error_takes_flytekits_arguments() -> None:
    e = ExecutionError("USER:ValueError", "bad", "file:///err.pb", 2)
    assert e.kind is ExecutionError.ErrorKind.SYSTEM and e.error_uri == "file:///err.pb"
    assert ExecutionError("c", "m", "", "user").kind is ExecutionError.ErrorKind.USER
    assert ExecutionError("c", "m").kind is ExecutionError.ErrorKind.UNKNOWN
    with pytest.raises(ValueError, match=r"not an error kind: give ExecutionError\.ErrorKind"):
        ExecutionError("c", "m", "", 7)
