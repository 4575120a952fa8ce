from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SimpleKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SIMPLE_KIND_UNSPECIFIED: _ClassVar[SimpleKind]
    SIMPLE_KIND_NONE: _ClassVar[SimpleKind]
    SIMPLE_KIND_INTEGER: _ClassVar[SimpleKind]
    SIMPLE_KIND_FLOAT: _ClassVar[SimpleKind]
    SIMPLE_KIND_STRING: _ClassVar[SimpleKind]
    SIMPLE_KIND_BOOLEAN: _ClassVar[SimpleKind]
    SIMPLE_KIND_BYTES: _ClassVar[SimpleKind]
    SIMPLE_KIND_DATETIME: _ClassVar[SimpleKind]
    SIMPLE_KIND_DATE: _ClassVar[SimpleKind]
    SIMPLE_KIND_DURATION: _ClassVar[SimpleKind]
SIMPLE_KIND_UNSPECIFIED: SimpleKind
SIMPLE_KIND_NONE: SimpleKind
SIMPLE_KIND_INTEGER: SimpleKind
SIMPLE_KIND_FLOAT: SimpleKind
SIMPLE_KIND_STRING: SimpleKind
SIMPLE_KIND_BOOLEAN: SimpleKind
SIMPLE_KIND_BYTES: SimpleKind
SIMPLE_KIND_DATETIME: SimpleKind
SIMPLE_KIND_DATE: SimpleKind
SIMPLE_KIND_DURATION: SimpleKind

class LiteralType(_message.Message):
    __slots__ = ("tag", "simple_type", "collection_type", "map_type", "tuple_type", "union_type", "enum_type", "struct_type", "ref_type", "binary_type", "blob_type", "table_type")
    TAG_FIELD_NUMBER: _ClassVar[int]
    SIMPLE_TYPE_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_TYPE_FIELD_NUMBER: _ClassVar[int]
    MAP_TYPE_FIELD_NUMBER: _ClassVar[int]
    TUPLE_TYPE_FIELD_NUMBER: _ClassVar[int]
    UNION_TYPE_FIELD_NUMBER: _ClassVar[int]
    ENUM_TYPE_FIELD_NUMBER: _ClassVar[int]
    STRUCT_TYPE_FIELD_NUMBER: _ClassVar[int]
    REF_TYPE_FIELD_NUMBER: _ClassVar[int]
    BINARY_TYPE_FIELD_NUMBER: _ClassVar[int]
    BLOB_TYPE_FIELD_NUMBER: _ClassVar[int]
    TABLE_TYPE_FIELD_NUMBER: _ClassVar[int]
    tag: str
    simple_type: SimpleType
    collection_type: CollectionType
    map_type: MapType
    tuple_type: TupleType
    union_type: UnionType
    enum_type: EnumType
    struct_type: StructType
    ref_type: RefType
    binary_type: BinaryType
    blob_type: BlobType
    table_type: TableType
    def __init__(self, tag: _Optional[str] = ..., simple_type: _Optional[_Union[SimpleType, _Mapping]] = ..., collection_type: _Optional[_Union[CollectionType, _Mapping]] = ..., map_type: _Optional[_Union[MapType, _Mapping]] = ..., tuple_type: _Optional[_Union[TupleType, _Mapping]] = ..., union_type: _Optional[_Union[UnionType, _Mapping]] = ..., enum_type: _Optional[_Union[EnumType, _Mapping]] = ..., struct_type: _Optional[_Union[StructType, _Mapping]] = ..., ref_type: _Optional[_Union[RefType, _Mapping]] = ..., binary_type: _Optional[_Union[BinaryType, _Mapping]] = ..., blob_type: _Optional[_Union[BlobType, _Mapping]] = ..., table_type: _Optional[_Union[TableType, _Mapping]] = ...) -> None: ...

class SimpleType(_message.Message):
    __slots__ = ("kind",)
    KIND_FIELD_NUMBER: _ClassVar[int]
    kind: SimpleKind
    def __init__(self, kind: _Optional[_Union[SimpleKind, str]] = ...) -> None: ...

class CollectionType(_message.Message):
    __slots__ = ("item",)
    ITEM_FIELD_NUMBER: _ClassVar[int]
    item: LiteralType
    def __init__(self, item: _Optional[_Union[LiteralType, _Mapping]] = ...) -> None: ...

class MapType(_message.Message):
    __slots__ = ("value", "key")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    value: LiteralType
    key: LiteralType
    def __init__(self, value: _Optional[_Union[LiteralType, _Mapping]] = ..., key: _Optional[_Union[LiteralType, _Mapping]] = ...) -> None: ...

class TupleType(_message.Message):
    __slots__ = ("items", "names")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    NAMES_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[LiteralType]
    names: FieldNames
    def __init__(self, items: _Optional[_Iterable[_Union[LiteralType, _Mapping]]] = ..., names: _Optional[_Union[FieldNames, _Mapping]] = ...) -> None: ...

