"""flytelike's type system: Python values <-> literals, through a registry of transformers.

Importing this package is cheap: it loads no plugin, reads no environment variable and imports
no pandas, pyarrow, polars, mashumaro or cloudpickle. The default registry is created, and type
plugins are loaded, on first use.
"""

from typesystem._annotations import HashMethod
from typesystem._digest import canonical_bytes, digest, digest_inputs
from typesystem._engine import TypeEngine
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
from typesystem._plugins import PluginLoadWarning
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
    PickleFallbackWarning,
    PluginError,
    RegistrationError,
    TypeResolutionError,
    TypeSystemError,
    TypeTransformerFailedError,
    UnsupportedTypeError,
)

__all__ = [
    "AmbiguousUnionError",
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
    "HashMethod",
    "Issue",
    "Literal",
    "LiteralType",
    "LiteralValue",
    "Map",
    "MapType",
    "PickleFallbackWarning",
    "PluginError",
    "PluginLoadWarning",
    "PluginRecord",
    "Primitive",
    "RefType",
    "RegistrationError",
    "Scalar",
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
    "default_registry",
    "digest",
    "digest_inputs",
    "from_msgpack",
    "json_schema",
    "literal_from_json",
    "literal_to_json",
    "pack_plain",
    "render_type",
    "to_msgpack",
    "unbox",
    "unpack_plain",
]
