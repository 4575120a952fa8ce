"""``guess_python_type``: a Python type for a literal type whose Python class is unknown.

Transformers are asked first (newest first), so a class the registry already knows is returned
as itself. Otherwise the type is built from the structure: ``list[...]``, ``dict[...]``,
``Optional``/unions, ``typing.Literal`` for enums, a ``NamedTuple`` or ``tuple``, and for records
a dataclass synthesised from the field types (named after the record).
"""

from __future__ import annotations

import dataclasses
import typing
from typing import TYPE_CHECKING, Any

from typesystem._types import (
    BinaryType,
    CollectionType,
    EnumType,
    LiteralType,
    MapType,
    RefType,
    StructType,
    TupleType,
    UnionType,
)

if TYPE_CHECKING:
    from typesystem._registry import TypeRegistry


def guess_python_type(registry: TypeRegistry, lt: LiteralType) -> Any:
    return _guess(registry, lt, {})


def _guess(registry: TypeRegistry, lt: LiteralType, records: dict[str, Any]) -> Any:
    for tr in registry.transformers():
        try:
            return tr.guess_python_type(lt)
        except (ValueError, NotImplementedError):
            continue
    return _structural(registry, lt, records)


def _structural(registry: TypeRegistry, lt: LiteralType, records: dict[str, Any]) -> Any:
    def guess(x: LiteralType) -> Any:
        return _guess(registry, x, records)

    match lt:
        case CollectionType(item=item):
            return list[guess(item)]  # type: ignore[misc]
        case MapType(key=key, value=value):
            return dict[guess(key), guess(value)]  # type: ignore[misc]
        case UnionType(variants=variants):
            return typing.Union[tuple(guess(v.type) for v in variants)]  # noqa: UP007
        case EnumType(values=values):
            return typing.Literal[values]
        case TupleType(items=items, names=names):
            if names:
                return typing.NamedTuple(
                    lt.tag.rsplit(".", 1)[-1] or "Outputs",
                    [(n, guess(i)) for n, i in zip(names, items, strict=True)],
                )
            return tuple[tuple(guess(i) for i in items)]  # type: ignore[misc]
        case StructType(name=name, fields=fields):
            if name in records:
                return records[name]
            short = name.rsplit(".", 1)[-1]
            records[name] = short
            cls = dataclasses.make_dataclass(
                short,
                [
                    (f.name, guess(f.type))
                    if f.required
                    else (f.name, guess(f.type), dataclasses.field(default=None))
                    for f in fields
                ],
            )
            records[name] = cls
            return cls
        case RefType(name=name):
            return records.get(name, Any)
        case BinaryType(format="msgpack"):
            # Plain data of an untyped `dict`, `list` or `Any` (the tag names which); an `Any`
            # value that was not plain data was pickled, which only `Any` reads back.
            return {"dict": dict, "list": list}.get(lt.tag, Any)
        case BinaryType():
            return object
    raise ValueError(f"no Python type is known for {lt!r}")
