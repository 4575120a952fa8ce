"""Code sent to a gRPC executor: a function the executor cannot import by name (a local one, a
script's) travels by value (``ship_task``); one whose globals cannot be pickled fails before it
is sent, naming them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import flytelike as fl
from flytelike.engine import Engine, EngineConfig, WorkflowPhase
from flytelike.executor import ExecutorServer, GrpcBackend, _wire


@pytest.fixture
def engine(executor: ExecutorServer, tmp_path: Path) -> Iterator[Engine]:
    backend = GrpcBackend(address=executor.address)
    eng = Engine(EngineConfig.from_env(home=tmp_path / "home"), backend=backend)
    yield eng
    eng.close()
    backend.close()


def test_a_local_task_travels_by_value(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[Any] = []
    encode = _wire.request_body

    def spy(request: Any, root: str, task: Any = None) -> Any:
        sent.append(task or request.task)  # (the template that travels)
        return encode(request, root, task)

    monkeypatch.setattr(_wire, "request_body", spy)
    offset = 5

    @fl.task
    def shifted(x: int) -> int:
        return x + offset

    run = engine.run(shifted, x=1)
    assert run.outputs() == 6
    assert sent and sent[0].function.pickled  # by value: the executor cannot import it


def test_a_global_that_cannot_be_pickled_is_named(engine: Engine) -> None:
    guard = threading.Lock()

    @fl.task
    def locked(x: int) -> int:
        with guard:
            return x

    run = engine.run(locked, x=1)
    assert run.phase is WorkflowPhase.FAILED
    message = run.error.message if run.error is not None else ""
    assert "cannot be sent" in message and "`guard` (a `_thread.lock`" in message


def test_eager_parents_and_mocked_tasks_run_in_the_driver(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flytelike import testing
    from flytelike.conformance import tasks as ct

    sent: list[str] = []
    encode = _wire.request_body

    def spy(request: Any, root: str, task: Any = None) -> Any:
        sent.append(request.task.kind)
        return encode(request, root, task)

    monkeypatch.setattr(_wire, "request_body", spy)
    assert engine.run(ct.eager_sum, n=2).outputs() == 1 + 2
    assert "eager" not in sent and sent  # (its children went to the executor)
    sent.clear()
    with testing.task_mock(ct.inc) as m:
        m.return_value = 41
        assert engine.run(ct.inc, x=1).outputs() == 41
    assert sent == []
