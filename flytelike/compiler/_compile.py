"""Running a workflow (or @dynamic) body once with promises and freezing the result.

``compile_body`` pushes a ``CompileState``, calls the body with promise inputs (or, for a dynamic
task at run time, native values), binds what it returns to the declared outputs, and freezes the
nodes. The result is the IR nodes, output bindings, and which Python entity each node calls (for
the local interpreter).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from flytelike.compiler._freeze import freeze_root
from flytelike.compiler._promise import NodeHandle, Outputs
from flytelike.compiler._source import fmt
from flytelike.compiler._stack import pop, push
from flytelike.compiler._state import CompileState, NodeBuilder, bindings
from flytelike.errors import CompileError
from flytelike.ir import Binding, Node, record

if TYPE_CHECKING:
    from flytelike.compiler._entity import Entity
    from flytelike.compiler._interface import PyInterface

END_NODE = "end-node"


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building a large graph.

    Compiling allocates many small, long-lived objects and no garbage worth collecting; the
    collector's passes over them would cost a third of the time for a 1,000-node workflow.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@record
class CompiledBody:
    nodes: tuple[Node, ...]
    outputs: tuple[Binding, ...]
    entities: dict[str, Entity]


def bind_outputs(
    state: CompileState, iface: PyInterface, result: Any, loc: tuple[str, int] | None
) -> list[tuple[str, Any]]:
    """Bind the body's return value to the declared outputs (type-checked)."""
    outs = iface.outputs
    where = f"{state.kind} `{state.name}` ({fmt(loc)})"
    if not outs:
        if result is None or isinstance(result, NodeHandle):
            return []
        raise CompileError(
            f"{where} returns {result!r} but declares no outputs; add a return annotation "
            "(e.g. `-> int`) or do not return a value",
            entity=state.name,
            location=fmt(loc),
        )
    if len(outs) == 1:
        value = result
        if isinstance(result, tuple) and len(result) == 1:
            value = result[0]
        values = [value]
    else:
        if not isinstance(result, tuple) or len(result) != len(outs):
            got = f"{len(result)} values" if isinstance(result, tuple) else repr(result)
            raise CompileError(
                f"{where} declares {len(outs)} outputs ({', '.join(outs)}) but returns {got}",
                entity=state.name,
                location=fmt(loc),
            )
        values = list(result)
    if any(v is None for v in values) and len(values) == 1 and result is None:
        raise CompileError(
            f"{where} declares the output `{next(iter(outs))}` but returns nothing",
            entity=state.name,
            location=fmt(loc),
        )
    end = NodeBuilder(state, END_NODE, None, loc)
    types = iface.output_types
    out: list[tuple[str, Any]] = []
    for (name, py), value in zip(outs.items(), values, strict=True):
        if isinstance(value, Outputs) and len(value) != 1:
            raise CompileError(
                f"{where}: output `{name}` was given {value!r}, which has several outputs",
                entity=state.name,
                location=fmt(loc),
            )
        out.append((name, state.bind_or_record(value, types[name], py, end, name)))
    return out


def compile_body(
    name: str,
    func: Callable[..., Any],
    iface: PyInterface,
    loc: tuple[str, int] | None,
    kind: str = "workflow",
    native_inputs: dict[str, Any] | None = None,
) -> CompiledBody:
    """Run ``func`` once in a compile state and freeze the nodes it created.

    The state is pushed on this context's compile stack only while ``func`` runs, and popped
    whether or not it raises. A dynamic body (``native_inputs`` given) runs at run time, never
    inside another compile: its state is the only frame, whatever the calling context holds."""
    state = CompileState(name, kind)
    if native_inputs is None:
        args = {
            n: state.input_promise(n, iface.input_types[n], py) for n, py in iface.inputs.items()
        }
    else:
        args = native_inputs
    with paused_gc():
        token = push(state, fresh=native_inputs is not None)
        try:
            result = func(**args)
        except Exception as e:
            for err in state.binding_errors:  # (found before the body failed otherwise)
                e.add_note(f"also: {err}")
            raise
        finally:
            pop(token)
        return _finish(state, name, iface, result, loc)


def _finish(
    state: CompileState, name: str, iface: PyInterface, result: Any, loc: tuple[str, int] | None
) -> CompiledBody:
    if state.conditionals:
        dangling = state.conditionals[0]
        raise CompileError(
            f"{dangling.where()}: At least an if/else is required. Dangling If is not allowed: "
            "finish the conditional with .else_().then(...) or .else_().fail(...)",
            entity=name,
            location=fmt(dangling.loc),
        )
    outputs = bind_outputs(state, iface, result, loc)
    failure = state.binding_failure()
    if failure is not None:
        raise failure
    nodes, entities = freeze_root(state)
    return CompiledBody(nodes, bindings(outputs), entities)
