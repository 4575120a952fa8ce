"""The compile state: nodes being built while a workflow body runs with promises.

``CompileState`` keeps a stack of scopes (the workflow, and each open branch case), hands out
node ids (``n0, n1, ...``; ``<branch>.c<i>.n<j>`` inside branches), binds and type-checks call
arguments, and finally freezes the ``NodeBuilder`` objects into IR ``Node``\\ s with upstream
edges. Which state is active lives in ``_stack`` (one stack per context): calls made while one
is active become nodes.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Protocol

import typesystem
from flytelike.compiler._promise import (
    ComparisonExpr,
    NodeHandle,
    NodeRef,
    Outputs,
    Promise,
    holds_placeholder_text,
    placeholder_text_error,
)
from flytelike.compiler._source import fmt
from flytelike.compiler._stack import STACK as _STACK
from flytelike.compiler._typecheck import castable
from flytelike.errors import ArgumentError, BindingTypeError, CompileError
from flytelike.ir import (
    START_NODE,
    Binding,
    BindingData,
    CollectionBinding,
    Constant,
    MapBinding,
    NodeOverrides,
    PromiseRef,
)

if TYPE_CHECKING:
    from flytelike.compiler._entity import Entity
    from flytelike.ir import BranchNode
    from typesystem import LiteralType


class ConditionalBuilder(Protocol):
    """What the compile state and the freezer need of an open ``conditional(...)``
    (``_condition.ConditionalBuilder`` is the one implementation; a protocol, so that the state
    sits below the conditionals built on it instead of importing them back)."""

    @property
    def loc(self) -> tuple[str, int] | None: ...

    def where(self) -> str: ...

    def freeze(self, entities: dict[str, Entity]) -> tuple[BranchNode, list[NodeRef]]: ...


_MISSING: Any = object()
_UNBOUND: Any = object()  # (the binding of an input whose type check failed)


class NodeBuilder:
    """A node while its workflow compiles: mutable (ids, overrides and ``>>`` edges may change)."""

    __slots__ = (
        "after",
        "branch",
        "entity",
        "id",
        "inputs",
        "loc",
        "name",
        "outputs",
        "overrides",
        "state",
    )

    def __init__(
        self,
        state: CompileState,
        node_id: str,
        entity: Entity | None,
        loc: tuple[str, int] | None,
        outputs: dict[str, tuple[LiteralType, Any]] | None = None,
    ) -> None:
        self.state = state
        self.id = node_id
        self.entity = entity
        self.loc = loc
        self.inputs: list[tuple[str, Any]] = []
        self.after: tuple[NodeBuilder, ...] = ()
        self.name = ""
        self.overrides: NodeOverrides | None = None
        self.outputs: dict[str, tuple[LiteralType, Any]] = outputs if outputs is not None else {}
        self.branch: ConditionalBuilder | None = None

    def describe(self) -> str:
        if self.id == START_NODE:
            return f"workflow `{self.state.name}` input"
        what = self.entity.describe() if self.entity is not None else "branch"
        return f"node {self.id} ({what})"

    def runs_before(self, other: NodeBuilder) -> None:
        if other is self:
            raise CompileError(f"{self.describe()}: a node cannot run before itself")
        other.after = (*other.after, self)

    def with_overrides(self, kwargs: dict[str, Any]) -> None:
        from flytelike.compiler._overrides import SUBWORKFLOW_KEYS, apply_overrides

        entity = self.entity
        allowed = entity.override_keys if entity is not None else SUBWORKFLOW_KEYS
        where = f"workflow `{self.state.name}`, {self.describe()} at {fmt(self.loc)}"
        cfg_type = entity.task_config_type if entity is not None else None
        self.overrides, node_id, name = apply_overrides(
            self.overrides, kwargs, where, allowed, cfg_type
        )
        if node_id:
            self.id = node_id
        if name:
            self.name = name

    def output_promises(self) -> dict[str, Promise]:
        return {n: Promise(self, n, lt, py) for n, (lt, py) in self.outputs.items()}

    def result(self, named: bool) -> Any:
        """What the call returns: a promise, several (``Outputs``) or the node itself."""
        outs = self.outputs
        if not outs:
            return NodeHandle(self)
        if len(outs) == 1 and not named:
            ((n, (lt, py)),) = outs.items()
            return Promise(self, n, lt, py)
        return Outputs([Promise(self, n, lt, py) for n, (lt, py) in outs.items()], self)


class Scope:
    __slots__ = ("count", "nodes", "prefix")

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.nodes: list[NodeBuilder] = []
        self.count = 0

    def next_id(self) -> str:
        node_id = f"{self.prefix}n{self.count}"
        self.count += 1
        return node_id


def call_entity(entity: Entity, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """What calling ``entity`` does (every entity's ``__call__`` is this): inside a workflow
    body, add a node (located at the line that called the entity); elsewhere, run it with the
    arguments mapped to input names (``local_call``)."""
    stack = _STACK.get()  # (the hot path: one ContextVar read when no compile is active)
    if stack:
        ctx = stack[-1]
        frame = sys._getframe(2)  # (the entity's ``__call__`` is frame 1)
        return ctx.call(entity, args, kwargs, (frame.f_code.co_filename, frame.f_lineno))
    return entity.local_call(map_arguments(entity, args, kwargs) if args or kwargs else {})


def map_arguments(
    entity: Entity,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    where: tuple[str, int] | None = None,
) -> dict[str, Any]:
    """Positional arguments mapped to input names in order, with flytekit's three errors."""
    inputs = entity.python_interface.inputs
    if not args:
        for k in kwargs:
            if k not in inputs:
                loc = fmt(where) if where else ""
                at = f" (at {loc})" if loc else ""
                raise ArgumentError(
                    f"Received unexpected keyword argument '{k}' in function '{entity.name}'{at}; "
                    f"inputs are: {', '.join(inputs) or '(none)'}",
                    entity=entity.name,
                    input_name=k,
                    location=loc,
                )
        return kwargs
    names = list(inputs)
    loc = fmt(where) if where else ""
    at = f" (at {loc})" if loc else ""
    if len(args) > len(names):
        raise ArgumentError(
            f"Received more arguments than expected in function '{entity.name}'{at}. Expected "
            f"{len(names)} but got {len(args)}",
            entity=entity.name,
            location=loc,
        )
    bound = dict(zip(names, args, strict=False))
    for k, v in kwargs.items():
        if k not in inputs:
            raise ArgumentError(
                f"Received unexpected keyword argument '{k}' in function '{entity.name}'{at}",
                entity=entity.name,
                input_name=k,
                location=loc,
            )
        if k in bound:
            raise ArgumentError(
                f"Got multiple values for argument '{k}' in function '{entity.name}'{at}",
                entity=entity.name,
                input_name=k,
                location=loc,
            )
        bound[k] = v
    return bound


def has_promise(value: Any) -> bool:
    t = type(value)
    if t is Promise or isinstance(value, Promise | Outputs | NodeHandle | ComparisonExpr):
        return True
    if t is list or t is tuple:
        return any(has_promise(v) for v in value)
    if t is dict:
        return any(has_promise(v) for v in value.values())
    return False


class CompileState:
    """Builds the nodes of one workflow (or one run of a @dynamic body)."""

    def __init__(self, name: str, kind: str = "workflow") -> None:
        self.name = name
        self.kind = kind
        self.scopes = [Scope("")]
        self.start = NodeBuilder(self, START_NODE, None, None)
        self.conditionals: list[ConditionalBuilder] = []
        # Type errors of bindings, collected so that a workflow reports all of them at once
        # (``binding_failure``); the body keeps compiling after one.
        self.binding_errors: list[BindingTypeError] = []

    def bind_or_record(
        self, value: Any, lt: LiteralType, py: Any, nb: NodeBuilder, name: str
    ) -> Any:
        """``bind``, recording a ``BindingTypeError`` (and returning a placeholder that is
        never frozen: compiling ends with ``binding_failure``) instead of raising it."""
        try:
            return self.bind(value, lt, py, nb, name)
        except BindingTypeError as e:
            self.binding_errors.append(e)
            return _UNBOUND

    def binding_failure(self) -> BindingTypeError | None:
        """The recorded binding errors as one error (``None`` when there are none): the error
        itself when there is one, else one listing each on its own line (``.errors``)."""
        errors = self.binding_errors
        if not errors:
            return None
        if len(errors) == 1:
            return errors[0]
        lines = "\n".join(f"  - {e}" for e in errors)
        combined = BindingTypeError(
            f"{self.kind} `{self.name}` has {len(errors)} binding errors:\n{lines}",
            entity=self.name,
            node_id=errors[0].node_id,
            input_name=errors[0].input_name,
            location=errors[0].location,
        )
        combined.errors = tuple(errors)
        return combined

    def where(self, node_id: str, entity: Entity | None, loc: tuple[str, int] | None) -> str:
        if node_id == "end-node":
            return f"{self.kind} `{self.name}` outputs ({fmt(loc)})"
        what = entity.describe() if entity is not None else "branch"
        return f"{self.kind} `{self.name}`, node {node_id} ({what}) at {fmt(loc)}"

    def input_promise(self, name: str, lt: LiteralType, py: Any) -> Promise:
        self.start.outputs[name] = (lt, py)
        return Promise(self.start, name, lt, py)

    # ------------------------------------------------------------------------- calls
    def call(
        self, entity: Entity, args: tuple[Any, ...], kwargs: dict[str, Any], loc: tuple[str, int]
    ) -> Any:
        scope = self.scopes[-1]
        node_id = f"{scope.prefix}n{scope.count}"
        scope.count += 1
        iface = entity.python_interface
        types = iface.input_types
        if args or not kwargs.keys() <= types.keys():
            values = map_arguments(entity, args, kwargs, loc)
        else:
            values = kwargs
        nb = NodeBuilder(self, node_id, entity, loc, iface.output_specs())
        inputs = nb.inputs
        for name, py in iface.inputs.items():
            value = values.get(name, _MISSING)
            if value is not _MISSING:
                lt = types[name]
                if type(value) is Promise and (value.lt is lt or value.lt == lt):
                    inputs.append((name, value))
                    continue
                raw = self.bind_or_record(value, lt, py, nb, name)
            elif name in iface.default_literals:
                raw = Constant(iface.default_literals[name])
            else:
                raise ArgumentError(
                    f"{self.where(node_id, entity, loc)}: input `{name}` of type "
                    f"`{typesystem.render_type(types[name])}` was not given and has no default",
                    entity=self.name,
                    node_id=node_id,
                    input_name=name,
                    location=fmt(loc),
                )
            inputs.append((name, raw))
        scope.nodes.append(nb)
        if entity.deprecated:
            import warnings

            warnings.warn_explicit(
                f"{entity.describe()} is deprecated: {entity.deprecated}",
                DeprecationWarning,
                loc[0],
                loc[1],
            )
        single = iface.single_output()
        if single is not None:
            return Promise(nb, *single)
        return nb.result(iface.output_tuple is not None)

    def bind(self, value: Any, lt: LiteralType, py: Any, nb: NodeBuilder, name: str) -> Any:
        """A raw binding (promises kept as objects until finalisation), type-checked."""
        t = type(value)
        if t is Promise:
            if value.lt is lt or value.lt == lt or castable(value.lt, lt):
                return value
            raise self._mismatch(nb, name, lt, value)
        if t is Outputs or t is NodeHandle:
            promises = list(value) if t is Outputs else list(value.outputs.values())
            if len(promises) != 1:
                raise BindingTypeError(
                    f"{self.where(nb.id, nb.entity, nb.loc)}: input `{name}` was given "
                    f"{value!r}, which has {len(promises)} outputs; pass one of them "
                    "(unpack the call or use `.output_name`)",
                    entity=self.name,
                    node_id=nb.id,
                    input_name=name,
                    location=fmt(nb.loc),
                )
            return self.bind(promises[0], lt, py, nb, name)
        from typesystem import CollectionType, MapType, TupleType

        if (t is list or t is tuple) and has_promise(value):
            if isinstance(lt, CollectionType):
                item_py = _arg(py, 0)
                return CollectionBinding(
                    tuple(
                        self.bind(v, lt.item, item_py, nb, f"{name}[{i}]")
                        for i, v in enumerate(value)
                    )
                )
            if isinstance(lt, TupleType) and len(lt.items) == len(value):
                return CollectionBinding(
                    tuple(
                        self.bind(v, lt.items[i], _arg(py, i), nb, f"{name}[{i}]")
                        for i, v in enumerate(value)
                    )
                )
        if t is dict and has_promise(value) and isinstance(lt, MapType):
            if not all(isinstance(k, str) for k in value):
                raise BindingTypeError(
                    f"{self.where(nb.id, nb.entity, nb.loc)}: input `{name}`: a dict of promises "
                    "needs string keys; build other dicts inside a task",
                    entity=self.name,
                    node_id=nb.id,
                    input_name=name,
                    location=fmt(nb.loc),
                )
            val_py = _arg(py, 1)
            return MapBinding(
                tuple(
                    (str(k), self.bind(v, lt.value, val_py, nb, f"{name}[{k!r}]"))
                    for k, v in value.items()
                )
            )
        if has_promise(value):
            raise BindingTypeError(
                f"{self.where(nb.id, nb.entity, nb.loc)}: input `{name}` of type "
                f"`{typesystem.render_type(lt)}` was given {value!r}, which contains promises; "
                "only lists and dicts of promises are assembled at run time. Build the value "
                "inside a task instead.",
                entity=self.name,
                node_id=nb.id,
                input_name=name,
                location=fmt(nb.loc),
            )
        if t is str and holds_placeholder_text(value):
            where = f"{self.where(nb.id, nb.entity, nb.loc)}: input `{name}`"
            raise placeholder_text_error(value, where, fmt(nb.loc))
        try:
            return Constant(typesystem.default_registry().to_literal(value, py))
        except typesystem.TypeSystemError as e:
            raise BindingTypeError(
                f"{self.where(nb.id, nb.entity, nb.loc)}: input `{name}` expects "
                f"`{typesystem.render_type(lt)}`, but the constant {value!r} does not convert: {e}",
                entity=self.name,
                node_id=nb.id,
                input_name=name,
                location=fmt(nb.loc),
            ) from e

    def _mismatch(
        self, nb: NodeBuilder, name: str, lt: LiteralType, p: Promise
    ) -> BindingTypeError:
        got = typesystem.render_type(p.lt)
        want = typesystem.render_type(lt)
        return BindingTypeError(
            f"{self.where(nb.id, nb.entity, nb.loc)}: input `{name}` expects `{want}`, got "
            f"`{got}` from {p._desc()}. Make the producer return `{want}` or convert it in a task.",
            entity=self.name,
            node_id=nb.id,
            input_name=name,
            location=fmt(nb.loc),
        )


def _arg(py: Any, i: int) -> Any:
    import typing

    args = typing.get_args(py)
    if typing.get_origin(py) is typing.Annotated:
        return _arg(args[0], i)
    if not args:
        return Any
    if len(args) == 2 and args[1] is Ellipsis:
        return args[0]
    return args[i] if i < len(args) else Any


def to_binding_data(raw: Any) -> BindingData:
    """Freeze a raw binding: promises become ``PromiseRef``\\ s with their node's final id."""
    t = type(raw)
    if t is Promise:
        return PromiseRef(raw.node.id, raw.var, raw.path)
    if t is Constant:
        return raw  # type: ignore[no-any-return]
    if t is CollectionBinding:
        return CollectionBinding(
            tuple(
                [
                    PromiseRef(v.node.id, v.var, v.path)
                    if type(v) is Promise
                    else to_binding_data(v)
                    for v in raw.items
                ]
            )
        )
    if t is MapBinding:
        return MapBinding(tuple((k, to_binding_data(v)) for k, v in raw.items))
    raise TypeError(f"not a binding: {raw!r}")


def raw_promises(raw: Any, out: list[Promise]) -> None:
    t = type(raw)
    if t is Promise:
        out.append(raw)
    elif t is CollectionBinding:
        for v in raw.items:
            raw_promises(v, out)
    elif t is MapBinding:
        for _, v in raw.items:
            raw_promises(v, out)


def bindings(pairs: list[tuple[str, Any]]) -> tuple[Binding, ...]:
    return tuple(Binding(name, to_binding_data(raw)) for name, raw in pairs)
