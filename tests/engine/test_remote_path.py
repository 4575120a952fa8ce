"""The general (awaited) path of a task action on a backend the run waits for: a backend call
that raises is a system error of that attempt (retried within ``system_retries``), a
``TimeoutError`` raised by the backend of an action without a timeout included; a chain under a
parallelism limit of 1 takes and gives back its slot per action."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import flytelike as fl
from flytelike.backends import ActionOutcome, ActionRequest
from flytelike.backends._local import LocalBackend
from flytelike.engine import Engine, EngineConfig


@fl.task
def inc(x: int) -> int:
    return x + 1


@fl.workflow
def chain_5(x: int) -> int:
    for _ in range(5):
        x = inc(x=x)
    return x


class Flaky:
    """Raises ``error`` on the first ``fails`` calls, then runs actions locally after one turn
    of the event loop (as a remote backend makes the engine wait)."""

    name = "flaky"

    def __init__(self, error: Exception, fails: int) -> None:
        self.local = LocalBackend()
        self.error = error
        self.fails = fails
        self.calls = 0

    async def run_action(self, request: ActionRequest) -> ActionOutcome:
        self.calls += 1
        await asyncio.sleep(0)
        if self.calls <= self.fails:
            raise self.error
        return self.local.run_inline(request)

    def close(self) -> None:
        self.local.close()


def _engine(home: Path, backend: Any) -> Engine:
    return Engine(EngineConfig.from_env(home=home), backend=backend)


def test_a_backend_timeout_error_without_a_timeout_is_a_retried_system_error(
    tmp_path: Path,
) -> None:
    e = _engine(tmp_path, Flaky(TimeoutError("deadline"), 1))
    try:
        run = e.run(chain_5, x=0)
        assert run.outputs() == 5
        first = e.store.attempts(run.name, "n0")
        assert [a.phase for a in first] == ["RETRYABLE_FAILED", "SUCCEEDED"]
        assert first[0].error_kind == "SYSTEM" and first[0].error_type == "TimeoutError"
        assert "backend flaky failed" in first[0].message
    finally:
        e.close()


def test_a_backend_that_keeps_raising_fails_the_action_with_a_system_error(
    tmp_path: Path,
) -> None:
    e = _engine(tmp_path, Flaky(RuntimeError("down"), 100))
    try:
        run = e.run(chain_5, x=0)
        assert run.phase.value == "FAILED"
        attempts = e.store.attempts(run.name, "n0")
        assert len(attempts) == e.config.system_retries + 1
        assert {a.error_kind for a in attempts} == {"SYSTEM"}
        assert attempts[-1].phase == "FAILED" and "RuntimeError('down')" in attempts[-1].message
    finally:
        e.close()


def test_a_chain_under_a_parallelism_of_one_gives_its_slot_back_after_each_action(
    tmp_path: Path,
) -> None:
    e = _engine(tmp_path, Flaky(RuntimeError("unused"), 0))
    try:
        assert e.run(chain_5, x=0, max_parallelism=1).outputs() == 5
        assert e.run(chain_5, x=5, max_parallelism=1).outputs() == 10
    finally:
        e.close()
