"""The executor's prepared runs (``_prepared``): after a task's first request of a run has been
read the general way, the next ones are read for their id, attempt and inputs alone and run
through the task's in-place runner, with the same answers; bytes that could mean something else
are never taken that way."""

from __future__ import annotations

import itertools
import time
from typing import Any

import pytest

import flytelike as fl
from flytelike.backends import ActionContext, ActionRequest, current_context
from flytelike.executor import _bytes, _server, _wire
from flytelike.proto import executor_pb2 as pb
from typesystem import Scalar


@fl.task
def add(x: int, y: int = 1) -> int:
    return x + y


@fl.task
def started(x: int) -> float:
    return current_context().execution_date.timestamp()


class Aborted(Exception):
    pass


class Context:
    """What ``_action`` uses of a gRPC servicer context."""

    def abort(self, code: Any, message: str) -> None:
        raise Aborted(code.name, message)


def _service() -> _server.ExecutorService:
    return _server.ExecutorService(_server.local_backend(), "", 1 << 20)


def _send(service: _server.ExecutorService, data: bytes) -> Any:
    grpc = _server._net.import_grpc()
    raw = service._action(grpc, data, Context(), [None], None)
    return _wire.outcome_from_proto(raw, ActionContext("r", "n"))


def _requests(task: Any, run: str, n: int) -> tuple[bytes, list[bytes]]:
    """The template's first request and ``n`` more, digest only, of one run."""
    codec = _wire.TaskCodec(kinds=())
    full, ref, _ = codec.encoded(task)
    out = []
    for i in range(n + 1):
        context = ActionContext(run, f"n{i}", i % 3, "/tmp/runs/" + run, "", None, False)
        out.append(_wire.request_body(ActionRequest(task, {"x": Scalar(i)}, context), ""))
    return full + out[0], [ref + body for body in out[1:]]


def test_read_request_reads_the_clients_layout() -> None:
    _, datas = _requests(add.template(), "run-1", 3)
    parts = [_bytes.read_request(d) for d in datas]
    assert all(p is not None for p in parts)
    keys = {p[0] for p in parts if p is not None}
    assert len(keys) == 1  # (one task, one run: one key)
    assert [(p[1], p[2], p[3]) for p in parts if p is not None] == [
        (f"n{i}", i % 3, {"x": Scalar(i)}) for i in (1, 2, 3)
    ]
    _, other = _requests(add.template(), "run-2", 1)
    assert _bytes.read_request(other[0])[0] != parts[0][0]  # type: ignore[index]
    # Anything else: a template sent along, truncated bytes, a long varint, an empty id.
    first, _ = _requests(add.template(), "run-1", 0)
    assert _bytes.read_request(first) is None
    for bad in (datas[0][:-1], datas[0][:40], b"", b"\x2a"):
        assert _bytes.read_request(bad) is None


def test_later_requests_run_prepared_with_the_same_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    from flytelike.backends._local import InlineRunner

    ran: list[str] = []
    once = InlineRunner.once

    def counted(self: Any, action_id: str, inputs: Any, attempt: int) -> Any:
        ran.append(action_id)
        return once(self, action_id, inputs, attempt)

    monkeypatch.setattr(InlineRunner, "once", counted)
    service = _service()
    first, datas = _requests(add.template(), "run-1", 4)
    assert _send(service, first).outputs == {"o0": Scalar(1)}
    answers = [_send(service, d).outputs for d in datas]
    assert answers == [{"o0": Scalar(i + 1)} for i in range(1, 5)]
    assert ran == ["n2", "n3", "n4"]  # (n1 was read the general way, and taught the rest)


