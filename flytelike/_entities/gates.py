"""Gate nodes: ``sleep``, ``wait_for_input`` and ``approve`` inside a workflow body.

A gate is a node without a task: ``sleep(duration)`` waits, ``wait_for_input(name, timeout,
expected_type)`` waits for a signal of that type and returns it, ``approve(value, name,
timeout)`` waits for an approval and passes ``value`` on. The engine runs them; the local
interpreter can only sleep.
"""

from __future__ import annotations

import datetime as _dt
import sys
from typing import Any

from flytelike._settings.durations import to_seconds
from flytelike.compiler import (
    CompileState,
    Entity,
    NodeHandle,
    Promise,
    PyInterface,
    current,
    fmt,
    interface_from_types,
    user_frame_location,
)
from flytelike.errors import CompileError, LocalExecutionError
from flytelike.ir import GateNode


class _Gate(Entity):
    kind_label = "gate"
    override_keys = frozenset({"node_name", "name"})

    def __init__(self, gate: GateNode, iface: PyInterface) -> None:
        self.gate = gate
        self.name = f"{gate.kind}:{gate.signal}" if gate.signal else gate.kind
        self.python_interface = iface

    def node_target(self) -> GateNode:
        return self.gate

    def template(self) -> None:
        return None

    def describe(self) -> str:
        return f"gate `{self.name}`"

    def local_call(self, kwargs: dict[str, Any]) -> Any:
        if self.gate.kind == "sleep":
            import time

            time.sleep(self.gate.duration or 0)
            return None
        raise LocalExecutionError(
            f"{self.describe()} waits for a signal; run the workflow with the engine, which "
            "records the gate and accepts signals",
            entity=self.name,
        )


def _add(gate: _Gate, kwargs: dict[str, Any], what: str) -> Any:
    state = current()
    loc = user_frame_location()
    if not isinstance(state, CompileState):
        raise CompileError(f"{what} at {fmt(loc)} is only allowed inside a workflow body")
    frame = sys._getframe(2)
    return state.call(gate, (), kwargs, (frame.f_code.co_filename, frame.f_lineno))


def sleep(duration: _dt.timedelta) -> NodeHandle:
    """A node that waits ``duration`` (order it with ``>>``)."""
    gate = GateNode("sleep", to_seconds(duration, "sleep(duration)"))
    result: NodeHandle = _add(_Gate(gate, PyInterface({}, {}, {}, {})), {}, "sleep()")
    return result


def wait_for_input(name: str, timeout: _dt.timedelta, expected_type: Any) -> Any:
    """A node that waits up to ``timeout`` for the signal ``name`` and returns its value."""
    iface = interface_from_types({}, {"o0": expected_type}, f"wait_for_input({name!r})")
    gate = GateNode(
        "signal", to_seconds(timeout, "wait_for_input(timeout)"), name, iface.output_types["o0"]
    )
    return _add(_Gate(gate, iface), {}, "wait_for_input()")


def approve(upstream_item: Any, name: str, timeout: _dt.timedelta) -> Any:
    """A node that waits up to ``timeout`` for approval ``name`` and passes the value on."""
    if not isinstance(upstream_item, Promise):
        raise CompileError(f"approve({name!r}) takes the promise to approve, got {upstream_item!r}")
    iface = interface_from_types(
        {"o0": upstream_item.py}, {"o0": upstream_item.py}, f"approve({name!r})"
    )
    gate = GateNode("approve", to_seconds(timeout, "approve(timeout)"), name)
    return _add(_Gate(gate, iface), {"o0": upstream_item}, "approve()")
