"""A connection that drops in the middle of an attempt is a system error, retried by the engine
within the run's system budget (the task's own retries are not used)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from flytelike.backends import _conformance_tasks as ct
from flytelike.engine import Engine, EngineConfig, WorkflowPhase
from flytelike.executor import ExecutorServer, GrpcBackend


def test_a_dropped_connection_is_retried_on_the_next_executor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLYTELIKE_CONFORMANCE_DIR", str(tmp_path))
    first = ExecutorServer("127.0.0.1", 0)
    port = first.start()
    backend = GrpcBackend(address=f"127.0.0.1:{port}")
    engine = Engine(EngineConfig.from_env(home=tmp_path / "home"), backend=backend)
    second = ExecutorServer("127.0.0.1", port)  # (gRPC listens with SO_REUSEPORT)

    def replace_executor() -> None:
        time.sleep(0.5)  # (the attempt is running on the first executor)
        second.start()
        first.stop(grace=0)  # (its calls are cut off)

    swap = threading.Thread(target=replace_executor)
    swap.start()
    try:
        run = engine.run(ct.nap, seconds=1.5)
        swap.join()
        assert run.phase is WorkflowPhase.SUCCEEDED
        attempts = run.attempts()
        assert [a.phase for a in attempts] == ["RETRYABLE_FAILED", "SUCCEEDED"]
        assert "connection dropped" in (attempts[0].error or {}).get("message", "")
    finally:
        swap.join()
        engine.close()
        backend.close()
        second.stop()
