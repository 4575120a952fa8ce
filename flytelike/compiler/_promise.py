"""Promises: what calls inside a workflow body return instead of values.

- ``Promise``: one output of a node (or a workflow input); attribute and item access build a
  path into dataclass, NamedTuple, list and dict values; comparisons build ``Comparison``
  expressions for ``conditional``.
- ``Outputs``: the several outputs of a node; a tuple, so it unpacks, and its fields are
  attributes (``result.slope``).
- ``NodeHandle``: a node itself (``create_node``, calls without outputs): ``.o0``,
  ``.outputs["o0"]``, ``>>``.

Using a promise as a Python value (``if``, ``bool``, ``for``, ``len``, arithmetic) raises
``PromiseUsageError`` pointing at the line and explaining what to use instead; ``str(p)`` and
``f"{p}"`` give its placeholder text with a ``PromiseTextWarning`` (for ``print``), and that text
passed to a node as a value is refused.
"""

from __future__ import annotations

import dataclasses
import typing
import warnings
from typing import TYPE_CHECKING, Any, Protocol

import typesystem
from flytelike.compiler._source import fmt, user_frame_location
from flytelike.errors import PromiseTextWarning, PromiseUsageError

if TYPE_CHECKING:
    from typesystem import LiteralType


class NodeRef(Protocol):
    """What promises need of the node that makes them (``_state.NodeBuilder`` is the one
    implementation). A protocol, so that promises sit below the compile state that builds nodes
    from them instead of importing it back."""

    id: str
    after: tuple[Any, ...]

    def describe(self) -> str: ...

    def runs_before(self, other: Any) -> None: ...

    def with_overrides(self, kwargs: dict[str, Any]) -> None: ...

    def output_promises(self) -> dict[str, Promise]: ...


def _misuse(what: str, fix: str, desc: str) -> PromiseUsageError:
    loc = user_frame_location()
    return PromiseUsageError(
        f"{what} at {fmt(loc)}: {desc} is a promise, a placeholder for a value that exists only "
        f"when the workflow runs. {fix}",
        location=fmt(loc),
    )


_BOOL_FIX = (
    "Use `conditional(...).if_(...)` to branch on it (with `&`/`|` instead of `and`/`or`, and "
    "`.is_true()`/`.is_false()`/`.is_none()`), or move the logic into a task."
)
_ITER_FIX = (
    "Promises are not iterable: use `map_task(...)` to apply a task to each element, a @dynamic "
    "task to loop over values at run time, or a task that does the loop."
)
_MATH_FIX = "Arithmetic on promises is not supported: compute the value inside a task."
_PLACEHOLDER_TEXT = ("Promise(node ", "Promise(workflow `")


def holds_placeholder_text(value: str) -> bool:
    """Whether ``value`` contains a promise's printed placeholder (``str(p)``, ``f"{p}"``)."""
    return "Promise(" in value and any(m in value for m in _PLACEHOLDER_TEXT)


def placeholder_text_error(value: str, where: str, location: str) -> PromiseUsageError:
    return PromiseUsageError(
        f"{where} was given the string {value!r}, which holds a promise's placeholder text "
        f"(made by str() or an f-string in the workflow body), not its value. {_STR_FIX}",
        location=location,
    )


_STR_FIX = (
    "Its text is not known when the workflow is compiled: format strings inside a task instead."
)


class _PromiseOps:
    """Operators shared by promises and expressions: all of them refuse to act like values."""

    __slots__ = ()

    def _desc(self) -> str:
        return repr(self)

    def __bool__(self) -> bool:
        raise _misuse("Truth value of a promise tested", _BOOL_FIX, self._desc())

    def __iter__(self) -> Any:
        raise _misuse("Promise objects are not iterable; iteration", _ITER_FIX, self._desc())

    def __len__(self) -> int:
        raise _misuse("len() of a promise", _ITER_FIX, self._desc())

    def __format__(self, spec: str) -> str:
        # ``print(f"{p}")`` in a workflow body is as common as ``print(p)`` (flytesnacks'
        # schedule example does it): the same placeholder text and warning. A string built so
        # and bound to a node input is refused there (``CompileState.bind``), and a format
        # spec (``f"{p:>8}"``) has no meaning for a placeholder.
        if spec:
            raise _misuse("A promise was formatted into a string", _STR_FIX, self._desc())
        return self._placeholder("an f-string of a promise")

    def __str__(self) -> str:
        # flytekit prints a promise as its node output (a workflow body that prints its
        # promises while it compiles, to see the graph, is common): the text, with a warning
        # saying it is a placeholder.
        return self._placeholder("str() of a promise")

    def _placeholder(self, what: str) -> str:
        desc, loc = self._desc(), user_frame_location()
        warnings.warn(
            f"{what} at {fmt(loc)}: {desc} is a placeholder for a value that exists "
            "only when the workflow runs, so this text is not the value; to use the value as "
            "text, format it inside a task",
            PromiseTextWarning,
            stacklevel=3,
        )
        return repr(self)

    def _math(self, *_: Any) -> Any:
        raise _misuse("Arithmetic on a promise", _MATH_FIX, self._desc())

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _math
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = _math
    __mod__ = __rmod__ = __pow__ = __rpow__ = __neg__ = __pos__ = __abs__ = _math
    __matmul__ = __rmatmul__ = __lshift__ = __rlshift__ = __xor__ = __rxor__ = _math


