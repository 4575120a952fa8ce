"""A small local interpreter over the workflow IR, until the engine exists.

It runs nodes one at a time in dependency order (``>>`` edges included), evaluates branch
conditions from the IR, maps array nodes sequentially, and calls each node's Python entity with
Python values (the entity converts its inputs and outputs through the registry). It never runs a
workflow body again. The engine issue replaces this module; keep it small and self-contained.
"""

from __future__ import annotations

import operator
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import typesystem
from flytelike._task import convert_inputs, outputs_by_name
from flytelike.errors import FlyteRecoverableException, LocalExecutionError
from flytelike.ir._model import (
    START_NODE,
    Binding,
    BindingData,
    BoolExpr,
    BranchNode,
    CollectionBinding,
    Comparison,
    Constant,
    MapBinding,
    Node,
    PromiseRef,
)

if TYPE_CHECKING:
    from flytelike._workflow import WorkflowBase
    from flytelike.compiler._entity import Entity

Values = dict[str, dict[str, Any]]

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}


def _item_type(py: Any, i: int) -> Any:
    """The Python type of item ``i`` of a list, tuple or dict (value) type."""
    origin = typing.get_origin(py)
    args = typing.get_args(py)
    if origin is typing.Annotated:
        return _item_type(args[0], i)
    if not args:
        return Any
    if origin is list:
        return args[0]
    if origin is dict:
        return args[1]
    if len(args) == 2 and args[1] is Ellipsis:
        return args[0]
    return args[i] if i < len(args) else Any


def resolve(data: BindingData, values: Values, py: Any) -> Any:
    """The Python value of a binding, given the values computed so far."""
    if isinstance(data, PromiseRef):
        value = values[data.node_id][data.var]
        for key in data.attr_path:
            if isinstance(key, str) and not isinstance(value, dict):
                value = getattr(value, key)
            else:
                value = value[key]
        return value
    if isinstance(data, Constant):
        lit = data.value
        if py is Any:
            return lit.value if isinstance(lit, typesystem.Scalar) else lit
        return typesystem.default_registry().to_python(lit, py)
    if isinstance(data, CollectionBinding):
        items = [resolve(v, values, _item_type(py, i)) for i, v in enumerate(data.items)]
        return tuple(items) if typing.get_origin(py) is tuple else items
    if isinstance(data, MapBinding):
        return {k: resolve(v, values, _item_type(py, 0)) for k, v in data.items}
    raise LocalExecutionError(f"unknown binding {data!r}")


def order(nodes: tuple[Node, ...]) -> list[Node]:
    """Nodes in dependency order, creation order among independent ones."""
    if not any(n.upstream for n in nodes):
        return list(nodes)
    done: set[str] = set()
    pending = list(nodes)
    out: list[Node] = []
    while pending:
        rest = []
        for n in pending:
            if all(u in done for u in n.upstream):
                out.append(n)
                done.add(n.id)
            else:
                rest.append(n)
        if len(rest) == len(pending):
            raise LocalExecutionError(f"cycle among nodes {[n.id for n in rest]}")
        pending = rest
    return out


def _inputs(entity: Entity, bindings: tuple[Binding, ...], values: Values) -> dict[str, Any]:
    types = entity.python_interface.inputs
    return {b.var: resolve(b.value, values, types.get(b.var, Any)) for b in bindings}


def _condition(expr: BoolExpr, values: Values) -> bool:
    if isinstance(expr, Comparison):
        left = resolve(expr.left, values, Any)
        right = resolve(expr.right, values, Any)
        return bool(_OPS[expr.op](left, right))
    if expr.op == "and":
        return _condition(expr.left, values) and _condition(expr.right, values)
    return _condition(expr.left, values) or _condition(expr.right, values)


def run_nodes(nodes: tuple[Node, ...], values: Values, entities: dict[str, Entity]) -> None:
    for node in order(nodes):
        target = node.target
        if isinstance(target, BranchNode):
            values[node.id] = _run_branch(node, target, values, entities)
        else:
            entity = entities[node.id]
            kwargs = _inputs(entity, node.inputs, values)
            result = _call_with_retries(entity, node, kwargs)
            values[node.id] = outputs_by_name(entity, result)


def _call_with_retries(entity: Entity, node: Node, kwargs: dict[str, Any]) -> Any:
    """Run a node, retrying ``FlyteRecoverableException`` up to the node's or task's retries."""
    retries = node.overrides.retries if node.overrides is not None else None
    if retries is None:
        settings = getattr(entity, "settings", None)
        retries = getattr(settings, "retries", None) or 0
    for attempt in range(retries + 1):
        try:
            return entity.local_call(kwargs)
        except FlyteRecoverableException:
            if attempt == retries:
                raise
    return None  # pragma: no cover


def _run_branch(
    node: Node, branch: BranchNode, values: Values, entities: dict[str, Entity]
) -> dict[str, Any]:
    for case in branch.cases:
        if case.condition is None or _condition(case.condition, values):
            run_nodes(case.nodes, values, entities)
            return {b.var: resolve(b.value, values, Any) for b in case.outputs}
    if branch.error:
        raise LocalExecutionError(
            f"conditional {branch.name!r} (node {node.id}) failed: {branch.error}",
            node_id=node.id,
        )
    return {}


def run_body(
    entity: Entity,
    nodes: tuple[Node, ...],
    outputs: tuple[Binding, ...],
    entities: dict[str, Entity],
    inputs: dict[str, Any],
) -> Any:
    """Run compiled nodes and return the outputs as the body would (value or tuple)."""
    values: Values = {START_NODE: inputs}
    run_nodes(nodes, values, entities)
    outs = entity.python_interface.outputs
    result = [resolve(b.value, values, outs.get(b.var, Any)) for b in outputs]
    if not result:
        return None
    return result[0] if len(result) == 1 else tuple(result)


def run_workflow(wf: WorkflowBase, kwargs: dict[str, Any]) -> Any:
    """Run a workflow with Python inputs and return its Python outputs."""
    from flytelike._task import convert_outputs

    native = convert_inputs(wf, kwargs)
    body = wf.compiled()
    result = run_body(wf, body.nodes, body.outputs, body.entities, native)
    return convert_outputs(wf, result)
