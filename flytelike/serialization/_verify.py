"""``verify_closure``: a decoded closure is complete, so every reference in it resolves.

A closure can decode and still be broken: a binding to a node that does not exist, a task node
naming a task the closure does not carry, workflow outputs that do not match the interface. The
engine would find out mid-run, or record a run SUCCEEDED whose outputs cannot be read; the
loaders (``from_json``, ``from_proto_bytes``) check before anything runs, and raise
``IRDecodeError`` naming the entity, the node and the missing reference.

Checked: the primary entity; every task, workflow and launch plan a node, map, launch plan or
``on_failure`` refers to (a reference entity counts, listed as a ``reference`` task template);
every node id a binding, condition or ``upstream`` names, in its scope (a branch case sees the
nodes of its workflow and its own nodes); the output a binding reads, when the node's outputs
are known; the inputs a node binds; the workflow outputs against the interface (each bound
once); launch plan fixed inputs against the workflow's inputs; durations finite and >= 0.

What does not live here: types (the compiler checks bindings when it builds the IR) and cycles.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

from flytelike.errors import IRDecodeError
from flytelike.ir import (
    START_NODE,
    ArrayNode,
    Binding,
    BoolExpr,
    BranchNode,
    Closure,
    Comparison,
    Conjunction,
    GateNode,
    Identifier,
    Interface,
    LaunchPlanNode,
    Node,
    PromiseRef,
    TaskNode,
    WorkflowNode,
    WorkflowTemplate,
    binding_refs,
)

_FIX = "the closure is incomplete or was edited; write it again with `flytelike compile`"
_MAX_SECONDS = 999_999_999 * 86_400.0  # what a timedelta holds


def _name(ident: Identifier) -> str:
    kind = ident.resource_type.value.replace("_", " ")
    return f"{kind} `{ident.name}` (version {ident.version!r})"


class _Closure:
    """The interfaces of everything a closure defines, by identifier."""

    def __init__(self, closure: Closure) -> None:
        self.tasks = {t.id: t.interface for t in closure.tasks}
        self.references = {t.id: t.interface for t in closure.tasks if t.kind == "reference"}
        self.workflows = {w.id: w.interface for w in closure.workflows}
        self.launch_plans = {lp.id: lp.interface for lp in closure.launch_plans}
        self.any = {**self.tasks, **self.workflows, **self.launch_plans}

    def resolve(self, ident: Identifier, where: str, *kinds: str) -> Interface:
        """The interface of ``ident``, looked up among ``kinds`` (and reference entities)."""
        for kind in kinds:
            found = getattr(self, kind).get(ident)
            if found is not None:
                return found  # type: ignore[no-any-return]
        found = self.references.get(ident)
        if found is not None:
            return found
        raise IRDecodeError(
            f"{where} refers to {_name(ident)}, which is not in the closure; {_FIX}"
        )


def verify_closure(closure: Closure) -> None:
    """Raise ``IRDecodeError`` naming the first reference in ``closure`` that does not resolve."""
    index = _Closure(closure)
    index.resolve(closure.primary, "the closure's primary entity", "any")
    for task in closure.tasks:
        _duration(task.metadata.timeout, f"{_name(task.id)}: timeout")
    for wf in closure.workflows:
        _Workflow(index, wf).check()
    for lp in closure.launch_plans:
        where = _name(lp.id)
        target = index.resolve(lp.workflow, where, "workflows")
        inputs = {v.name for v in target.inputs}
        for name, _ in lp.fixed_inputs:
            if name not in inputs:
                raise IRDecodeError(
                    f"{where}: fixed input `{name}` is not an input of {_name(lp.workflow)} "
                    f"(inputs: {', '.join(sorted(inputs)) or 'none'}); {_FIX}"
                )


class _Workflow:
    def __init__(self, index: _Closure, wf: WorkflowTemplate) -> None:
        self.index = index
        self.wf = wf
        self.where = _name(wf.id)
        self.inputs = {v.name for v in wf.interface.inputs}
        # node id -> its output names (None: not known, e.g. a gate's)
        self.outputs: dict[str, set[str] | None] = {}

    def check(self) -> None:
        wf = self.wf
        top = self._declare(wf.nodes, frozenset())
        for node in wf.nodes:
            self._node(node, top)
        if wf.metadata.on_failure is not None:
            self.index.resolve(
                wf.metadata.on_failure, f"{self.where}: on_failure", "tasks", "workflows"
            )
        wanted = [v.name for v in wf.interface.outputs]
        bound = [b.var for b in wf.outputs]
        if sorted(bound) != sorted(wanted):
            raise IRDecodeError(
                f"{self.where}: outputs bound {sorted(bound)} but the interface declares "
                f"{sorted(wanted)}; each output must be bound once; {_FIX}"
            )
        self._bindings(wf.outputs, top, f"{self.where}: outputs")

    def _declare(self, nodes: Iterable[Node], outer: frozenset[str]) -> frozenset[str]:
        ids: set[str] = set()
        for node in nodes:
            if node.id in ids or node.id in outer or node.id in (START_NODE, ""):
                raise IRDecodeError(
                    f"{self.where}: node id {node.id!r} is empty, reserved or used twice; {_FIX}"
                )
            ids.add(node.id)
            self.outputs[node.id] = self._outputs_of(node)
        return outer | ids

    def _outputs_of(self, node: Node) -> set[str] | None:
        t = node.target
        if isinstance(t, ArrayNode | BranchNode):
            self._target(t, f"{self.where}: node `{node.id}`")
            return {v.name for v in t.outputs}
        iface = self._target(t, f"{self.where}: node `{node.id}`")
        return None if iface is None else {v.name for v in iface.outputs}

    def _target(self, t: object, where: str) -> Interface | None:
        """The interface of the entity a node runs (``None`` for branches and gates)."""
        if isinstance(t, TaskNode):
            return self.index.resolve(t.task, where, "tasks")
        if isinstance(t, WorkflowNode):
            return self.index.resolve(t.workflow, where, "workflows")
        if isinstance(t, LaunchPlanNode):
            return self.index.resolve(t.launch_plan, where, "launch_plans")
        if isinstance(t, ArrayNode):
            return self.index.resolve(t.target, where, "tasks", "launch_plans")
        return None

    def _node(self, node: Node, scope: frozenset[str]) -> None:
        where = f"{self.where}: node `{node.id}`"
        for up in node.upstream:
            if up not in scope:
                raise IRDecodeError(f"{where} waits for node `{up}`, which does not exist; {_FIX}")
        if node.overrides is not None:
            _duration(node.overrides.timeout, f"{where}: timeout override")
        t = node.target
        iface = self._target(t, where)
        inputs = None if iface is None else {v.name for v in iface.inputs}
        for b in node.inputs:
            if inputs is not None and b.var not in inputs:
                raise IRDecodeError(
                    f"{where} binds input `{b.var}`, which its target does not have "
                    f"(inputs: {', '.join(sorted(inputs)) or 'none'}); {_FIX}"
                )
        self._bindings(node.inputs, scope, where)
        if isinstance(t, GateNode):
            _duration(t.duration, f"{where}: gate duration")
        if isinstance(t, BranchNode):
            names = {v.name for v in t.outputs}
            for i, case in enumerate(t.cases):
                here = f"{where}, case {i}"
                if case.condition is not None:
                    for ref in _expr_refs(case.condition):
                        self._ref(ref, scope, here)
                inner = self._declare(case.nodes, scope)
                for sub in case.nodes:
                    self._node(sub, inner)
                for b in case.outputs:
                    if b.var not in names:
                        raise IRDecodeError(
                            f"{here} binds output `{b.var}`, which the branch does not declare; "
                            f"{_FIX}"
                        )
                self._bindings(case.outputs, inner, here)

    def _bindings(self, bindings: Iterable[Binding], scope: frozenset[str], where: str) -> None:
        for b in bindings:
            for ref in binding_refs(b.value):
                self._ref(ref, scope, f"{where}, binding `{b.var}`")

    def _ref(self, ref: PromiseRef, scope: frozenset[str], where: str) -> None:
        if ref.node_id == START_NODE:
            if ref.var not in self.inputs:
                raise IRDecodeError(
                    f"{where} reads workflow input `{ref.var}`, which {self.where} does not have "
                    f"(inputs: {', '.join(sorted(self.inputs)) or 'none'}); {_FIX}"
                )
            return
        if ref.node_id not in scope:
            raise IRDecodeError(
                f"{where} reads node `{ref.node_id}`, which does not exist here; {_FIX}"
            )
        outputs = self.outputs.get(ref.node_id)
        if outputs is not None and ref.var not in outputs:
            raise IRDecodeError(
                f"{where} reads output `{ref.var}` of node `{ref.node_id}`, which has "
                f"{', '.join(sorted(outputs)) or 'no outputs'}; {_FIX}"
            )


def _expr_refs(expr: BoolExpr) -> Iterator[PromiseRef]:
    if isinstance(expr, Comparison):
        for side in (expr.left, expr.right):
            if isinstance(side, PromiseRef):
                yield side
    elif isinstance(expr, Conjunction):
        yield from _expr_refs(expr.left)
        yield from _expr_refs(expr.right)


def _duration(seconds: float | None, what: str) -> None:
    if seconds is not None and not (math.isfinite(seconds) and 0 <= seconds <= _MAX_SECONDS):
        raise IRDecodeError(
            f"{what} is {seconds!r} seconds; a duration is finite, >= 0 and at most "
            f"999,999,999 days; {_FIX}"
        )