def test_unknown_inputs_and_other_bundles_go_the_general_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service = _service()
    monkeypatch.setattr(service.bundles, "use", lambda uri, digest: None)
    first, datas = _requests(add.template(), "run-1", 2)
    _send(service, first)
    _send(service, datas[0])
    assert service.prepared.find(_bytes.read_request(datas[1])) is not None  # type: ignore[arg-type]
    bad = datas[1].replace(b"\n\x01x", b"\n\x01q")  # (the input's name: x -> q)
    assert _bytes.read_request(bad) is not None
    with pytest.raises(Aborted, match=r"inputs\.q: the task has no such input"):
        _send(service, bad)
    service._use_code(None, None, _wire.CodeRef(bundle_uri="/b.tgz", bundle_digest="a" * 64))
    assert service.prepared.find(_bytes.read_request(datas[1])) is None  # type: ignore[arg-type]


def test_a_run_part_naming_an_attempt_is_never_prepared() -> None:
    """Protobuf lets a later field win: an attempt written after the head would override the
    head's, so such bytes are read the general way every time."""
    service = _service()
    first, datas = _requests(add.template(), "run-9", 2)
    _send(service, first)
    tail = b"\x18\x07"  # attempt 7, in the run's part
    for data in datas:
        parts = _bytes.read_request(data)
        assert parts is not None
        forged = _with_context_tail(data, tail)
        assert pb.ActionRequest.FromString(forged).context.attempt == 7
        _send(service, forged)
        assert service.prepared.find(_bytes.read_request(forged)) is None  # type: ignore[arg-type]


def _with_context_tail(data: bytes, tail: bytes) -> bytes:
    """``data`` (the client's layout, context last, lengths below 128) with ``tail`` appended
    to its context field."""
    msg = pb.ActionRequest.FromString(data)
    context = msg.context.SerializeToString()
    at = data.rindex(b"\x1a" + bytes([len(context)]))
    body = data[at + 2 :] + tail
    return data[:at] + b"\x1a" + bytes([len(body)]) + body


def test_each_prepared_attempt_has_its_own_execution_date() -> None:
    service = _service()
    first, datas = _requests(started.template(), "run-3", 3)
    dates = []
    for data in (first, *datas):
        dates.append(_send(service, data).outputs["o0"].value)
        time.sleep(0.02)
    assert all(b - a >= 0.015 for a, b in itertools.pairwise(dates))


def test_mutated_requests_read_prepared_mean_what_protobuf_reads() -> None:
    """Requests of a learnt run with bytes changed, dropped or added: whenever the prepared
    reading takes one, protobuf's reading (every field checked) accepts it too and finds the
    same context, inputs, template and code."""
    import random
    from dataclasses import replace

    service = _service()
    first, datas = _requests(add.template(), "run-f", 1)
    _send(service, first)
    _send(service, datas[0])
    codec = _wire.TaskCodec(kinds=())
    _, ref, _ = codec.encoded(add.template())
    rnd = random.Random(7)
    taken = 0
    for _ in range(3000):
        inputs = rnd.choice(
            [{"x": Scalar(rnd.randrange(-300, 300))}, {"x": Scalar(1), "y": Scalar(2)}]
        )
        context = ActionContext(
            "run-f", rnd.choice(["n1", "n22", "é"]), rnd.choice([0, 1, 300]), "/tmp/runs/run-f"
        )
        data = bytearray(
            ref + _wire.request_body(ActionRequest(add.template(), inputs, context), "")
        )
        for _ in range(rnd.randrange(1, 3)):
            at = rnd.randrange(len(data))
            how = rnd.randrange(3)
            if how == 0:
                data[at] = rnd.randrange(256)
            elif how == 1:
                del data[at]
            else:
                data.insert(at, rnd.randrange(256))
        parts = _bytes.read_request(bytes(data))
        prepared = service.prepared.find(parts) if parts is not None else None
        if parts is None or prepared is None:
            continue
        taken += 1
        request, code = _wire.request_from_proto(service.codec, bytes(data))
        assert request.context == replace(prepared.base, action_id=parts[1], attempt=parts[2])
        assert dict(request.inputs) == parts[3]
        assert request.task is prepared.task and code == prepared.code
    assert taken > 10  # (some mutations keep the layout: a value, an id, an attempt)
