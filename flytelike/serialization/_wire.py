"""A fast protobuf encoder for workflow templates, byte-identical to the generated code's.

Building one protobuf message object per node, binding and identifier costs several
microseconds per node; a 1,000-node workflow would spend most of its compile-and-serialise
budget there. This module writes the wire format of the common node shape directly (a task
node whose inputs are plain promises, no overrides) with identifier and location bytes computed
once, and lets the generated code encode everything else. Fields are written in field-number
order and default values are omitted, exactly as the generated code does with deterministic
serialization; a test checks the bytes are identical.

Field numbers follow ``flytelike/proto/ir.proto``.
"""

from __future__ import annotations

from typing import Any

from flytelike import ir as m
from flytelike.proto import ir_pb2 as pb
from flytelike.serialization._proto import _Encoder

_LD = 2  # wire type: length-delimited


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        bits = n & 0x7F
        n >>= 7
        if n:
            out.append(bits | 0x80)
        else:
            out.append(bits)
            return bytes(out)


_SMALL = [_varint(i) for i in range(1 << 14)]


def _len(n: int) -> bytes:
    return _SMALL[n] if n < 16384 else _varint(n)


def _tag(field: int, wire: int = _LD) -> bytes:
    return _varint(field << 3 | wire)


def _field(tag: bytes, payload: bytes) -> bytes:
    return tag + _len(len(payload)) + payload


def _string(tag: bytes, text: str) -> bytes:
    data = text.encode()
    return tag + _len(len(data)) + data


# tags used on the fast path
_T1, _T2, _T3, _T4 = _tag(1), _tag(2), _tag(3), _tag(4)
_T8, _T9, _T10, _T12 = _tag(8), _tag(9), _tag(10), _tag(12)
_LINE = _tag(2, 0)  # SourceLocation.line, varint


def _serialize(msg: Any) -> bytes:
    return msg.SerializeToString(deterministic=True)  # type: ignore[no-any-return]


class WireEncoder:
    def __init__(self) -> None:
        self.enc = _Encoder()
        self.targets: dict[m.Identifier, bytes] = {}
        self.sources: dict[m.SourceLocation, bytes] = {}

    def _task_target(self, ident: m.Identifier) -> bytes:
        data = self.targets.get(ident)
        if data is None:
            msg = pb.Identifier()
            self.enc.ident(msg, ident)
            data = self.targets[ident] = _field(_T2, _field(_T1, _serialize(msg)))
        return data

    def _source(self, s: m.SourceLocation) -> bytes:
        data = self.sources.get(s)
        if data is None:
            body = (_string(_T1, s.file) if s.file else b"") + (
                _LINE + _varint(s.line) if s.line else b""
            )
            data = self.sources[s] = _field(_T12, body)
        return data

    def node(self, n: m.Node) -> bytes:
        """The encoded ``Node`` message (without its own tag and length)."""
        target = n.target
        if type(target) is not m.TaskNode or n.overrides is not None:
            return self._slow(n)
        small = _SMALL
        node_id = n.id.encode()
        parts = [_T1, small[len(node_id)], node_id, self._task_target(target.task)]
        for b in n.inputs:
            v = b.value
            if type(v) is m.PromiseRef and not v.attr_path:
                ref_id = v.node_id.encode()
                ref_var = v.var.encode()
                ref = _T1 + small[len(ref_id)] + ref_id + _T2 + small[len(ref_var)] + ref_var
                data = _T1 + small[len(ref)] + ref
            else:
                found = self._data(v)
                if found is None:
                    return self._slow(n)
                data = found
            var = b.var.encode()
            binding = _T1 + small[len(var)] + var + _T2 + _len(len(data)) + data
            parts.append(_T8 + _len(len(binding)) + binding)
        for u in n.upstream:
            up = u.encode()
            parts.append(_T9 + small[len(up)] + up)
        if n.name:
            parts.append(_string(_T10, n.name))
        if n.source is not None:
            parts.append(self._source(n.source))
        return b"".join(parts)

    def _data(self, v: m.BindingData) -> bytes | None:
        """An encoded ``BindingData`` of promises (and lists of them), else ``None``."""
        if isinstance(v, m.PromiseRef):
            if v.attr_path:
                return None
            ref = _string(_T1, v.node_id) + _string(_T2, v.var)
            return _field(_T1, ref)
        if isinstance(v, m.CollectionBinding):
            small = _SMALL
            items = []
            for item in v.items:
                if type(item) is m.PromiseRef and not item.attr_path:
                    ref_id = item.node_id.encode()
                    ref_var = item.var.encode()
                    ref = _T1 + small[len(ref_id)] + ref_id + _T2 + small[len(ref_var)] + ref_var
                    data = _T1 + small[len(ref)] + ref
                else:
                    found = self._data(item)
                    if found is None:
                        return None
                    data = found
                items.append(_T1 + _len(len(data)) + data)
            return _field(_T3, b"".join(items))
        return None

    def _slow(self, n: m.Node) -> bytes:
        msg = pb.Node()
        self.enc.node(msg, n)
        return _serialize(msg)

    def workflow(self, w: m.WorkflowTemplate) -> bytes:
        head = pb.WorkflowTemplate()
        self.enc.ident(head.id, w.id)
        self.enc.interface(head.interface, w.interface)
        tail = pb.WorkflowTemplate()
        self.enc.bindings(tail.outputs, w.outputs)
        self.enc.workflow_metadata(tail.metadata, w.metadata)
        if w.source is not None:
            self.enc.source(tail.source, w.source)
        nodes = [_field(_T3, self.node(n)) for n in w.nodes]
        return b"".join([_serialize(head), *nodes, _serialize(tail)])

    def closure(self, c: m.Closure) -> bytes:
        primary = pb.Identifier()
        self.enc.ident(primary, c.primary)
        parts = [_field(_T1, _serialize(primary))]
        for t in c.tasks:
            msg = pb.TaskTemplate()
            self.enc.task(msg, t)
            parts.append(_field(_T2, _serialize(msg)))
        for w in c.workflows:
            parts.append(_field(_T3, self.workflow(w)))
        for lp in c.launch_plans:
            lp_msg = pb.LaunchPlanTemplate()
            self.enc.launch_plan(lp_msg, lp)
            parts.append(_field(_T4, _serialize(lp_msg)))
        return b"".join(parts)


def closure_bytes(c: m.Closure) -> bytes:
    return WireEncoder().closure(c)
