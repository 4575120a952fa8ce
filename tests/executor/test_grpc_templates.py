"""Task templates travel once per executor: later requests name them by digest; an executor that
does not know a digest (it restarted) answers NOT_FOUND and gets the template again. Attempts go
over long-lived ``RunActions`` streams, one attempt at a time per stream."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import grpc
import pytest

from flytelike.backends import ActionContext, ActionRequest
from flytelike.conformance import tasks as ct
from flytelike.executor import ExecutorServer, GrpcBackend, _wire
from flytelike.proto import executor_pb2 as pb
from typesystem import Scalar


def add(backend: GrpcBackend, n: int) -> list[Any]:
    async def main() -> list[Any]:
        out = []
        for i in range(n):
            req = ActionRequest(
                ct.add.template(), {"a": Scalar(i), "b": Scalar(1)}, ActionContext("r", f"n{i}")
            )
            out.append((await backend.run_action(req)).outputs)
        return out

    return asyncio.run(main())


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names of the templates executors decode (each time one is sent)."""
    seen: list[str] = []
    decode = _wire.TaskCodec.decode

    def spy(self: _wire.TaskCodec, msg: Any, field: str = "task") -> Any:
        seen.append(msg.id.name)
        return decode(self, msg, field)

    monkeypatch.setattr(_wire.TaskCodec, "decode", spy)
    yield seen


def test_a_template_is_sent_once(decoded: list[str]) -> None:
    server = ExecutorServer("127.0.0.1", 0)
    server.start()
    backend = GrpcBackend(address=server.address)
    try:
        assert add(backend, 5) == [{"o0": Scalar(i + 1)} for i in range(5)]
        assert decoded == [ct.add.template().id.name]
    finally:
        backend.close()
        server.stop()


def test_a_restarted_executor_gets_the_template_again(decoded: list[str]) -> None:
    first = ExecutorServer("127.0.0.1", 0)
    port = first.start()
    backend = GrpcBackend(address=f"127.0.0.1:{port}")
    try:
        assert add(backend, 2) == [{"o0": Scalar(1)}, {"o0": Scalar(2)}]
        first.stop()
        second = ExecutorServer("127.0.0.1", port)  # (knows no templates)
        second.start()
        try:
            assert add(backend, 2) == [{"o0": Scalar(1)}, {"o0": Scalar(2)}]
        finally:
            second.stop()
    finally:
        backend.close()
    assert len(decoded) == 2  # (once by each executor)


def test_a_digest_must_match_the_template_sent_with_it(executor: ExecutorServer) -> None:
    req = ActionRequest(
        ct.add.template(), {"a": Scalar(1), "b": Scalar(2)}, ActionContext("r", "n0")
    )
    msg = pb.ActionRequest.FromString(_wire.request_to_proto(_wire.TaskCodec(), req, ""))
    good = msg.task_digest
    msg.task_digest = "f" * 64
    with grpc.insecure_channel(executor.address) as channel:
        method = channel.unary_unary("/flytelike.executor.v1.Executor/RunAction")
        with pytest.raises(grpc.RpcError) as info:
            method(msg.SerializeToString(), timeout=30)
        assert info.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        assert info.value.details() == (
            f"task_digest: '{'f' * 64}' is not the sha256 of the task sent with it ({good})"
        )
        msg.ClearField("task")
        msg.task_digest = "a" * 64
        with pytest.raises(grpc.RpcError) as info:
            method(msg.SerializeToString(), timeout=30)
        assert info.value.code() is grpc.StatusCode.NOT_FOUND
        assert "unknown task digest" in info.value.details()
        msg.ClearField("task_digest")
        with pytest.raises(grpc.RpcError) as info:
            method(msg.SerializeToString(), timeout=30)
        assert info.value.details() == (
            "task: required (or the task_digest of a template sent before)"
        )


def test_attempts_share_a_stream() -> None:
    server = ExecutorServer("127.0.0.1", 0)
    opened: list[int] = []
    run_actions = server.service.run_actions

    def counting(requests: Any, context: Any) -> Any:
        opened.append(1)
        return run_actions(requests, context)

    server.service.run_actions = counting  # type: ignore[method-assign]  # (before start binds it)
    server.start()
    backend = GrpcBackend(address=server.address)
    try:
        assert add(backend, 20) == [{"o0": Scalar(i + 1)} for i in range(20)]
    finally:
        backend.close()
        server.stop()
    assert len(opened) == 1


def test_a_stream_that_is_refused_falls_back_to_single_calls() -> None:
    server = ExecutorServer("127.0.0.1", 0, workers=2)
    server.service.max_streams = 0  # (no room for any stream)
    server.start()
    backend = GrpcBackend(address=server.address)
    try:
        assert add(backend, 3) == [{"o0": Scalar(i + 1)} for i in range(3)]
    finally:
        backend.close()
        server.stop()


def test_a_refusal_over_a_stream_keeps_its_status(executor: ExecutorServer) -> None:
    from dataclasses import replace

    backend = GrpcBackend(address=executor.address)
    task = replace(ct.add.template(), kind="spark")
    req = ActionRequest(task, {"a": Scalar(1), "b": Scalar(2)}, ActionContext("r", "n0"))
    try:
        for _ in range(3):  # (the first carries the template, the next ones too: never accepted)
            err = asyncio.run(backend.run_action(req)).error
            assert err is not None and not err.recoverable
            assert "(UNIMPLEMENTED): task.kind: this executor does not run tasks of kind" in (
                err.message
            )
        assert add(backend, 2) == [{"o0": Scalar(1)}, {"o0": Scalar(2)}]
        assert backend._streams is True  # (the executor still serves streams)
    finally:
        backend.close()


def test_streams_of_ended_event_loops_are_closed() -> None:
    """``asyncio.run`` per call makes a loop each time: the idle stream a finished loop leaves is
    cancelled (not left holding a thread of the executor) when the next loop calls."""
    server = ExecutorServer("127.0.0.1", 0)
    server.start()
    backend = GrpcBackend(address=server.address)
    try:
        for _ in range(4):
            assert add(backend, 1) == [{"o0": Scalar(1)}]  # (asyncio.run: a loop of its own)
        deadline = time.monotonic() + 10
        while server.service.streams > 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert server.service.streams == 1  # (the last loop's, kept for reuse until close)
        backend.close()
        while server.service.streams and time.monotonic() < deadline:
            time.sleep(0.01)
        assert server.service.streams == 0
    finally:
        backend.close()
        server.stop()


def test_every_context_field_survives_the_wire() -> None:
    c = ActionContext(
        run_name="r9",
        action_id="n3/n0",
        attempt=2,
        run_dir="/tmp/runs/r9",
        raw_data_prefix="s3://bucket/raw",
        timeout=12.5,
        enable_deck=True,
        environment=(("A", "1"), ("B", "2")),
        secrets_dir="/tmp/secrets",
        secrets_env_prefix="SEC_",
        project="p",
        domain="d",
    )
    msg = pb.ActionContext()
    _wire.context_to_proto(msg, c)
    assert _wire.context_from_proto(pb.ActionContext.FromString(msg.SerializeToString())) == c
    msg.run_dir = "relative"  # (a path seen before is not re-checked; a new one is)
    with pytest.raises(_wire.RequestError, match=r"context\.run_dir: must be an absolute path"):
        _wire.context_from_proto(msg)
