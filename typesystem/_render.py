"""Readable, stable names for literal types (``list[int]``, ``dict[str, Record]``).

The same text serves error messages, union variant names and the compiler's type-mismatch
messages, so it is deterministic: it depends only on the ``LiteralType``.
"""

from __future__ import annotations

from typesystem._types import (
    BinaryType,
    BlobType,
    CollectionType,
    EnumType,
    LiteralType,
    MapType,
    RefType,
    SimpleKind,
    SimpleType,
    StructType,
    TableType,
    TupleType,
    UnionType,
)

_SIMPLE_NAMES = {
    SimpleKind.NONE: "none",
    SimpleKind.INTEGER: "int",
    SimpleKind.FLOAT: "float",
    SimpleKind.STRING: "str",
    SimpleKind.BOOLEAN: "bool",
    SimpleKind.BYTES: "bytes",
    SimpleKind.DATETIME: "datetime",
    SimpleKind.DATE: "date",
    SimpleKind.DURATION: "timedelta",
}


def render(lt: LiteralType) -> str:
    """Name a literal type the way a Python user would write it."""
    match lt:
        case SimpleType(kind=kind):
            base = _SIMPLE_NAMES[kind]
            return f"{lt.tag}" if lt.tag else base
        case CollectionType(item=item):
            return f"list[{render(item)}]"
        case MapType(value=value, key=key):
            return f"dict[{render(key)}, {render(value)}]"
        case TupleType(items=items, names=names):
            if names is not None and lt.tag:
                return lt.tag
            return f"tuple[{', '.join(render(i) for i in items)}]"
        case UnionType(variants=variants):
            return " | ".join(v.name for v in variants)
        case EnumType(values=values, name=name):
            return name or "Literal[" + ", ".join(repr(v) for v in values) + "]"
        case StructType(name=name):
            return name
        case RefType(name=name):
            return name
        case BinaryType(format=fmt, python_type=python_type):
            return python_type or lt.tag or f"binary[{fmt}]"
        case BlobType(format=fmt, multipart=multipart):
            base = lt.tag or ("Dir" if multipart else "File")
            return f"{base}[{fmt}]" if fmt else base
        case TableType(format=fmt):
            base = lt.tag or "DataFrame"
            return f"{base}[{fmt}]" if fmt else base
    return type(lt).__name__
