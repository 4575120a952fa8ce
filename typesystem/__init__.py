"""flytelike's type system: Python values <-> literals, through a registry of transformers.

Importing this package is cheap: the public names are loaded on first access (PEP 562), no plugin
is loaded, no environment variable is read, and nothing heavy (pandas, pyarrow, polars,
mashumaro, cloudpickle) is imported. The default registry is created, and type plugins are
loaded, on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typesystem._annotations import HashMethod
    from typesystem._digest import canonical_bytes, canonical_inputs, digest, digest_inputs
    from typesystem._engine import TypeEngine
    from typesystem._iterators import FlyteIterator
    from typesystem._json import json_schema, literal_from_json, literal_to_json
    from typesystem._literals import (
        Binary,
        Blob,
        Collection,
        Literal,
        LiteralValue,
        Map,
        Primitive,
        Scalar,
        Table,
        UnionValue,
        box,
        unbox,
    )
    from typesystem._msgpack import from_msgpack, pack_plain, to_msgpack, unpack_plain
    from typesystem._pickled import BatchSize, FlytePickle
    from typesystem._plugins import PluginLoadWarning
    from typesystem._primitives import plain_column
    from typesystem._registry import PluginRecord, TypeRegistry, default_registry
    from typesystem._render import render as render_type
    from typesystem._transformer import TypeTransformer
    from typesystem._types import (
        BinaryType,
        BlobType,
        CollectionType,
        Column,
        EnumType,
        LiteralType,
        MapType,
        RefType,
        SimpleKind,
        SimpleType,
        StructField,
        StructType,
        TableType,
        TupleType,
        UnionType,
        UnionVariant,
    )
    from typesystem.errors import (
        AmbiguousUnionError,
        ConversionError,
        EncodingError,
        Issue,
        MissingDependencyError,
        PickleFallbackWarning,
        PluginError,
        RegistrationError,
        SettingError,
        TypeResolutionError,
        TypeSystemError,
        TypeTransformerFailedError,
        UnsupportedTypeError,
    )

_LAZY: dict[str, tuple[str, str]] = {
    "AmbiguousUnionError": ("typesystem.errors", "AmbiguousUnionError"),
    "BatchSize": ("typesystem._pickled", "BatchSize"),
    "Binary": ("typesystem._literals", "Binary"),
    "BinaryType": ("typesystem._types", "BinaryType"),
    "Blob": ("typesystem._literals", "Blob"),
    "BlobType": ("typesystem._types", "BlobType"),
    "Collection": ("typesystem._literals", "Collection"),
    "CollectionType": ("typesystem._types", "CollectionType"),
    "Column": ("typesystem._types", "Column"),
    "ConversionError": ("typesystem.errors", "ConversionError"),
    "EncodingError": ("typesystem.errors", "EncodingError"),
    "EnumType": ("typesystem._types", "EnumType"),
    "FlyteIterator": ("typesystem._iterators", "FlyteIterator"),
    "FlytePickle": ("typesystem._pickled", "FlytePickle"),
    "HashMethod": ("typesystem._annotations", "HashMethod"),
    "Issue": ("typesystem.errors", "Issue"),
    "Literal": ("typesystem._literals", "Literal"),
    "LiteralType": ("typesystem._types", "LiteralType"),
    "LiteralValue": ("typesystem._literals", "LiteralValue"),
    "Map": ("typesystem._literals", "Map"),
    "MapType": ("typesystem._types", "MapType"),
    "MissingDependencyError": ("typesystem.errors", "MissingDependencyError"),
    "PickleFallbackWarning": ("typesystem.errors", "PickleFallbackWarning"),
    "PluginError": ("typesystem.errors", "PluginError"),
    "SettingError": ("typesystem.errors", "SettingError"),
    "PluginLoadWarning": ("typesystem._plugins", "PluginLoadWarning"),
    "PluginRecord": ("typesystem._registry", "PluginRecord"),
    "Primitive": ("typesystem._literals", "Primitive"),
    "RefType": ("typesystem._types", "RefType"),
    "RegistrationError": ("typesystem.errors", "RegistrationError"),
    "Scalar": ("typesystem._literals", "Scalar"),
    "SimpleKind": ("typesystem._types", "SimpleKind"),
    "SimpleType": ("typesystem._types", "SimpleType"),
    "StructField": ("typesystem._types", "StructField"),
    "StructType": ("typesystem._types", "StructType"),
    "Table": ("typesystem._literals", "Table"),
    "TableType": ("typesystem._types", "TableType"),
    "TupleType": ("typesystem._types", "TupleType"),
    "TypeEngine": ("typesystem._engine", "TypeEngine"),
    "TypeRegistry": ("typesystem._registry", "TypeRegistry"),
    "TypeResolutionError": ("typesystem.errors", "TypeResolutionError"),
    "TypeSystemError": ("typesystem.errors", "TypeSystemError"),
    "TypeTransformer": ("typesystem._transformer", "TypeTransformer"),
    "TypeTransformerFailedError": ("typesystem.errors", "TypeTransformerFailedError"),
    "UnionType": ("typesystem._types", "UnionType"),
    "UnionValue": ("typesystem._literals", "UnionValue"),
    "UnionVariant": ("typesystem._types", "UnionVariant"),
    "UnsupportedTypeError": ("typesystem.errors", "UnsupportedTypeError"),
    "box": ("typesystem._literals", "box"),
    "canonical_bytes": ("typesystem._digest", "canonical_bytes"),
    "canonical_inputs": ("typesystem._digest", "canonical_inputs"),
    "default_registry": ("typesystem._registry", "default_registry"),
    "digest": ("typesystem._digest", "digest"),
    "digest_inputs": ("typesystem._digest", "digest_inputs"),
    "from_msgpack": ("typesystem._msgpack", "from_msgpack"),
    "json_schema": ("typesystem._json", "json_schema"),
    "literal_from_json": ("typesystem._json", "literal_from_json"),
    "literal_to_json": ("typesystem._json", "literal_to_json"),
    "pack_plain": ("typesystem._msgpack", "pack_plain"),
    "plain_column": ("typesystem._primitives", "plain_column"),
    "render_type": ("typesystem._render", "render"),
    "to_msgpack": ("typesystem._msgpack", "to_msgpack"),
    "unbox": ("typesystem._literals", "unbox"),
    "unpack_plain": ("typesystem._msgpack", "unpack_plain"),
}


def __getattr__(name: str) -> Any:
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'typesystem' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = [
    "AmbiguousUnionError",
    "BatchSize",
    "Binary",
    "BinaryType",
    "Blob",
    "BlobType",
    "Collection",
    "CollectionType",
    "Column",
    "ConversionError",
    "EncodingError",
    "EnumType",
    "FlyteIterator",
    "FlytePickle",
    "HashMethod",
    "Issue",
    "Literal",
    "LiteralType",
    "LiteralValue",
    "Map",
    "MapType",
    "MissingDependencyError",
    "PickleFallbackWarning",
    "PluginError",
    "PluginLoadWarning",
    "PluginRecord",
    "Primitive",
    "RefType",
    "RegistrationError",
    "Scalar",
    "SettingError",
    "SimpleKind",
    "SimpleType",
    "StructField",
    "StructType",
    "Table",
    "TableType",
    "TupleType",
    "TypeEngine",
    "TypeRegistry",
    "TypeResolutionError",
    "TypeSystemError",
    "TypeTransformer",
    "TypeTransformerFailedError",
    "UnionType",
    "UnionValue",
    "UnionVariant",
    "UnsupportedTypeError",
    "box",
    "canonical_bytes",
    "canonical_inputs",
    "default_registry",
    "digest",
    "digest_inputs",
    "from_msgpack",
    "json_schema",
    "literal_from_json",
    "literal_to_json",
    "pack_plain",
    "plain_column",
    "render_type",
    "to_msgpack",
    "unbox",
    "unpack_plain",
]
