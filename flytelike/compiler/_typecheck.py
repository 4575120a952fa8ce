"""Whether a value of one literal type may be bound to an input of another.

The rules, in order: equal types (tags ignored) match; ``Any``-like binary inputs (plain data,
pickle of ``object``) take anything; a union input takes any type one of its variants takes, and a
union value matches when each of its variants does; ``none`` matches an optional input;
collections, maps and tuples match item-wise; records match by name (a ``RefType`` names its
record); files and directories match unless both name a format and they differ; tables match
when the input leaves the format or columns open.
Nothing else is converted implicitly (an ``int`` promise is not a ``float`` input): make the
producer return the type the consumer takes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typesystem import BinaryType, LiteralType


def _open_binary(src: LiteralType, dst: BinaryType) -> bool:
    """Untyped inputs: ``Any`` and pickled ``object`` take anything, ``dict``/``list`` their kind."""
    from typesystem import BinaryType, CollectionType, MapType

    if dst.format == "msgpack":
        if dst.tag == "Any":
            return True
        if dst.tag == "dict":
            return isinstance(src, MapType) or (isinstance(src, BinaryType) and src.tag == "dict")
        if dst.tag == "list":
            return isinstance(src, CollectionType) or (
                isinstance(src, BinaryType) and src.tag == "list"
            )
    return dst.format == "cloudpickle" and dst.python_type == "object"


def castable(src: LiteralType, dst: LiteralType) -> bool:
    """True when a value of ``src`` can be bound where ``dst`` is expected."""
    if src is dst or src == dst:
        return True
    from typesystem import (  # loaded on first use, not when flytelike is imported
        BinaryType,
        BlobType,
        CollectionType,
        EnumType,
        MapType,
        RefType,
        SimpleKind,
        SimpleType,
        StructType,
        TableType,
        TupleType,
        UnionType,
    )

    if isinstance(dst, BinaryType) and _open_binary(src, dst):
        return True
    if isinstance(dst, UnionType):
        if isinstance(src, UnionType):
            return all(castable(v.type, dst) for v in src.variants)
        return any(castable(src, v.type) for v in dst.variants)
    if isinstance(src, UnionType):
        return False
    if type(src) is not type(dst):
        if isinstance(src, RefType | StructType) and isinstance(dst, RefType | StructType):
            return src.name == dst.name
        return False
    if isinstance(src, SimpleType):
        assert isinstance(dst, SimpleType)
        return src.kind is dst.kind and (
            src.tag == dst.tag or not dst.tag or src.kind is SimpleKind.NONE
        )
    if isinstance(src, CollectionType):
        assert isinstance(dst, CollectionType)
        return castable(src.item, dst.item)
    if isinstance(src, MapType):
        assert isinstance(dst, MapType)
        return castable(src.key, dst.key) and castable(src.value, dst.value)
    if isinstance(src, TupleType):
        assert isinstance(dst, TupleType)
        return len(src.items) == len(dst.items) and all(
            castable(a, b) for a, b in zip(src.items, dst.items, strict=True)
        )
    if isinstance(src, EnumType):
        assert isinstance(dst, EnumType)
        return set(src.values) <= set(dst.values)
    if isinstance(src, StructType):
        assert isinstance(dst, StructType)
        return src.name == dst.name
    if isinstance(src, RefType):
        assert isinstance(dst, RefType)
        return src.name == dst.name
    if isinstance(src, BlobType):
        assert isinstance(dst, BlobType)
        # a format-less file or directory binds to a typed input too (File -> File["csv"]), as
        # flytekit binds it; two different formats do not
        return src.multipart == dst.multipart and (
            not dst.format or not src.format or src.format == dst.format
        )
    if isinstance(src, TableType):
        assert isinstance(dst, TableType)
        if dst.format and src.format and src.format != dst.format:
            return False
        have = {c.name: c.type for c in src.columns}
        return not src.columns or all(
            c.name in have and castable(have[c.name], c.type) for c in dst.columns
        )
    if isinstance(src, BinaryType):
        assert isinstance(dst, BinaryType)
        return src.format == dst.format and src.python_type == dst.python_type
    return False
