"""Encodings of the IR: protobuf bytes (``ir.proto``) and JSON (the protobuf JSON mapping).

Both are lossless (decoding gives back equal records) and deterministic (the same IR gives the
same bytes in every process). JSON uses the proto field names and sorted keys. protobuf is
imported on first use.

The loaders (``from_proto_bytes``, ``from_json``) raise ``IRDecodeError`` and nothing else,
whatever the input: bytes or JSON that do not parse (protobuf's parsers stop at 100 nested
messages), values the IR cannot hold (ints outside int64, unknown time zones: the type
system's ``EncodingError`` becomes the cause), and closures that decode but do not hold
together: every reference must resolve before anything runs (``_verify``: missing tasks,
workflows or launch plans, bindings to nodes or outputs that do not exist, workflow outputs that
do not match the interface).
"""

from __future__ import annotations

import json
from typing import Any

from flytelike.errors import IRDecodeError
from flytelike.ir import Closure


def to_proto_bytes(closure: Closure) -> bytes:
    """The closure as deterministic protobuf bytes (message ``flytelike.ir.v1.Closure``)."""
    from flytelike.compiler import paused_gc
    from flytelike.serialization._wire import closure_bytes

    with paused_gc():
        return closure_bytes(closure)


def from_proto_bytes(data: bytes) -> Closure:
    """The closure ``to_proto_bytes`` wrote, checked to hold together; ``IRDecodeError``
    otherwise."""
    from google.protobuf.message import DecodeError

    from flytelike.proto import ir_pb2
    from flytelike.serialization._proto import closure_from_proto
    from flytelike.serialization._verify import verify_closure

    if not isinstance(data, bytes | bytearray | memoryview):
        raise IRDecodeError(
            f"not a flytelike IR closure: expected bytes, got {type(data).__name__}"
        )
    msg = ir_pb2.Closure()
    try:
        msg.ParseFromString(bytes(data))
    except (DecodeError, SystemError) as e:
        raise IRDecodeError(
            f"not a flytelike IR closure (protobuf, {len(data)} bytes): {e} (truncated or "
            "corrupt, or nested deeper than the 100 messages protobuf's parser allows)"
        ) from e
    closure = closure_from_proto(msg)
    verify_closure(closure)
    return closure


def to_dict(closure: Closure) -> dict[str, Any]:
    """The closure as plain JSON data (protobuf JSON mapping, proto field names)."""
    from google.protobuf import json_format

    from flytelike.serialization._proto import closure_to_proto

    return json_format.MessageToDict(closure_to_proto(closure), preserving_proto_field_name=True)


def to_json(closure: Closure, indent: int | None = 2) -> str:
    """The closure as JSON text with sorted keys."""
    return json.dumps(to_dict(closure), indent=indent, sort_keys=True, ensure_ascii=False)


def from_json(text: str | bytes | dict[str, Any]) -> Closure:
    """The closure ``to_json``/``to_dict`` wrote, checked to hold together; ``IRDecodeError``
    otherwise."""
    from google.protobuf import json_format

    from flytelike.proto import ir_pb2
    from flytelike.serialization._proto import closure_from_proto
    from flytelike.serialization._verify import verify_closure

    try:
        data = json.loads(text) if isinstance(text, str | bytes | bytearray) else text
    except RecursionError as e:
        raise IRDecodeError("not a flytelike IR closure (JSON): nested too deeply") from e
    except ValueError as e:  # (JSONDecodeError, UnicodeDecodeError)
        raise IRDecodeError(f"not a flytelike IR closure (JSON): {e}") from e
    if not isinstance(data, dict):
        raise IRDecodeError(
            f"not a flytelike IR closure (JSON): expected an object, got {type(data).__name__}"
        )
    try:
        msg = json_format.ParseDict(data, ir_pb2.Closure())
    except Exception as e:  # ParseError, and more: OverflowError for an enum given as inf,
        # SystemError from upb for an enum name with a lone surrogate
        raise IRDecodeError(f"not a flytelike IR closure (JSON): {e}") from e
    closure = closure_from_proto(msg)
    verify_closure(closure)
    return closure


__all__ = ["from_json", "from_proto_bytes", "to_dict", "to_json", "to_proto_bytes"]