class FieldNames(_message.Message):
    __slots__ = ("names",)
    NAMES_FIELD_NUMBER: _ClassVar[int]
    names: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, names: _Optional[_Iterable[str]] = ...) -> None: ...

class UnionVariant(_message.Message):
    __slots__ = ("name", "type")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    name: str
    type: LiteralType
    def __init__(self, name: _Optional[str] = ..., type: _Optional[_Union[LiteralType, _Mapping]] = ...) -> None: ...

class UnionType(_message.Message):
    __slots__ = ("variants",)
    VARIANTS_FIELD_NUMBER: _ClassVar[int]
    variants: _containers.RepeatedCompositeFieldContainer[UnionVariant]
    def __init__(self, variants: _Optional[_Iterable[_Union[UnionVariant, _Mapping]]] = ...) -> None: ...

class EnumType(_message.Message):
    __slots__ = ("values", "name")
    VALUES_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedCompositeFieldContainer[Scalar]
    name: str
    def __init__(self, values: _Optional[_Iterable[_Union[Scalar, _Mapping]]] = ..., name: _Optional[str] = ...) -> None: ...

class StructField(_message.Message):
    __slots__ = ("name", "type", "required")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    name: str
    type: LiteralType
    required: bool
    def __init__(self, name: _Optional[str] = ..., type: _Optional[_Union[LiteralType, _Mapping]] = ..., required: _Optional[bool] = ...) -> None: ...

class StructType(_message.Message):
    __slots__ = ("name", "fields", "format")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    name: str
    fields: _containers.RepeatedCompositeFieldContainer[StructField]
    format: str
    def __init__(self, name: _Optional[str] = ..., fields: _Optional[_Iterable[_Union[StructField, _Mapping]]] = ..., format: _Optional[str] = ...) -> None: ...

