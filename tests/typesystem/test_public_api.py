"""Pins the public surface of ``typesystem`` (a change here is an API change)."""

from __future__ import annotations

import typesystem

EXPECTED = [
    "AmbiguousUnionError", "BatchSize", "Binary", "BinaryType", "Blob", "BlobType", "Collection",
    "CollectionType", "Column", "ConversionError", "EncodingError", "EnumType", "FlyteIterator",
    "FlytePickle", "HashMethod",
    "Issue", "Literal", "LiteralType", "LiteralValue", "Map", "MapType", "MissingDependencyError",
    "PickleFallbackWarning",
    "PluginError", "PluginLoadWarning", "PluginRecord", "Primitive", "RefType",
    "RegistrationError", "Scalar", "SettingError", "SimpleKind", "SimpleType", "StructField", "StructType",
    "Table", "TableType", "TupleType", "TypeEngine", "TypeRegistry", "TypeResolutionError",
    "TypeSystemError", "TypeTransformer", "TypeTransformerFailedError", "UnionType",
    "UnionValue", "UnionVariant", "UnsupportedTypeError", "box", "canonical_bytes", "canonical_inputs",
    "default_registry", "digest", "digest_inputs", "from_msgpack", "json_schema",
    "literal_from_json", "literal_to_json", "pack_plain", "plain_column", "render_type", "to_msgpack", "unbox",
    "unpack_plain",
]  # fmt: skip


def test_all_is_sorted_and_pinned() -> None:
    assert typesystem.__all__ == sorted(typesystem.__all__)
    assert typesystem.__all__ == EXPECTED


def test_every_name_resolves() -> None:
    for name in typesystem.__all__:
        assert getattr(typesystem, name) is not None
