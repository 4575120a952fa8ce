"""Bindings and conditions evaluated over literals.

``resolve`` turns a ``BindingData`` into a literal given the outputs computed so far (``Values``:
node id -> output name -> literal; workflow inputs under ``START_NODE``), following attribute
paths into tuples, lists, dicts and records. ``evaluate`` decides a branch condition. Nothing
here converts to Python values except record fields (plain msgpack data), which need the type the
consuming input expects.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

import typesystem
from flytelike.ir import (
    BindingData,
    BoolExpr,
    CollectionBinding,
    Comparison,
    Conjunction,
    Constant,
    MapBinding,
    PromiseRef,
)
from typesystem import (
    Binary,
    Collection,
    CollectionType,
    Literal,
    LiteralType,
    LiteralValue,
    Map,
    MapType,
    Scalar,
    StructType,
    TupleType,
    UnionType,
    UnionValue,
)

Values = Mapping[str, Mapping[str, Literal]]

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}


class BindingError(LookupError):
    """A binding refers to something that does not exist (a bug in the IR or the engine)."""


def _plain_to_literal(value: Any, lt: LiteralType | None) -> Literal:
    """A value from a record's plain msgpack data as a literal of type ``lt``."""
    if isinstance(lt, StructType) or (lt is None and isinstance(value, dict)):
        return Binary("msgpack", typesystem.pack_plain(value))
    if isinstance(lt, CollectionType) and isinstance(value, list | tuple):
        return Collection(tuple(typesystem.unbox(_plain_to_literal(v, lt.item)) for v in value))
    if isinstance(lt, MapType) and isinstance(value, dict):
        return Map({k: typesystem.unbox(_plain_to_literal(v, lt.value)) for k, v in value.items()})
    if isinstance(lt, UnionType):
        for variant in lt.variants:
            try:
                py = typesystem.default_registry().guess_python_type(variant.type)
                return typesystem.default_registry().to_literal(value, py)
            except Exception:
                continue
    if lt is not None and not isinstance(value, str | int | float | bool | bytes | type(None)):
        py = typesystem.default_registry().guess_python_type(lt)
        return typesystem.default_registry().to_literal(value, py)
    return Scalar(value)


def follow(lit: LiteralValue, path: tuple[str | int, ...], want: LiteralType | None) -> Literal:
    """``lit`` after the attribute/index ``path`` (``.slope``, ``[0]``, ``["key"]``)."""
    cur: Any = lit
    for i, key in enumerate(path):
        if type(cur) is UnionValue:
            cur = cur.value
        if type(cur) is Collection:
            if isinstance(key, str):
                raise BindingError(f"cannot take attribute {key!r} of a list or tuple")
            cur = cur.items[key]
        elif type(cur) is Map:
            cur = cur.items[key]
        elif type(cur) is Binary and cur.tag == "msgpack":
            plain = typesystem.unpack_plain(cur.data)
            for k in path[i:]:
                plain = plain[k]
            return _plain_to_literal(plain, want)
        else:
            raise BindingError(f"cannot follow {key!r} into {type(cur).__name__}")
    return typesystem.box(cur)


def _item_type(lt: LiteralType | None, i: int) -> LiteralType | None:
    if isinstance(lt, CollectionType):
        return lt.item
    if isinstance(lt, TupleType) and i < len(lt.items):
        return lt.items[i]
    if isinstance(lt, MapType):
        return lt.value
    return None


def resolve(data: BindingData, values: Values, want: LiteralType | None = None) -> Literal:
    """The literal a binding stands for."""
    t = type(data)
    if t is PromiseRef:
        try:
            lit = values[data.node_id][data.var]  # type: ignore[union-attr]
        except KeyError:
            raise BindingError(
                f"no output `{data.var}` of node {data.node_id!r} is available"  # type: ignore[union-attr]
            ) from None
        if data.attr_path:  # type: ignore[union-attr]
            return follow(lit, data.attr_path, want)  # type: ignore[union-attr]
        return lit
    if t is Constant:
        return data.value  # type: ignore[union-attr]
    if isinstance(data, CollectionBinding):
        return Collection(
            tuple(
                typesystem.unbox(resolve(v, values, _item_type(want, i)))
                for i, v in enumerate(data.items)
            )
        )
    if isinstance(data, MapBinding):
        return Map(
            {k: typesystem.unbox(resolve(v, values, _item_type(want, 0))) for k, v in data.items}
        )
    raise BindingError(f"unknown binding {data!r}")


def _primitive(lit: Literal) -> Any:
    v: Any = lit
    while type(v) is UnionValue:
        v = v.value
    if type(v) is Scalar:
        return v.value
    return v


def _operand(x: PromiseRef | Constant, values: Values) -> Any:
    return _primitive(resolve(x, values))


def evaluate(expr: BoolExpr, values: Values) -> bool:
    """Whether a branch condition holds."""
    if isinstance(expr, Comparison):
        return bool(_OPS[expr.op](_operand(expr.left, values), _operand(expr.right, values)))
    if isinstance(expr, Conjunction):
        if expr.op == "and":
            return evaluate(expr.left, values) and evaluate(expr.right, values)
        return evaluate(expr.left, values) or evaluate(expr.right, values)
    raise BindingError(f"unknown condition {expr!r}")


def refs(data: BindingData | BoolExpr | None, out: set[str]) -> None:
    """Add the node ids ``data`` refers to."""
    if data is None:
        return
    if isinstance(data, PromiseRef):
        out.add(data.node_id)
    elif isinstance(data, CollectionBinding):
        for v in data.items:
            refs(v, out)
    elif isinstance(data, MapBinding):
        for _, item in data.items:
            refs(item, out)
    elif isinstance(data, Comparison | Conjunction):
        refs(data.left, out)
        refs(data.right, out)
