"""What a run on the Python executor gets back besides outputs: dynamic graphs, logs, decks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import flytelike as fl
from flytelike.engine import Engine, EngineConfig, WorkflowPhase
from flytelike.executor import ExecutorServer, GrpcBackend


@fl.task
def square(x: int) -> int:
    print(f"squaring {x}")
    return x * x


@fl.dynamic
def fan_out(n: int) -> list[int]:
    return [square(x=i) for i in range(n)]


@fl.workflow
def squares(n: int) -> list[int]:
    return fan_out(n=n)


@pytest.fixture
def engine(executor: ExecutorServer, tmp_path: Path) -> Iterator[Engine]:
    backend = GrpcBackend(address=executor.address)
    eng = Engine(EngineConfig.from_env(home=tmp_path / "home"), backend=backend)
    yield eng
    eng.close()
    backend.close()


def test_a_dynamic_graph_and_what_tasks_print_come_back(engine: Engine) -> None:
    run = engine.run(squares, n=3)
    assert run.phase is WorkflowPhase.SUCCEEDED
    assert run.outputs() == [0, 1, 4]
    printed = sorted(log.stdout for log in run.logs())
    assert printed == ["squaring 0\n", "squaring 1\n", "squaring 2\n"]


def test_the_python_equivalent_of_executor(
    executor: ExecutorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``flytelike run --executor HOST:PORT`` from Python: the grpc backend with its address."""
    from typing import Any

    monkeypatch.setenv("FLYTELIKE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("FLYTELIKE_EXECUTOR", raising=False)
    monkeypatch.delenv("FLYTELIKE_BACKEND_OPTIONS", raising=False)
    served: list[int] = []
    action = executor.service._action

    def counting(*args: Any) -> Any:
        served.append(1)
        return action(*args)

    monkeypatch.setattr(executor.service, "_action", counting)
    ctx = fl.with_runcontext(backend="grpc", backend_options={"address": executor.address})
    assert ctx.run(square, x=7).outputs() == 49
    assert served == [1]  # (it ran on the executor)