def _attr_type(py: Any, lt: LiteralType, key: str | int, desc: str) -> tuple[Any, LiteralType]:
    registry = typesystem.default_registry()
    base, _ = _strip(py)
    sub: Any = None
    if isinstance(key, str) and dataclasses.is_dataclass(base) and isinstance(base, type):
        hints = typing.get_type_hints(base, include_extras=True)
        if key in hints:
            sub = hints[key]
    elif isinstance(base, type) and issubclass(base, tuple) and hasattr(base, "_fields"):
        hints = typing.get_type_hints(base, include_extras=True)
        if isinstance(key, int) and 0 <= key < len(base._fields):
            sub = hints[base._fields[key]]
        elif isinstance(key, str) and key in hints:
            sub = hints[key]
    elif typing.get_origin(base) is list and isinstance(key, int):
        sub = typing.get_args(base)[0]
    elif typing.get_origin(base) is dict:
        k, v = typing.get_args(base)
        if isinstance(key, k):
            sub = v
    elif typing.get_origin(base) is tuple and isinstance(key, int):
        args = typing.get_args(base)
        if len(args) == 2 and args[1] is Ellipsis:
            sub = args[0]
        elif 0 <= key < len(args):
            sub = args[key]
    if sub is None:
        access = f".{key}" if isinstance(key, str) else f"[{key!r}]"
        loc = user_frame_location()
        raise PromiseUsageError(
            f"`{access}` at {fmt(loc)}: {desc} has type `{typesystem.render_type(lt)}`, which has "
            f"no {'attribute' if isinstance(key, str) else 'item'} {key!r}. Attribute access "
            "works on dataclass and NamedTuple values, item access on lists, tuples and dicts.",
            location=fmt(loc),
        )
    return sub, registry.literal_type(sub)


def _strip(t: Any) -> tuple[Any, tuple[Any, ...]]:
    if typing.get_origin(t) is typing.Annotated:
        args = typing.get_args(t)
        return args[0], tuple(args[1:])
    return t, ()


class Promise(_PromiseOps):
    """One output of a node, or a workflow input, possibly with an attribute path."""

    __slots__ = ("lt", "node", "path", "py", "var")

    def __init__(
        self,
        node: NodeRef,
        var: str,
        lt: LiteralType,
        py: Any,
        path: tuple[str | int, ...] = (),
    ) -> None:
        self.node = node
        self.var = var
        self.lt = lt
        self.py = py
        self.path = path

    def __repr__(self) -> str:
        path = "".join(f".{p}" if isinstance(p, str) else f"[{p!r}]" for p in self.path)
        return f"Promise({self.node.describe()}.{self.var}{path})"

    def _desc(self) -> str:
        return f"`{self.var}` of {self.node.describe()}"

    def __hash__(self) -> int:
        return id(self)

    def _child(self, key: str | int) -> Promise:
        py, lt = _attr_type(self.py, self.lt, key, self._desc())
        return Promise(self.node, self.var, lt, py, (*self.path, key))

    def __getattr__(self, name: str) -> Promise:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._child(name)

    def __getitem__(self, key: str | int) -> Promise:
        return self._child(key)

    # comparisons build expressions for `conditional`
    def __eq__(self, other: object) -> ComparisonExpr:  # type: ignore[override]
        return ComparisonExpr("eq", self, other)

    def __ne__(self, other: object) -> ComparisonExpr:  # type: ignore[override]
        return ComparisonExpr("ne", self, other)

    def __gt__(self, other: object) -> ComparisonExpr:
        return ComparisonExpr("gt", self, other)

    def __ge__(self, other: object) -> ComparisonExpr:
        return ComparisonExpr("ge", self, other)

    def __lt__(self, other: object) -> ComparisonExpr:
        return ComparisonExpr("lt", self, other)

    def __le__(self, other: object) -> ComparisonExpr:
        return ComparisonExpr("le", self, other)

    def is_true(self) -> ComparisonExpr:
        return ComparisonExpr("eq", self, True)

    def is_false(self) -> ComparisonExpr:
        return ComparisonExpr("eq", self, False)

    def is_none(self) -> ComparisonExpr:
        return ComparisonExpr("eq", self, None)

    def __and__(self, other: object) -> Any:
        raise _misuse(
            "`&` on a promise", "Compare it first, e.g. `p.is_true() & (q > 3)`.", self._desc()
        )

    __or__ = __rand__ = __ror__ = __and__

    # ordering and overrides act on the node
    def __rshift__(self, other: Any) -> Any:
        self.node.runs_before(_node_of(other))
        return other

    def runs_before(self, other: Any) -> Any:
        return self.__rshift__(other)

    def with_overrides(self, **kwargs: Any) -> Promise:
        self.node.with_overrides(kwargs)
        return self

    @property
    def ref(self) -> NodeRef:
        return self.node


