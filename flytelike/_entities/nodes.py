"""``create_node(entity, **inputs)``: call an entity inside a workflow and get the node itself."""

from __future__ import annotations

from typing import Any

from flytelike.compiler import (
    CompileState,
    NodeHandle,
    Outputs,
    Promise,
    current,
    fmt,
    user_frame_location,
)
from flytelike.errors import CompileError


def create_node(entity: Any, *args: Any, **kwargs: Any) -> NodeHandle:
    """The node for a call of ``entity``: ``node.o0``, ``node.outputs["o0"]``, ``a >> b``."""
    if not isinstance(current(), CompileState):
        raise CompileError(
            f"create_node() at {fmt(user_frame_location())} is only allowed inside a workflow body"
        )
    result = entity(*args, **kwargs)
    if isinstance(result, NodeHandle):
        return result
    if isinstance(result, Outputs):
        return NodeHandle(result._node)
    if isinstance(result, Promise):
        return NodeHandle(result.node)
    raise CompileError(f"create_node(): {entity!r} did not create a node")
