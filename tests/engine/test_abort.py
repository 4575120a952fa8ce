"""Aborting a node of a v1 workflow: the node ends ABORTED and so does the run."""

from __future__ import annotations

import time

import pytest

from flytelike import task, workflow
from flytelike.engine import Engine, RunFailedError


@task
def nap(s: float) -> float:
    time.sleep(s)
    return s


@workflow
def two_naps() -> float:
    nap(s=0.01)
    return nap(s=0.3)


def test_abort_a_workflow_node(engine: Engine) -> None:
    run = engine.run(two_naps, wait=False)
    deadline = time.monotonic() + 2
    while not any(a.action_id == "n1" and a.phase == "RUNNING" for a in run.actions()):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    run.abort("n1", reason="too slow")
    run.wait(5)
    assert run.phase.value == "ABORTED"
    phases = {a.action_id: a.phase for a in run.actions()}
    assert phases["n1"] == "ABORTED"
    with pytest.raises(RunFailedError, match=r"action n1 of run .* was aborted: too slow"):
        run.outputs()
