"""Messages written and read byte by byte (``_bytes``): answers holding only plain outputs
(the same bytes as protobuf's, both ways) and requests with plain inputs (the context's run part
written once per run: protobuf reads the same request); anything else the general way."""

from __future__ import annotations

import datetime
import math

import pytest

from flytelike.backends import ActionContext, ActionOutcome, ActionRequest, ExecutionError
from flytelike.executor import _bytes, _wire
from flytelike.proto import executor_pb2 as pb
from typesystem import Scalar
from typesystem import _proto as tsp

PLAIN = [
    0,
    1,
    -1,
    127,
    128,
    -129,
    2**63 - 1,
    -(2**63),
    0.0,
    -0.0,
    1.5,
    math.inf,
    -math.inf,
    "",
    "x",
    "é€😀",
    True,
    False,
    b"",
    b"\x00\xff",
]


def _general(outputs: dict[str, object]) -> bytes:
    msg = pb.ActionOutcome()
    for name, value in outputs.items():
        item = msg.outputs.add()
        item.name = name
        item.value.CopyFrom(tsp.literal_to_proto(Scalar(value)))
    return msg.SerializeToString()  # type: ignore[no-any-return]


@pytest.mark.parametrize("value", PLAIN, ids=repr)
def test_plain_outputs_are_protobufs_bytes_both_ways(value: object) -> None:
    outputs = {"o0": Scalar(value), "second": value}
    raw = _bytes.plain_outputs(outputs)
    assert raw == _general({"o0": value, "second": value})
    assert _wire.outcome_to_proto(ActionOutcome(outputs=outputs)) == raw
    back = _bytes.read_plain_outputs(raw)
    assert back is not None
    assert back == {"o0": Scalar(value), "second": Scalar(value)}
    assert type(back["o0"].value) is type(value)
    general = _wire._parse(pb.ActionOutcome, raw)
    assert [i.name for i in general.outputs] == ["o0", "second"]


def test_nan_output_round_trips() -> None:
    raw = _bytes.plain_outputs({"o0": math.nan})
    assert raw == _general({"o0": math.nan})
    back = _bytes.read_plain_outputs(raw or b"")
    assert back is not None and math.isnan(back["o0"].value)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "value",
    [
        2**63,
        -(2**63) - 1,
        None,
        datetime.date(2024, 1, 2),
        Scalar(1, hash="h"),
        Scalar(1, metadata={"k": "v"}),
    ],
    ids=repr,
)
def test_other_values_go_the_general_way(value: object) -> None:
    assert _bytes.plain_outputs({"o0": value}) is None
    if isinstance(value, int):
        return
    outcome = ActionOutcome(outputs={"o0": value})  # type: ignore[dict-item]
    raw = _wire.outcome_to_proto(outcome)
    assert _bytes.read_plain_outputs(raw) is None
    back = _wire.outcome_from_proto(raw, ActionContext("r", "n0"))
    assert (
        back.outputs is not None
        and back.outputs["o0"]
        == _wire.get_literals(_wire._parse(pb.ActionOutcome, raw).outputs, "outputs")["o0"]
    )


def test_answers_with_more_than_outputs_are_read_the_general_way() -> None:
    error = ExecutionError("USER", "boom", "ValueError")
    raw = _wire.outcome_to_proto(ActionOutcome(error=error))
    assert _bytes.read_plain_outputs(raw) is None
    assert _wire.outcome_from_proto(raw, ActionContext("r", "n0")).error == error
    # A name given twice, an empty name, a truncated answer: refused by the general reader.
    one = _general({"o0": 1})
    for bad in (one + one, _general({"": 1}), one[:-1]):
        assert _bytes.read_plain_outputs(bad) is None
        with pytest.raises(_wire.RequestError):
            _wire.outcome_from_proto(bad, ActionContext("r", "n0"))


CONTEXTS = [
    ActionContext("run-1", "n0"),
    ActionContext(
        "run-1",
        "n3[17]",
        2,
        "/tmp/runs/run-1",
        "file:///tmp/data",
        12.5,
        True,
        (("A", "1"), ("B", "é")),
        "/tmp/secrets",
        "SEC_",
        "proj",
        "dev",
    ),
    ActionContext("run-2", "n1", 300, "/tmp/runs/run-2", "s3://bucket/x", None, False),
    ActionContext("run-2", "", 0),  # (refused by the executor, written all the same)
]
CODES: list[_wire.CodeRef | str] = [
    "",
    "/work/project",
    _wire.CodeRef(bundle_uri="s3://b/code.tar.gz", bundle_digest="ab" * 32),
]


def _general_body(request: ActionRequest, code: _wire.CodeRef | str) -> pb.ActionRequest:
    msg = pb.ActionRequest()
    _wire.put_literals(msg.inputs, request.inputs)
    _wire.context_to_proto(msg.context, request.context)
    _wire._put_code(msg.code, request.task, _wire._as_code(code))
    return msg


@pytest.mark.parametrize("context", CONTEXTS, ids=lambda c: f"{c.run_name}/{c.action_id}")
@pytest.mark.parametrize("code", CODES, ids=repr)
def test_requests_written_byte_by_byte_read_as_protobufs_own(
    context: ActionContext, code: _wire.CodeRef | str
) -> None:
    from benchmarks.bench_grpc import inc

    task = inc.template()
    for inputs in ({"x": Scalar(3)}, {"x": Scalar(-(2**40)), "y": Scalar("é"), "z": Scalar(b"")}):
        request = ActionRequest(task, inputs, context)  # type: ignore[arg-type]
        body = _wire.request_body(request, code, task)
        assert pb.ActionRequest.FromString(body) == _general_body(request, code)
        # the run's part is written once and reused: the same bytes the second time
        assert _wire.request_body(request, code, task) == body


def test_requests_the_bytes_do_not_handle_go_the_general_way() -> None:
    from benchmarks.bench_grpc import inc

    task = inc.template()
    others = [
        ActionRequest(task, {"x": Scalar(1, hash="h")}, CONTEXTS[1]),
        ActionRequest(task, {"x": Scalar(1)}, ActionContext("r", "n0", -1)),
        ActionRequest(task, {"": Scalar(1)}, CONTEXTS[0]),
    ]
    for request in others:
        body = _wire.request_body(request, "", task)
        assert pb.ActionRequest.FromString(body) == _general_body(request, "")


def test_the_executor_remembers_in_place_templates_until_another_bundle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``can_inline`` is asked once per template while it says yes; a new code bundle (whose
    function may have become async) makes the executor ask again."""
    from benchmarks.bench_grpc import inc
    from flytelike.executor import _server

    asked: list[int] = []
    answer = [False]

    class Backend:
        def can_inline(self, request: ActionRequest) -> bool:
            asked.append(1)
            return answer[0]

    service = _server.ExecutorService(Backend(), "", 1 << 20)
    monkeypatch.setattr(service.bundles, "use", lambda uri, digest: None)
    request = ActionRequest(inc.template(), {"x": Scalar(1)}, CONTEXTS[0])
    assert not service._in_place(request) and not service._in_place(request)
    assert len(asked) == 2  # (a "no" is not remembered)
    answer[0] = True
    assert service._in_place(request) and service._in_place(request)
    assert len(asked) == 3
    for digest in ("a" * 64, "a" * 64, "b" * 64):
        service._use_code(None, None, _wire.CodeRef(bundle_uri="/b.tar.gz", bundle_digest=digest))
        assert service._in_place(request)
    assert len(asked) == 5  # (asked again after each new bundle, not after the same one)
