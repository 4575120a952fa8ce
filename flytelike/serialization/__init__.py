"""Encodings of the IR: protobuf bytes (``ir.proto``) and JSON (the protobuf JSON mapping).

Both are lossless (decoding gives back equal records) and deterministic (the same IR gives the
same bytes in every process). JSON uses the proto field names and sorted keys. protobuf is
imported on first use.
"""

from __future__ import annotations

import json
from typing import Any

from flytelike.errors import IRDecodeError
from flytelike.ir._model import Closure


def to_proto_bytes(closure: Closure) -> bytes:
    """The closure as deterministic protobuf bytes (message ``flytelike.ir.v1.Closure``)."""
    from flytelike.compiler._compile import paused_gc
    from flytelike.serialization._wire import closure_bytes

    with paused_gc():
        return closure_bytes(closure)


def from_proto_bytes(data: bytes) -> Closure:
    from google.protobuf.message import DecodeError

    from flytelike.proto import ir_pb2
    from flytelike.serialization._proto import closure_from_proto

    msg = ir_pb2.Closure()
    try:
        msg.ParseFromString(data)
    except DecodeError as e:
        raise IRDecodeError(f"not a flytelike IR closure (protobuf): {e}") from e
    return closure_from_proto(msg)


def to_dict(closure: Closure) -> dict[str, Any]:
    """The closure as plain JSON data (protobuf JSON mapping, proto field names)."""
    from google.protobuf import json_format

    from flytelike.serialization._proto import closure_to_proto

    return json_format.MessageToDict(closure_to_proto(closure), preserving_proto_field_name=True)


def to_json(closure: Closure, indent: int | None = 2) -> str:
    """The closure as JSON text with sorted keys."""
    return json.dumps(to_dict(closure), indent=indent, sort_keys=True, ensure_ascii=False)


def from_json(text: str | bytes | dict[str, Any]) -> Closure:
    from google.protobuf import json_format

    from flytelike.proto import ir_pb2
    from flytelike.serialization._proto import closure_from_proto

    try:
        data = json.loads(text) if isinstance(text, str | bytes) else text
        msg = json_format.ParseDict(data, ir_pb2.Closure())
    except (ValueError, json_format.ParseError) as e:
        raise IRDecodeError(f"not a flytelike IR closure (JSON): {e}") from e
    return closure_from_proto(msg)


__all__ = ["from_json", "from_proto_bytes", "to_dict", "to_json", "to_proto_bytes"]
