"""``conditional(name).if_(...).then(...).elif_(...).then(...).else_().then(...)``.

Each case opens a scope: the calls evaluated inside ``then(...)`` become that case's nodes. The
finished branch is one node whose outputs are the output names every case produces (types from
the first case; the others must match). ``else_().fail(message)`` makes the else case an error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typesystem
from flytelike.compiler import _stack, _state
from flytelike.compiler._promise import (
    ComparisonExpr,
    ConjunctionExpr,
    NodeHandle,
    NodeRef,
    Outputs,
    Promise,
)
from flytelike.compiler._source import fmt, user_frame_location
from flytelike.compiler._state import NodeBuilder, Scope, raw_promises, to_binding_data
from flytelike.compiler._typecheck import castable
from flytelike.errors import CompileError
from flytelike.ir import (
    Binding,
    BoolExpr,
    BranchNode,
    Case,
    Comparison,
    Conjunction,
    Constant,
    PromiseRef,
    Variable,
)

if TYPE_CHECKING:
    from flytelike.compiler._entity import Entity
    from flytelike.compiler._state import CompileState


class _CaseBuilder:
    __slots__ = ("cond", "error", "expr", "is_else", "outputs", "scope")

    def __init__(self, cond: ConditionalBuilder, expr: Any, is_else: bool, scope: Scope) -> None:
        self.cond = cond
        self.expr = expr
        self.is_else = is_else
        self.scope = scope
        self.outputs: dict[str, Promise] = {}
        self.error = ""

    def then(self, value: Any) -> Any:
        self.cond.close_case(self)
        if isinstance(value, Promise):
            self.outputs = {value.var: value}
        elif isinstance(value, Outputs):
            self.outputs = {p.var: p for p in value}
        elif value is None or isinstance(value, NodeHandle):
            self.outputs = {}
        else:
            raise CompileError(
                f"{self.cond.where()}: then() takes the result of a task, workflow or launch plan "
                f"call, got {type(value).__name__}"
            )
        if self.is_else:
            return self.cond.finish()
        return self.cond

    def fail(self, message: str) -> Any:
        if not self.is_else:
            raise CompileError(f"{self.cond.where()}: fail() is only allowed after else_()")
        self.cond.close_case(self)
        self.error = message
        return self.cond.finish()


class ConditionalBuilder:
    """A branch being built; its node id is reserved when ``conditional(...)`` is called."""

    def __init__(self, name: str, state: CompileState, loc: tuple[str, int]) -> None:
        self.name = name
        self.state = state
        self.loc = loc
        self.parent = state.scopes[-1]
        self.node = NodeBuilder(state, self.parent.next_id(), None, loc)
        self.node.branch = self
        self.cases: list[_CaseBuilder] = []
        self.open: _CaseBuilder | None = None
        state.conditionals.append(self)

    def where(self) -> str:
        return f"{self.state.kind} `{self.state.name}`, conditional {self.name!r} ({self.node.id}) at {fmt(self.loc)}"

    def _open(self, expr: Any, is_else: bool) -> _CaseBuilder:
        if self.open is not None:
            raise CompileError(f"{self.where()}: call then() before starting the next case")
        if self.cases and self.cases[-1].is_else:
            raise CompileError(f"{self.where()}: nothing may follow else_()")
        if not is_else:
            self._check_expr(expr)
        label = "else" if is_else else f"c{len(self.cases)}"
        scope = Scope(f"{self.node.id}.{label}.")
        case = _CaseBuilder(self, expr, is_else, scope)
        self.cases.append(case)
        self.open = case
        self.state.scopes.append(scope)
        return case

    def if_(self, expr: Any) -> _CaseBuilder:
        if self.cases:
            raise CompileError(f"{self.where()}: if_() must be the first case; use elif_()")
        return self._open(expr, False)

    def elif_(self, expr: Any) -> _CaseBuilder:
        if not self.cases:
            raise CompileError(f"{self.where()}: start with if_() before elif_()")
        return self._open(expr, False)

    def else_(self) -> _CaseBuilder:
        if not self.cases:
            raise CompileError(f"{self.where()}: start with if_() before else_()")
        return self._open(None, True)

    def close_case(self, case: _CaseBuilder) -> None:
        if self.open is not case or self.state.scopes[-1] is not case.scope:
            raise CompileError(f"{self.where()}: then() called out of order")
        self.state.scopes.pop()
        self.open = None

    def _check_expr(self, expr: Any) -> None:
        if isinstance(expr, ConjunctionExpr):
            for side in (expr.left, expr.right):
                if not isinstance(side, ComparisonExpr):
                    raise CompileError(
                        f"{self.where()}: `&`/`|` join comparisons, got {type(side).__name__}; "
                        "compare a promise (`x > 0`, `flag.is_true()`) on both sides"
                    )
                self._check_expr(side)
            return
        if isinstance(expr, ComparisonExpr):
            left, right = expr.left, expr.right
            if not isinstance(left, Promise) and not isinstance(right, Promise):
                raise CompileError(f"{self.where()}: a condition must involve a promise")
            for a, b in ((left, right), (right, left)):
                if isinstance(a, Promise) and not isinstance(b, Promise):
                    self._constant_for(a, b)
            return
        if isinstance(expr, Promise):
            raise CompileError(
                f"{self.where()}: a promise is not a condition by itself; use `.is_true()`, "
                "`.is_false()`, `.is_none()` or a comparison"
            )
        raise CompileError(
            f"{self.where()}: conditions are comparisons of promises (`x > 10`, "
            f"`flag.is_true()`, joined with `&`/`|`), got {expr!r}"
        )

    def _constant_for(self, p: Promise, value: Any) -> Constant:
        if value is None:
            return Constant(typesystem.Scalar(None))
        boolean = typesystem.SimpleType(typesystem.SimpleKind.BOOLEAN)
        if isinstance(value, bool) and p.lt != boolean:
            raise CompileError(
                f"{self.where()}: `.is_true()`/`.is_false()` need a bool, but {p._desc()} is "
                f"`{typesystem.render_type(p.lt)}`"
            )
        try:
            return Constant(typesystem.default_registry().to_literal(value, p.py))
        except typesystem.TypeSystemError as e:
            raise CompileError(
                f"{self.where()}: cannot compare {p._desc()} of type "
                f"`{typesystem.render_type(p.lt)}` with {value!r}: {e}"
            ) from e

    def finish(self) -> Any:
        self.state.conditionals.remove(self)
        node = self.node
        real = [c for c in self.cases if not c.error]
        common = [n for n in real[0].outputs if all(n in c.outputs for c in real)] if real else []
        for name in common:
            first = real[0].outputs[name]
            for c in real[1:]:
                other = c.outputs[name]
                if not castable(other.lt, first.lt):
                    raise CompileError(
                        f"{self.where()}: output `{name}` is "
                        f"`{typesystem.render_type(first.lt)}` in the first case but "
                        f"`{typesystem.render_type(other.lt)}` in another; every case must "
                        "produce the same types"
                    )
            node.outputs[name] = (first.lt, first.py)
        self.parent.nodes.append(node)
        return node.result(False)

    # ------------------------------------------------------------------------- freezing
    def _operand(self, value: Any, other: Any, deps: list[NodeRef]) -> PromiseRef | Constant:
        if isinstance(value, Promise):
            deps.append(value.node)
            return PromiseRef(value.node.id, value.var, value.path)
        return self._constant_for(other, value)

    def _expr(self, expr: Any, deps: list[NodeRef]) -> BoolExpr:
        if isinstance(expr, ConjunctionExpr):
            return Conjunction(expr.op, self._expr(expr.left, deps), self._expr(expr.right, deps))
        return Comparison(
            expr.op,
            self._operand(expr.left, expr.right, deps),
            self._operand(expr.right, expr.left, deps),
        )

    def freeze(self, entities: dict[str, Entity]) -> tuple[BranchNode, list[NodeRef]]:
        from flytelike.compiler._freeze import freeze_scope

        deps: list[NodeRef] = []
        cases: list[Case] = []
        error = ""
        for c in self.cases:
            if c.error:
                error = c.error
                continue
            nodes, external = freeze_scope(self.state, c.scope.nodes, entities)
            deps.extend(external)
            cond = self._expr(c.expr, deps) if not c.is_else else None
            outs: list[Binding] = []
            for name in self.node.outputs:
                raw = c.outputs[name]
                promises: list[Promise] = []
                raw_promises(raw, promises)
                members = {id(nb) for nb in c.scope.nodes}
                deps.extend(p.node for p in promises if id(p.node) not in members)
                outs.append(Binding(name, to_binding_data(raw)))
            cases.append(Case(cond, nodes, tuple(outs)))
        if error and not self.cases[-1].is_else:
            error = ""
        outputs = tuple(Variable(n, lt) for n, (lt, _) in self.node.outputs.items())
        return BranchNode(self.name, tuple(cases), outputs, error), deps


def conditional(name: str) -> ConditionalBuilder:
    """Start a branch inside a workflow body."""
    state = _stack.current()
    loc = user_frame_location()
    if not isinstance(state, _state.CompileState):
        raise CompileError(
            f"conditional({name!r}) at {fmt(loc)} is only allowed inside a @workflow or @dynamic "
            "body; outside one, use a Python `if`"
        )
    return ConditionalBuilder(name, state, loc)