class RefType(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class BinaryType(_message.Message):
    __slots__ = ("format", "python_type")
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    PYTHON_TYPE_FIELD_NUMBER: _ClassVar[int]
    format: str
    python_type: str
    def __init__(self, format: _Optional[str] = ..., python_type: _Optional[str] = ...) -> None: ...

class BlobType(_message.Message):
    __slots__ = ("format", "multipart")
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    MULTIPART_FIELD_NUMBER: _ClassVar[int]
    format: str
    multipart: bool
    def __init__(self, format: _Optional[str] = ..., multipart: _Optional[bool] = ...) -> None: ...

class Column(_message.Message):
    __slots__ = ("name", "type")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    name: str
    type: LiteralType
    def __init__(self, name: _Optional[str] = ..., type: _Optional[_Union[LiteralType, _Mapping]] = ...) -> None: ...

class TableType(_message.Message):
    __slots__ = ("format", "columns")
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    format: str
    columns: _containers.RepeatedCompositeFieldContainer[Column]
    def __init__(self, format: _Optional[str] = ..., columns: _Optional[_Iterable[_Union[Column, _Mapping]]] = ...) -> None: ...

class Literal(_message.Message):
    __slots__ = ("scalar", "collection", "map", "union_value", "binary", "blob", "table", "hash", "metadata")
    SCALAR_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_FIELD_NUMBER: _ClassVar[int]
    MAP_FIELD_NUMBER: _ClassVar[int]
    UNION_VALUE_FIELD_NUMBER: _ClassVar[int]
    BINARY_FIELD_NUMBER: _ClassVar[int]
    BLOB_FIELD_NUMBER: _ClassVar[int]
    TABLE_FIELD_NUMBER: _ClassVar[int]
    HASH_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    scalar: Scalar
    collection: LiteralCollection
    map: LiteralMap
    union_value: UnionValue
    binary: Binary
    blob: Blob
    table: Table
    hash: str
    metadata: Metadata
    def __init__(self, scalar: _Optional[_Union[Scalar, _Mapping]] = ..., collection: _Optional[_Union[LiteralCollection, _Mapping]] = ..., map: _Optional[_Union[LiteralMap, _Mapping]] = ..., union_value: _Optional[_Union[UnionValue, _Mapping]] = ..., binary: _Optional[_Union[Binary, _Mapping]] = ..., blob: _Optional[_Union[Blob, _Mapping]] = ..., table: _Optional[_Union[Table, _Mapping]] = ..., hash: _Optional[str] = ..., metadata: _Optional[_Union[Metadata, _Mapping]] = ...) -> None: ...

class Metadata(_message.Message):
    __slots__ = ("entries",)
    class EntriesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.ScalarMap[str, str]
    def __init__(self, entries: _Optional[_Mapping[str, str]] = ...) -> None: ...

class Scalar(_message.Message):
    __slots__ = ("none_value", "int_value", "big_int_value", "float_value", "string_value", "bool_value", "bytes_value", "datetime_value", "date_value", "duration_value")
    NONE_VALUE_FIELD_NUMBER: _ClassVar[int]
    INT_VALUE_FIELD_NUMBER: _ClassVar[int]
    BIG_INT_VALUE_FIELD_NUMBER: _ClassVar[int]
    FLOAT_VALUE_FIELD_NUMBER: _ClassVar[int]
    STRING_VALUE_FIELD_NUMBER: _ClassVar[int]
    BOOL_VALUE_FIELD_NUMBER: _ClassVar[int]
    BYTES_VALUE_FIELD_NUMBER: _ClassVar[int]
    DATETIME_VALUE_FIELD_NUMBER: _ClassVar[int]
    DATE_VALUE_FIELD_NUMBER: _ClassVar[int]
    DURATION_VALUE_FIELD_NUMBER: _ClassVar[int]
    none_value: NoneValue
    int_value: int
    big_int_value: bytes
    float_value: float
    string_value: str
    bool_value: bool
    bytes_value: bytes
    datetime_value: DateTime
    date_value: Date
    duration_value: Duration
    def __init__(self, none_value: _Optional[_Union[NoneValue, _Mapping]] = ..., int_value: _Optional[int] = ..., big_int_value: _Optional[bytes] = ..., float_value: _Optional[float] = ..., string_value: _Optional[str] = ..., bool_value: _Optional[bool] = ..., bytes_value: _Optional[bytes] = ..., datetime_value: _Optional[_Union[DateTime, _Mapping]] = ..., date_value: _Optional[_Union[Date, _Mapping]] = ..., duration_value: _Optional[_Union[Duration, _Mapping]] = ...) -> None: ...

class NoneValue(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DateTime(_message.Message):
    __slots__ = ("wall_seconds", "microseconds", "utc_offset_microseconds", "zone", "fold")
    WALL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    MICROSECONDS_FIELD_NUMBER: _ClassVar[int]
    UTC_OFFSET_MICROSECONDS_FIELD_NUMBER: _ClassVar[int]
    ZONE_FIELD_NUMBER: _ClassVar[int]
    FOLD_FIELD_NUMBER: _ClassVar[int]
    wall_seconds: int
    microseconds: int
    utc_offset_microseconds: int
    zone: str
    fold: int
    def __init__(self, wall_seconds: _Optional[int] = ..., microseconds: _Optional[int] = ..., utc_offset_microseconds: _Optional[int] = ..., zone: _Optional[str] = ..., fold: _Optional[int] = ...) -> None: ...

class Date(_message.Message):
    __slots__ = ("days",)
    DAYS_FIELD_NUMBER: _ClassVar[int]
    days: int
    def __init__(self, days: _Optional[int] = ...) -> None: ...

class Duration(_message.Message):
    __slots__ = ("seconds", "microseconds")
    SECONDS_FIELD_NUMBER: _ClassVar[int]
    MICROSECONDS_FIELD_NUMBER: _ClassVar[int]
    seconds: int
    microseconds: int
    def __init__(self, seconds: _Optional[int] = ..., microseconds: _Optional[int] = ...) -> None: ...

class LiteralCollection(_message.Message):
    __slots__ = ("items",)
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[Literal]
    def __init__(self, items: _Optional[_Iterable[_Union[Literal, _Mapping]]] = ...) -> None: ...

class LiteralMap(_message.Message):
    __slots__ = ("entries",)
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[MapEntry]
    def __init__(self, entries: _Optional[_Iterable[_Union[MapEntry, _Mapping]]] = ...) -> None: ...

class MapEntry(_message.Message):
    __slots__ = ("key", "value")
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    key: Scalar
    value: Literal
    def __init__(self, key: _Optional[_Union[Scalar, _Mapping]] = ..., value: _Optional[_Union[Literal, _Mapping]] = ...) -> None: ...

class UnionValue(_message.Message):
    __slots__ = ("variant", "value")
    VARIANT_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    variant: str
    value: Literal
    def __init__(self, variant: _Optional[str] = ..., value: _Optional[_Union[Literal, _Mapping]] = ...) -> None: ...

class Binary(_message.Message):
    __slots__ = ("tag", "data")
    TAG_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    tag: str
    data: bytes
    def __init__(self, tag: _Optional[str] = ..., data: _Optional[bytes] = ...) -> None: ...

class Blob(_message.Message):
    __slots__ = ("uri", "format", "multipart")
    URI_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    MULTIPART_FIELD_NUMBER: _ClassVar[int]
    uri: str
    format: str
    multipart: bool
    def __init__(self, uri: _Optional[str] = ..., format: _Optional[str] = ..., multipart: _Optional[bool] = ...) -> None: ...

class Table(_message.Message):
    __slots__ = ("uri", "format", "columns")
    URI_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    uri: str
    format: str
    columns: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, uri: _Optional[str] = ..., format: _Optional[str] = ..., columns: _Optional[_Iterable[str]] = ...) -> None: ...
