"""flytekit's literal model as thin views of ours, and the context flytekit-style transformers get.

flytekit transformers build ``Literal(scalar=Scalar(primitive=Primitive(integer=1)))`` and
``LiteralType(simple=SimpleType.INTEGER)`` (``flytekit.models.literals``/``types``). The classes
here accept those constructors and attribute reads; ``to_model``/``type_to_model`` turn a view
into this package's literal model and ``to_view``/``type_to_view`` the other way. A view made
from one of our values keeps it (``.model``), so a round trip through a view loses nothing.

What does not live here: the transformers that use them (``_transformer`` adapts a flytekit-style
``TypeTransformer`` subclass) and flytekit's ``FlyteContext`` (flytelike's; it registers itself
with ``set_context_provider``; without one, flytekit-style transformers get ``None``).
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Callable, Mapping
from typing import Any

from typesystem import _literals as L
from typesystem import _types as T


class SimpleType(enum.IntEnum):
    """flytekit's ``SimpleType`` (the values of flyteidl's enum)."""

    NONE = 0
    INTEGER = 1
    FLOAT = 2
    STRING = 3
    BOOLEAN = 4
    DATETIME = 5
    DURATION = 6
    BINARY = 7
    ERROR = 8
    STRUCT = 9


_KIND_TO_SIMPLE = {
    T.SimpleKind.NONE: SimpleType.NONE,
    T.SimpleKind.INTEGER: SimpleType.INTEGER,
    T.SimpleKind.FLOAT: SimpleType.FLOAT,
    T.SimpleKind.STRING: SimpleType.STRING,
    T.SimpleKind.BOOLEAN: SimpleType.BOOLEAN,
    T.SimpleKind.BYTES: SimpleType.BINARY,
    T.SimpleKind.DATETIME: SimpleType.DATETIME,
    T.SimpleKind.DATE: SimpleType.DATETIME,
    T.SimpleKind.DURATION: SimpleType.DURATION,
}
_SIMPLE_TO_KIND = {
    SimpleType.NONE: T.SimpleKind.NONE,
    SimpleType.INTEGER: T.SimpleKind.INTEGER,
    SimpleType.FLOAT: T.SimpleKind.FLOAT,
    SimpleType.STRING: T.SimpleKind.STRING,
    SimpleType.BOOLEAN: T.SimpleKind.BOOLEAN,
    SimpleType.BINARY: T.SimpleKind.BYTES,
    SimpleType.DATETIME: T.SimpleKind.DATETIME,
    SimpleType.DURATION: T.SimpleKind.DURATION,
}


class _View:
    """Keyword-built view; equality compares the fields (as flytekit's models do)."""

    _fields: tuple[str, ...] = ()
    model: Any = None

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and all(
            getattr(self, f) == getattr(other, f) for f in self._fields
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._fields if getattr(self, f))
        return f"{type(self).__name__}({shown})"


class BlobDimensionality(enum.IntEnum):
    SINGLE = 0
    MULTIPART = 1


class BlobType(_View):
    """``flytekit.models.core.types.BlobType(format, dimensionality)``."""

    _fields = ("format", "dimensionality")
    BlobDimensionality = BlobDimensionality

    def __init__(self, format: str, dimensionality: int = BlobDimensionality.SINGLE) -> None:
        self.format = format
        self.dimensionality = BlobDimensionality(dimensionality)


class EnumType(_View):
    """``flytekit.models.core.types.EnumType(values)``: the values of an enum's literal type."""

    _fields = ("values",)

    def __init__(self, values: list[str]) -> None:
        self.values = list(values)


class TypeStructure(_View):
    _fields = ("tag",)

    def __init__(self, tag: str, dataclass_type: Any = None) -> None:
        self.tag = tag
        self.dataclass_type = dataclass_type


class UnionType(_View):
    _fields = ("variants",)

    def __init__(self, variants: list[LiteralType]) -> None:
        self.variants = list(variants)


class StructuredDatasetType(_View):
    _fields = ("format",)

    def __init__(self, columns: list[Any] | None = None, format: str = "", **_: Any) -> None:
        self.columns = list(columns or [])
        self.format = format


class LiteralType(_View):
    """``flytekit.models.types.LiteralType``: exactly one kind is set."""

    _fields = ("simple", "collection_type", "map_value_type", "blob", "union_type",
               "structured_dataset_type", "enum_type", "structure", "metadata")  # fmt: skip

    def __init__(
        self,
        simple: int | None = None,
        schema: Any = None,
        collection_type: LiteralType | None = None,
        map_value_type: LiteralType | None = None,
        blob: BlobType | None = None,
        enum_type: Any = None,
        union_type: UnionType | None = None,
        structured_dataset_type: StructuredDatasetType | None = None,
        metadata: Mapping[str, Any] | None = None,
        structure: TypeStructure | None = None,
        annotation: Any = None,
    ) -> None:
        self.simple = SimpleType(simple) if simple is not None else None
        self.schema = schema
        self.collection_type = collection_type
        self.map_value_type = map_value_type
        self.blob = blob
        self.enum_type = enum_type
        self.union_type = union_type
        self.structured_dataset_type = structured_dataset_type
        self.metadata = metadata
        self.structure = structure
        self.annotation = annotation


class Primitive(_View):
    _fields = ("integer", "float_value", "string_value", "boolean", "datetime", "duration")

    def __init__(
        self,
        integer: int | None = None,
        float_value: float | None = None,
        string_value: str | None = None,
        boolean: bool | None = None,
        datetime: _dt.datetime | None = None,
        duration: _dt.timedelta | None = None,
    ) -> None:
        self.integer = integer
        self.float_value = float_value
        self.string_value = string_value
        self.boolean = boolean
        self.datetime = datetime
        self.duration = duration

    @property
    def value(self) -> Any:
        return next((getattr(self, f) for f in self._fields if getattr(self, f) is not None), None)


class Void(_View):
    pass


class Binary(_View):
    _fields = ("value", "tag")

    def __init__(self, value: bytes, tag: str) -> None:
        self.value = value
        self.tag = tag


class BlobMetadata(_View):
    _fields = ("type",)

    def __init__(self, type: BlobType) -> None:
        self.type = type


class Blob(_View):
    _fields = ("metadata", "uri")

    def __init__(self, metadata: BlobMetadata, uri: str) -> None:
        self.metadata = metadata
        self.uri = uri


class Union(_View):
    _fields = ("value", "stored_type")

    def __init__(self, value: Literal, stored_type: LiteralType) -> None:
        self.value = value
        self.stored_type = stored_type


class StructuredDatasetMetadata(_View):
    _fields = ("structured_dataset_type",)

    def __init__(self, structured_dataset_type: StructuredDatasetType | None = None) -> None:
        self.structured_dataset_type = structured_dataset_type


class StructuredDataset(_View):
    _fields = ("uri", "metadata")

    def __init__(self, uri: str, metadata: StructuredDatasetMetadata | None = None) -> None:
        self.uri = uri
        self.metadata = metadata


class Scalar(_View):
    _fields = ("primitive", "blob", "binary", "none_type", "union", "structured_dataset")

    def __init__(
        self,
        primitive: Primitive | None = None,
        blob: Blob | None = None,
        binary: Binary | None = None,
        schema: Any = None,
        union: Union | None = None,
        none_type: Void | None = None,
        error: Any = None,
        generic: Any = None,
        structured_dataset: StructuredDataset | None = None,
    ) -> None:
        self.primitive, self.blob, self.binary, self.schema = primitive, blob, binary, schema
        self.union, self.none_type, self.error, self.generic = union, none_type, error, generic
        self.structured_dataset = structured_dataset

    @property
    def value(self) -> Any:
        return next((getattr(self, f) for f in self._fields if getattr(self, f) is not None), None)


class LiteralCollection(_View):
    _fields = ("literals",)

    def __init__(self, literals: list[Literal]) -> None:
        self.literals = list(literals)


class LiteralMap(_View):
    _fields = ("literals",)

    def __init__(self, literals: Mapping[str, Literal]) -> None:
        self.literals = dict(literals)


class Literal(_View):
    """``flytekit.models.literals.Literal``: one of ``scalar``, ``collection``, ``map``."""

    _fields = ("scalar", "collection", "map", "hash", "metadata")

    def __init__(
        self,
        scalar: Scalar | None = None,
        collection: LiteralCollection | None = None,
        map: LiteralMap | None = None,
        hash: str | None = None,
        metadata: Mapping[str, str] | None = None,
        offloaded_metadata: Any = None,
    ) -> None:
        self.scalar, self.collection, self.map = scalar, collection, map
        self.hash, self.metadata, self.offloaded_metadata = hash, metadata, offloaded_metadata

    @property
    def value(self) -> Any:
        return self.scalar or self.collection or self.map


# --------------------------------------------------------------------------- conversions
def to_model(lit: Any) -> L.Literal:
    """Our ``Literal`` for a flytekit-style view (ours are returned as they are)."""
    if isinstance(lit, L.Literal):
        return lit
    if not isinstance(lit, Literal):
        raise TypeError(f"expected a flytekit Literal, got {type(lit).__name__}")
    if lit.model is not None:
        return lit.model  # type: ignore[no-any-return]
    meta: dict[str, Any] = {
        "hash": lit.hash,
        "metadata": dict(lit.metadata) if lit.metadata else None,
    }
    if lit.collection is not None:
        items = tuple(L.unbox(to_model(x)) for x in lit.collection.literals)
        return L.Collection(items, **meta)
    if lit.map is not None:
        return L.Map({k: L.unbox(to_model(v)) for k, v in lit.map.literals.items()}, **meta)
    s = lit.scalar
    if s is None:
        raise ValueError("a flytekit Literal needs one of scalar, collection or map")
    if s.primitive is not None:
        return L.Scalar(s.primitive.value, **meta)
    if s.none_type is not None:
        return L.Scalar(None, **meta)
    if s.binary is not None:
        return L.Binary(s.binary.tag, s.binary.value, **meta)
    if s.blob is not None:
        bt = s.blob.metadata.type
        multipart = bt.dimensionality == BlobDimensionality.MULTIPART
        return L.Blob(s.blob.uri, bt.format, multipart, **meta)
    if s.structured_dataset is not None:
        sdt = (
            s.structured_dataset.metadata and s.structured_dataset.metadata.structured_dataset_type
        )
        return L.Table(s.structured_dataset.uri, (sdt.format if sdt else "") or "parquet", **meta)
    if s.union is not None:
        tag = s.union.stored_type.structure.tag if s.union.stored_type.structure else ""
        return L.UnionValue(tag, L.unbox(to_model(s.union.value)), **meta)
    raise ValueError(f"flytelike has no literal for {s!r} (generic, schema and error scalars)")


def to_view(value: L.LiteralValue) -> Literal:
    """A flytekit-style view of one of our literal values."""
    lit = L.box(value)
    meta: dict[str, Any] = {"hash": lit.hash, "metadata": lit.metadata}
    if isinstance(lit, L.Collection):
        view = Literal(collection=LiteralCollection([to_view(x) for x in lit.items]), **meta)
    elif isinstance(lit, L.Map):
        view = Literal(map=LiteralMap({str(k): to_view(v) for k, v in lit.items.items()}), **meta)
    elif isinstance(lit, L.Scalar):
        view = Literal(scalar=_scalar_view(lit.value), **meta)
    elif isinstance(lit, L.Binary):
        view = Literal(scalar=Scalar(binary=Binary(lit.data, lit.tag)), **meta)
    elif isinstance(lit, L.Blob):
        dim = BlobDimensionality.MULTIPART if lit.multipart else BlobDimensionality.SINGLE
        blob = Blob(BlobMetadata(BlobType(lit.format, dim)), lit.uri)
        view = Literal(scalar=Scalar(blob=blob), **meta)
    elif isinstance(lit, L.Table):
        md = StructuredDatasetMetadata(StructuredDatasetType(format=lit.format))
        view = Literal(scalar=Scalar(structured_dataset=StructuredDataset(lit.uri, md)), **meta)
    elif isinstance(lit, L.UnionValue):
        stored = LiteralType(structure=TypeStructure(lit.variant))
        view = Literal(scalar=Scalar(union=Union(to_view(lit.value), stored)), **meta)
    else:
        raise TypeError(f"no flytekit view for {type(lit).__name__}")
    view.model = lit
    return view


def _scalar_view(v: Any) -> Scalar:
    if v is None:
        return Scalar(none_type=Void())
    if isinstance(v, bytes):
        return Scalar(binary=Binary(v, ""))
    if isinstance(v, bool):
        return Scalar(primitive=Primitive(boolean=v))
    if isinstance(v, int):
        return Scalar(primitive=Primitive(integer=v))
    if isinstance(v, float):
        return Scalar(primitive=Primitive(float_value=v))
    if isinstance(v, str):
        return Scalar(primitive=Primitive(string_value=v))
    if isinstance(v, _dt.timedelta):
        return Scalar(primitive=Primitive(duration=v))
    return Scalar(primitive=Primitive(datetime=v))


def type_to_model(lt: Any) -> T.LiteralType:
    """Our ``LiteralType`` for a flytekit-style ``LiteralType`` view."""
    if isinstance(lt, T.LiteralType):
        return lt
    if not isinstance(lt, LiteralType):
        raise TypeError(f"expected a flytekit LiteralType, got {type(lt).__name__}")
    if lt.model is not None:
        return lt.model  # type: ignore[no-any-return]
    tag = lt.structure.tag if lt.structure is not None else ""
    if lt.simple is not None:
        kind = _SIMPLE_TO_KIND.get(lt.simple)
        if kind is None:
            raise ValueError(f"flytelike has no simple type {lt.simple.name}")
        return T.SimpleType(kind, tag=tag)
    if lt.collection_type is not None:
        return T.CollectionType(type_to_model(lt.collection_type), tag=tag)
    if lt.map_value_type is not None:
        return T.MapType(type_to_model(lt.map_value_type), tag=tag)
    if lt.enum_type is not None:
        return T.EnumType(tuple(lt.enum_type.values), tag=tag)
    if lt.blob is not None:
        multi = lt.blob.dimensionality == BlobDimensionality.MULTIPART
        return T.BlobType(lt.blob.format, multi, tag=tag)
    if lt.structured_dataset_type is not None:
        return T.TableType(lt.structured_dataset_type.format, tag=tag)
    if lt.union_type is not None:
        variants = tuple(
            T.UnionVariant(v.structure.tag if v.structure else f"v{i}", type_to_model(v))
            for i, v in enumerate(lt.union_type.variants)
        )
        return T.UnionType(variants, tag=tag)
    raise ValueError(f"flytelike has no literal type for {lt!r}")


def type_to_view(lt: T.LiteralType) -> LiteralType:
    """A flytekit-style view of one of our literal types (kinds without a flytekit spelling
    are views with only ``structure.tag`` set, keeping ``.model``)."""
    structure = TypeStructure(lt.tag) if lt.tag else None
    view: LiteralType
    if isinstance(lt, T.SimpleType):
        view = LiteralType(simple=_KIND_TO_SIMPLE[lt.kind], structure=structure)
    elif isinstance(lt, T.CollectionType):
        view = LiteralType(collection_type=type_to_view(lt.item), structure=structure)
    elif isinstance(lt, T.MapType):
        view = LiteralType(map_value_type=type_to_view(lt.value), structure=structure)
    elif isinstance(lt, T.EnumType):
        view = LiteralType(enum_type=EnumType([str(v) for v in lt.values]), structure=structure)
    elif isinstance(lt, T.BlobType):
        dim = BlobDimensionality.MULTIPART if lt.multipart else BlobDimensionality.SINGLE
        view = LiteralType(blob=BlobType(lt.format, dim), structure=structure)
    elif isinstance(lt, T.TableType):
        sdt = StructuredDatasetType(format=lt.format)
        view = LiteralType(structured_dataset_type=sdt, structure=structure)
    elif isinstance(lt, T.UnionType):
        variants = [type_to_view(v.type) for v in lt.variants]
        for v, var in zip(variants, lt.variants, strict=True):
            v.structure = TypeStructure(var.name)
        view = LiteralType(union_type=UnionType(variants), structure=structure)
    else:
        view = LiteralType(structure=structure)
    view.model = lt
    return view


_provider: list[Callable[[], Any]] = []


def set_context_provider(provider: Callable[[], Any]) -> None:
    """What flytekit-style transformers receive as ``ctx``: flytelike registers its
    ``FlyteContextManager.current_context``."""
    _provider[:] = [provider]


def current_kit_context() -> Any:
    return _provider[0]() if _provider else None
