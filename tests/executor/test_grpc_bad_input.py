"""Bad requests get a gRPC status naming the field, and never stop the executor.

The fuzz test sends mutated versions of valid requests (bytes flipped, cut, repeated, spliced)
to every method; each answer must be a result or one of the documented statuses, and the
executor must stay healthy. ``FLYTELIKE_FUZZ_EXAMPLES`` sets the number of requests (default
200; the nightly size is 10000).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from google.protobuf.descriptor import FieldDescriptor as FD
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flytelike.backends import ActionContext, ActionRequest
from flytelike.conformance import tasks as ct
from flytelike.executor import ExecutorServer, GrpcBackend
from flytelike.executor import _wire as wire
from flytelike.proto import executor_pb2 as pb
from typesystem import Scalar

from .conftest import TOKEN

SERVICE = "/flytelike.executor.v1.Executor/"
EXPECTED = {
    grpc.StatusCode.INVALID_ARGUMENT,
    grpc.StatusCode.NOT_FOUND,
    grpc.StatusCode.RESOURCE_EXHAUSTED,
    grpc.StatusCode.UNIMPLEMENTED,
    grpc.StatusCode.UNAUTHENTICATED,
}


@pytest.fixture(scope="module")
def channel(secured_executor: ExecutorServer) -> Iterator[grpc.Channel]:
    ch = grpc.insecure_channel(secured_executor.address)
    yield ch
    ch.close()


def call(channel: grpc.Channel, method: str, data: bytes, token: str | None = TOKEN) -> Any:
    meta = (("authorization", f"Bearer {token}"),) if token is not None else ()
    return channel.unary_unary(SERVICE + method)(data, timeout=30, metadata=meta)


def refused(channel: grpc.Channel, method: str, data: bytes, token: str | None = TOKEN) -> Any:
    with pytest.raises(grpc.RpcError) as info:
        call(channel, method, data, token)
    return info.value


def context(**changes: Any) -> ActionContext:
    base = {"run_name": "r1", "action_id": "n0", "attempt": 0}
    return ActionContext(**(base | changes))


def add_request(**inputs: Any) -> bytes:
    values = inputs or {"a": Scalar(1), "b": Scalar(2)}
    req = ActionRequest(ct.add.template(), values, context())
    return wire.request_to_proto(wire.TaskCodec(), req, "")


def items_request() -> bytes:
    items = [(f"n0[{i}]", {"x": i}, 0) for i in range(3)]
    return wire.items_to_proto(wire.TaskCodec(), ct.inc.template(), context(), items, "")


def test_a_valid_request_runs(channel: grpc.Channel) -> None:
    outcome = pb.ActionOutcome.FromString(call(channel, "RunAction", add_request()))
    assert not outcome.HasField("error")
    assert [(o.name, o.value.scalar.int_value) for o in outcome.outputs] == [("o0", 3)]
    results = pb.ItemsOutcome.FromString(call(channel, "RunItems", items_request())).results
    assert [r.outputs[0].value.scalar.int_value for r in results] == [1, 2, 3]


def test_bytes_that_are_no_message(channel: grpc.Channel) -> None:
    e = refused(channel, "RunAction", b"\xff\xff\xff")
    assert e.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "not a flytelike.executor.v1.ActionRequest message" in e.details()


def test_missing_fields_are_named(channel: grpc.Channel) -> None:
    msg = pb.ActionRequest.FromString(add_request())
    msg.ClearField("context")
    e = refused(channel, "RunAction", msg.SerializeToString())
    assert (e.code(), e.details()) == (grpc.StatusCode.INVALID_ARGUMENT, "context: required")
    msg = pb.ActionRequest.FromString(add_request())
    msg.context.action_id = ""
    e = refused(channel, "RunAction", msg.SerializeToString())
    assert e.details() == "context.action_id: must not be empty"
    msg = pb.ActionRequest.FromString(add_request())
    msg.context.timeout = -1
    e = refused(channel, "RunAction", msg.SerializeToString())
    assert e.details() == "context.timeout: must be a positive number of seconds, got -1.0"


def test_directories_must_be_absolute(channel: grpc.Channel) -> None:
    msg = pb.ActionRequest.FromString(add_request())
    msg.context.run_dir = "relative/dir"
    e = refused(channel, "RunAction", msg.SerializeToString())
    assert e.details() == "context.run_dir: must be an absolute path, got 'relative/dir'"
    msg = pb.ActionRequest.FromString(add_request())
    msg.code.root = "src"
    assert refused(channel, "RunAction", msg.SerializeToString()).details() == (
        "code.root: 'src' is not an absolute path"
    )


def test_unknown_and_duplicate_inputs_are_named(channel: grpc.Channel) -> None:
    msg = pb.ActionRequest.FromString(add_request())
    msg.inputs[0].name = "zz"
    e = refused(channel, "RunAction", msg.SerializeToString())
    assert e.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert e.details() == "inputs.zz: the task has no such input (inputs: a, b)"
    msg = pb.ActionRequest.FromString(add_request())
    msg.inputs[1].name = "a"
    assert refused(channel, "RunAction", msg.SerializeToString()).details() == (
        "inputs.a: given twice"
    )


def test_a_malformed_literal_is_named(channel: grpc.Channel) -> None:
    msg = pb.ActionRequest.FromString(add_request())
    msg.inputs[1].value.Clear()  # (a literal with no kind)
    e = refused(channel, "RunAction", msg.SerializeToString())
    assert e.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert e.details().startswith("inputs.b: ")


def test_unknown_task_kind_is_unimplemented(channel: grpc.Channel) -> None:
    msg = pb.ActionRequest.FromString(add_request())
    msg.task.kind = "spark"
    e = refused(channel, "RunAction", msg.SerializeToString())
    assert e.code() is grpc.StatusCode.UNIMPLEMENTED
    assert e.details().startswith("task.kind: this executor does not run tasks of kind 'spark'")


def test_oversized_request_names_the_largest_field(channel: grpc.Channel) -> None:
    big = add_request(a=Scalar(1), b=Scalar("x" * 100_000))  # (limit: 64 KiB)
    e = refused(channel, "RunAction", big)
    assert e.code() is grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "exceeds this executor's max_message_bytes (65536)" in e.details()
    assert "the largest field is inputs.b (" in e.details()


def test_oversized_outcome_of_the_client_is_an_error_not_a_crash(
    secured_executor: ExecutorServer,
) -> None:
    import asyncio

    b = GrpcBackend(address=secured_executor.address, token=TOKEN, max_message_bytes=64 * 1024)
    try:
        req = ActionRequest(
            ct.add.template(), {"a": Scalar(1), "b": Scalar("y" * 100_000)}, context()
        )
        outcome = asyncio.run(b.run_action(req))
    finally:
        b.close()
    assert outcome.error is not None
    assert "RESOURCE_EXHAUSTED" in outcome.error.message
    assert "pass large values by reference" in outcome.error.message


def _mutate(data: bytes, ops: list[tuple[int, int, int]]) -> bytes:
    buf = bytearray(data)
    for op, pos, value in ops:
        if not buf:
            buf.append(value)
            continue
        i = pos % len(buf)
        if op == 0:
            buf[i] = value
        elif op == 1:
            del buf[i:]
        elif op == 2:
            buf[i:i] = bytes([value])
        elif op == 3:
            buf[i:i] = buf[i : i + 1 + value % 16] * (1 + value % 3)
        else:
            del buf[i : i + 1 + value % 8]
    return bytes(buf)


SEEDS = {
    "RunAction": add_request,
    "RunItems": items_request,
    "Cancel": lambda: pb.CancelRequest(run_name="r", action_id="n", attempt=1).SerializeToString(),
    "Describe": lambda: b"",
}
FUZZ_EXAMPLES = int(os.environ.get("FLYTELIKE_FUZZ_EXAMPLES", "200"))


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    method=st.sampled_from(sorted(SEEDS)),
    ops=st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 1 << 16), st.integers(0, 255)),
        min_size=1,
        max_size=6,
    ),
    token=st.sampled_from([TOKEN, TOKEN, TOKEN, None, "wrong"]),
)
def test_fuzzed_requests_never_stop_the_executor(
    channel: grpc.Channel, method: str, ops: list[tuple[int, int, int]], token: str | None
) -> None:
    data = _mutate(SEEDS[method](), ops)
    try:
        call(channel, method, data, token)
    except grpc.RpcError as e:
        assert e.code() in EXPECTED, (e.code(), e.details())
        if token != TOKEN:
            assert e.code() is grpc.StatusCode.UNAUTHENTICATED
        else:
            assert e.details()
    else:
        assert token == TOKEN


@settings(
    max_examples=max(FUZZ_EXAMPLES // 4, 10),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    ops=st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 1 << 16), st.integers(0, 255)),
        min_size=1,
        max_size=6,
    ),
    token=st.sampled_from([TOKEN, TOKEN, TOKEN, None, "wrong"]),
)
def test_fuzzed_requests_over_a_stream_never_stop_the_executor(
    channel: grpc.Channel, ops: list[tuple[int, int, int]], token: str | None
) -> None:
    """A valid request, then a mutated one, over one RunActions call: the first is answered,
    the second is answered or ends the call with a status naming what is wrong."""
    meta = (("authorization", f"Bearer {token}"),) if token is not None else ()
    good = add_request()
    answers = channel.stream_stream(SERVICE + "RunActions")(
        iter([good, _mutate(good, ops)]), timeout=30, metadata=meta
    )
    read = 0
    try:
        for answer in answers:
            pb.ActionOutcome.FromString(answer)
            read += 1
    except grpc.RpcError as e:
        assert e.code() in EXPECTED, (e.code(), e.details())
        if token != TOKEN:
            assert e.code() is grpc.StatusCode.UNAUTHENTICATED
        else:
            assert read == 1 and e.details()
    else:
        assert token == TOKEN and read == 2


# Fields the structured fuzzing leaves alone: paths the executor would write under or put on
# sys.path, and environment variables it would set in this (the test's) process.
UNTOUCHED = frozenset({"run_dir", "secrets_dir", "root", "raw_data_prefix", "environment"})
NAMES = st.sampled_from(["", "python", "shell", "spark", "a", "b", "x", "o0", "n0[1]", "\x00"])
_INT_RANGES = {
    FD.CPPTYPE_INT32: (-(2**31), 2**31 - 1),
    FD.CPPTYPE_INT64: (-(2**63), 2**63 - 1),
    FD.CPPTYPE_UINT32: (0, 2**32 - 1),
    FD.CPPTYPE_UINT64: (0, 2**64 - 1),
}


def _value(data: st.DataObject, f: Any) -> Any:
    if f.type == FD.TYPE_STRING:
        return data.draw(NAMES | st.text(max_size=12))
    if f.type == FD.TYPE_BYTES:
        return data.draw(st.binary(max_size=12))
    if f.type == FD.TYPE_BOOL:
        return data.draw(st.booleans())
    if f.type == FD.TYPE_ENUM:
        return data.draw(st.integers(0, 12))
    if f.cpp_type in (FD.CPPTYPE_DOUBLE, FD.CPPTYPE_FLOAT):
        return data.draw(st.floats(width=32 if f.cpp_type == FD.CPPTYPE_FLOAT else 64))
    low, high = _INT_RANGES[f.cpp_type]
    return data.draw(st.integers(low, high) | st.integers(max(low, -3), 3))


def _edit(data: st.DataObject, msg: Any, depth: int = 0) -> None:
    """Set one field somewhere under ``msg`` to a value of its type (any value)."""
    fields = [
        f
        for f in msg.DESCRIPTOR.fields
        if f.name not in UNTOUCHED
        and not (f.message_type is not None and f.message_type.GetOptions().map_entry)
    ]
    if not fields:
        return
    f = data.draw(st.sampled_from(fields))
    repeated = f.is_repeated
    if f.type == FD.TYPE_MESSAGE:
        if repeated:
            items = getattr(msg, f.name)
            grow = len(items) == 0 or data.draw(st.booleans())
            target = items.add() if grow else items[data.draw(st.integers(0, len(items) - 1))]
        else:
            target = getattr(msg, f.name)
        if depth < 8 and data.draw(st.integers(0, 3)):
            _edit(data, target, depth + 1)
        else:
            if not repeated:
                target.SetInParent()
            if data.draw(st.booleans()):
                target.Clear()
        return
    value = _value(data, f)
    if repeated:
        getattr(msg, f.name).append(value)
    else:
        setattr(msg, f.name, value)


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(method=st.sampled_from(["RunAction", "RunItems"]), data=st.data())
def test_well_formed_requests_with_any_values_never_stop_the_executor(
    channel: grpc.Channel, method: str, data: st.DataObject
) -> None:
    cls = pb.ActionRequest if method == "RunAction" else pb.ItemsRequest
    msg = cls.FromString(SEEDS[method]())
    for _ in range(data.draw(st.integers(1, 4))):
        _edit(data, msg)
    try:
        answer = call(channel, method, msg.SerializeToString())
    except grpc.RpcError as e:
        assert e.code() in EXPECTED, (e.code(), e.details())
        assert e.details()
    else:  # (still a valid request: it ran, and its answer reads)
        if method == "RunAction":
            pb.ActionOutcome.FromString(answer)
        else:
            assert len(pb.ItemsOutcome.FromString(answer).results) == len(msg.items)


def test_still_healthy_after_the_fuzzing(secured_executor: ExecutorServer) -> None:
    b = GrpcBackend(address=secured_executor.address, token=TOKEN)
    try:
        assert b.healthy()
        assert b.describe()["task_kinds"] == ["python", "dynamic", "shell"]
    finally:
        b.close()
