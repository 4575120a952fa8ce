"""A connection that drops in the middle of an attempt is a system error, retried by the engine
within the run's system budget (the task's own retries are not used)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from flytelike.conformance import tasks as ct
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
        deadline = time.monotonic() + 30
        while not first.service.running and time.monotonic() < deadline:
            time.sleep(0.01)  # (until the attempt runs on the first executor)
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


def test_a_deadline_becomes_the_attempts_timeout() -> None:
    from flytelike.backends import ActionContext, ActionRequest
    from flytelike.executor._server import _within_deadline

    req = ActionRequest(ct.add.template(), {}, ActionContext("r", "n0", timeout=10.0))
    assert _within_deadline(req, None) is req
    assert _within_deadline(req, 1e9) is req  # (a call without a deadline)
    assert _within_deadline(req, 20.0) is req  # (its own timeout is nearer)
    assert _within_deadline(req, 2.0).context.timeout == pytest.approx(1.95)


def test_the_executor_stops_an_attempt_at_its_timeout(executor: ExecutorServer) -> None:
    import asyncio

    from flytelike.backends import ActionContext, ActionRequest
    from typesystem import Scalar

    backend = GrpcBackend(address=executor.address)
    req = ActionRequest(
        ct.nap.template(), {"seconds": Scalar(5.0)}, ActionContext("r", "n0", timeout=0.5)
    )
    t0 = time.perf_counter()
    try:
        outcome = asyncio.run(backend.run_action(req))
    finally:
        backend.close()
    assert time.perf_counter() - t0 < 3.0
    err = outcome.error
    assert err is not None and err.timed_out and err.recoverable
    assert "timed out after 0.5s on the executor" in err.message


def test_cancel_stops_a_running_attempt(executor: ExecutorServer) -> None:
    import asyncio

    import grpc

    from flytelike.backends import ActionContext, ActionRequest
    from flytelike.proto import executor_pb2 as pb
    from typesystem import Scalar

    backend = GrpcBackend(address=executor.address)
    req = ActionRequest(ct.anap.template(), {"seconds": Scalar(5.0)}, ActionContext("rc", "n7"))
    result: list[object] = []
    runner = threading.Thread(target=lambda: result.append(asyncio.run(backend.run_action(req))))
    t0 = time.perf_counter()
    runner.start()
    channel = grpc.insecure_channel(executor.address)
    cancel = channel.unary_unary("/flytelike.executor.v1.Executor/Cancel")
    try:
        found = False
        while not found and time.perf_counter() - t0 < 3:
            time.sleep(0.05)
            ask = pb.CancelRequest(run_name="rc", action_id="n7", attempt=0)
            found = pb.CancelReply.FromString(cancel(ask.SerializeToString())).found
        runner.join(timeout=10)
    finally:
        channel.close()
        backend.close()
    assert found
    assert time.perf_counter() - t0 < 3
    err = result[0].error  # type: ignore[attr-defined]
    assert err is not None and err.kind == "SYSTEM" and "CANCELLED" in err.message


def test_health_protocol(executor: ExecutorServer) -> None:
    import grpc

    from flytelike.proto import executor_pb2 as pb

    channel = grpc.insecure_channel(executor.address)
    try:
        check = channel.unary_unary("/grpc.health.v1.Health/Check")
        for service in ("", "flytelike.executor.v1.Executor"):
            raw = check(pb.HealthCheckRequest(service=service).SerializeToString(), timeout=10)
            assert pb.HealthCheckResponse.FromString(raw).status == pb.HealthCheckResponse.SERVING
        with pytest.raises(grpc.RpcError) as info:
            check(pb.HealthCheckRequest(service="nope").SerializeToString(), timeout=10)
        assert info.value.code() is grpc.StatusCode.NOT_FOUND
        watch = channel.unary_stream("/grpc.health.v1.Health/Watch")
        stream = watch(pb.HealthCheckRequest().SerializeToString(), timeout=10)
        first = pb.HealthCheckResponse.FromString(next(stream))
        assert first.status == pb.HealthCheckResponse.SERVING
        stream.cancel()
    finally:
        channel.close()


def test_an_executor_that_never_answers_times_the_attempt_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The client's own timer (the attempt's timeout plus DEADLINE_GRACE) ends a streamed
    attempt the executor never answers, and cancels its call."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    import grpc

    from flytelike.backends import ActionContext, ActionRequest
    from flytelike.executor import _client
    from flytelike.proto import executor_pb2 as pb
    from typesystem import Scalar

    monkeypatch.setattr(_client, "DEADLINE_GRACE", 0.2)
    ended = threading.Event()

    def silent(requests: Any, context: Any) -> Any:
        next(requests)  # (the attempt arrives, and is never answered)
        while context.is_active():
            time.sleep(0.01)
        ended.set()
        return iter(())

    info = pb.ExecutorInfo(name="silent", task_kinds=["python"], capabilities=["stream"])
    server = grpc.server(ThreadPoolExecutor(4))
    server.add_generic_rpc_handlers(
        [
            grpc.method_handlers_generic_handler(
                "flytelike.executor.v1.Executor",
                {
                    "Describe": grpc.unary_unary_rpc_method_handler(
                        lambda data, context: info.SerializeToString()
                    ),
                    "RunActions": grpc.stream_stream_rpc_method_handler(silent),
                },
            )
        ]
    )
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    backend = GrpcBackend(address=f"127.0.0.1:{port}")
    req = ActionRequest(
        ct.add.template(), {"a": Scalar(1), "b": Scalar(2)}, ActionContext("r", "n0", timeout=0.3)
    )
    t0 = time.perf_counter()
    try:
        outcome = asyncio.run(backend.run_action(req))
        assert ended.wait(10)  # (the call was cancelled)
    finally:
        backend.close()
        server.stop(0)
    assert time.perf_counter() - t0 < 5
    err = outcome.error
    assert err is not None and err.timed_out and err.recoverable
    assert "timed out: no answer from executor" in err.message