class ComparisonExpr(_PromiseOps):
    __slots__ = ("left", "op", "right")

    def __init__(self, op: str, left: Any, right: Any) -> None:
        self.op = op
        self.left = left
        self.right = right

    def __repr__(self) -> str:
        return f"({self.left!r} {self.op} {self.right!r})"

    __hash__ = object.__hash__

    def __and__(self, other: Any) -> ConjunctionExpr:
        return ConjunctionExpr("and", self, other)

    def __or__(self, other: Any) -> ConjunctionExpr:
        return ConjunctionExpr("or", self, other)


class ConjunctionExpr(ComparisonExpr):
    __slots__ = ()


class Outputs(tuple):  # type: ignore[type-arg]
    """Several outputs of one node: unpacks like a tuple; fields are attributes.

    Output names win over tuple methods (a NamedTuple field may be called ``count``); the node
    is ``_node``.
    """

    _node: NodeRef
    _names: tuple[str, ...]

    def __new__(cls, promises: list[Promise], node: NodeRef) -> Outputs:
        self = super().__new__(cls, promises)
        self._node = node
        self._names = tuple(p.var for p in promises)
        return self

    def __getattribute__(self, name: str) -> Any:
        if name[:1] != "_":
            names = object.__getattribute__(self, "_names")
            if name in names:
                return self[names.index(name)]
        return object.__getattribute__(self, name)

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(
            f"{self._node.describe()} has no output {name!r}; outputs: {', '.join(self._names)}"
        )

    @property
    def node(self) -> NodeRef:
        return self._node

    def __rshift__(self, other: Any) -> Any:
        self._node.runs_before(_node_of(other))
        return other

    def runs_before(self, other: Any) -> Any:
        return self.__rshift__(other)

    def with_overrides(self, **kwargs: Any) -> Outputs:
        self._node.with_overrides(kwargs)
        return self

    def __repr__(self) -> str:
        return f"Outputs({self._node.describe()}: {', '.join(self._names)})"


class NodeHandle:
    """A node: ``.outputs["o0"]``, ``.o0``, ``>>``, ``runs_before``, ``with_overrides``."""

    __slots__ = ("node",)

    def __init__(self, node: NodeRef) -> None:
        self.node = node

    @property
    def outputs(self) -> dict[str, Promise]:
        return self.node.output_promises()

    @property
    def id(self) -> str:
        return self.node.id

    def __getattr__(self, name: str) -> Promise:
        if name.startswith("_"):
            raise AttributeError(name)
        outs = self.node.output_promises()
        if name not in outs:
            raise AttributeError(
                f"{self.node.describe()} has no output {name!r}; outputs: "
                f"{', '.join(outs) or '(none)'}"
            )
        return outs[name]

    def __rshift__(self, other: Any) -> Any:
        self.node.runs_before(_node_of(other))
        return other

    def runs_before(self, other: Any) -> Any:
        return self.__rshift__(other)

    def with_overrides(self, **kwargs: Any) -> NodeHandle:
        self.node.with_overrides(kwargs)
        return self

    def __repr__(self) -> str:
        return f"Node({self.node.describe()})"


def _node_of(obj: Any) -> NodeRef:
    if isinstance(obj, Outputs):
        return obj._node
    if isinstance(obj, Promise | NodeHandle):
        return obj.node
    raise PromiseUsageError(
        f"`>>` needs a promise or a node on both sides, got {type(obj).__name__}"
    )
