"""The dataclass transformer: records as msgpack bytes built by mashumaro codecs.

For each dataclass the transformer builds, once and on first use, a mashumaro msgpack encoder and
decoder and a generated fast validator (``_checks``). Converting a valid value is one validator
call plus one encoder call; anything the validator does not accept goes the slow way, which
converts every field through the registry (widening what may be widened) and reports every
failing field at once, each with its path (``$.segments[3].weight``). The user's instance is
never mutated.

Fields may be of any registered type. Types mashumaro does not know natively (files, dataframes,
custom transformers, the pickle fallback) are encoded through their transformer as nested literal
bytes, so a dataclass can hold a ``File`` or a ``PositiveInt``.

The literal type is a ``StructType`` listing every field's literal type, so the compiler can
check attribute access on promises (``result.items[0]``) without the Python class.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as _dt
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from typesystem import _typing as ty
from typesystem._checks import build_check
from typesystem._literals import Binary, Literal, LiteralValue
from typesystem._msgpack import from_msgpack, to_msgpack
from typesystem._transformer import TypeTransformer, bad_literal, mismatch
from typesystem._types import LiteralType, StructField, StructType
from typesystem.errors import ConversionError, Issue

if TYPE_CHECKING:
    from typesystem._registry import TypeRegistry

_NATIVE_LEAVES = {int, float, str, bool, bytes, type(None), None, typing.Any, object}


def _is_native(t: Any) -> bool:
    return t in _NATIVE_LEAVES or t in (_dt.datetime, _dt.date, _dt.timedelta)


def _foreign_types(t: Any, seen: set[Any], out: list[Any]) -> None:
    """Collect the leaf types under ``t`` that mashumaro cannot encode by itself."""
    base, _ = ty.strip_annotated(t)
    try:
        if base in seen:
            return
        seen.add(base)
    except TypeError:  # unhashable parameters
        pass
    if _is_native(base) or ty.is_enum(base) or ty.is_literal(base):
        return
    if ty.is_union(base) or ty.is_list(base) or ty.is_dict(base) or ty.is_tuple(base):
        for arg in ty.type_args(base):
            if arg is not Ellipsis:
                _foreign_types(arg, seen, out)
        return
    if ty.is_dataclass_type(base):
        for _, ft in ty.dataclass_fields(base):
            _foreign_types(ft, seen, out)
        return
    if ty.is_namedtuple(base):
        for _, ft in ty.namedtuple_fields(base):
            _foreign_types(ft, seen, out)
        return
    out.append(base)


class DataclassTransformer(TypeTransformer[Any]):
    """A dataclass stored as ``Binary("msgpack", ...)``."""

    def __init__(self, cls: type, registry: TypeRegistry) -> None:
        super().__init__(ty.qualified_name(cls), cls)
        self.cls = cls
        self.registry = registry
        self.fields = ty.dataclass_fields(cls)
        self.field_transformers = [(f, ft, registry.get_transformer(ft)) for f, ft in self.fields]
        self.lt = StructType(
            ty.qualified_name(cls),
            tuple(
                StructField(f.name, tr.literal_type(ft), _required(f))
                for f, ft, tr in self.field_transformers
            ),
        )
        self._codec: tuple[Callable[[Any], bytes], Callable[[bytes], Any], Any] | None = None
        self._check: Callable[[Any], bool] | None = None

    def literal_type(self, t: Any) -> LiteralType:
        return self.lt

    # -- codecs, built on first use -------------------------------------------------------
    def _codecs(self) -> tuple[Callable[[Any], bytes], Callable[[bytes], Any], Any]:
        if self._codec is None:
            self._codec = _build_codecs(self.cls, self.registry)
        return self._codec

    def _fast_check(self, value: Any) -> bool:
        if self._check is None:
            self._check = build_check(self.cls)
        return self._check(value)

    # -- conversion -----------------------------------------------------------------------
    def encode(self, value: Any, t: Any = None) -> LiteralValue:
        return self.to_literal(value, t)

    def to_literal(self, value: Any, t: Any = None) -> Literal:
        encode, _, from_dict = self._codecs()
        if isinstance(value, dict):
            value = self._from_dict(value, from_dict)
        if self._fast_check(value):
            try:
                return Binary("msgpack", encode(value))
            except (TypeError, ValueError, OverflowError):
                pass
        return Binary("msgpack", encode(self._normalise(value)))

    def _from_dict(self, data: dict[str, Any], from_dict: Any) -> Any:
        try:
            return from_dict(data)
        except Exception as e:
            raise ConversionError(
                [Issue("$", self.name, "dict", f"cannot build {self.name} from it: {e}")]
            ) from e

    def _normalise(self, value: Any) -> Any:
        """Convert every field through its transformer; raise with all failing paths."""
        if not isinstance(value, self.cls):
            raise mismatch(self.name, value)
        fixed: dict[str, Any] = {}
        errors: list[Issue] = []
        for f, ft, tr in self.field_transformers:
            current = getattr(value, f.name)
            try:
                fixed[f.name] = tr.decode(tr.encode(current, ft), ft)
            except ConversionError as e:
                errors.extend(e.with_prefix(f"$.{f.name}").issues)
        if errors:
            raise ConversionError(errors)
        clone = copy.copy(value)
        for name, v in fixed.items():
            object.__setattr__(clone, name, v)
        return clone

    def decode(self, value: LiteralValue, t: Any = None) -> Any:
        return self.to_python(value, t)  # type: ignore[arg-type]

    def to_python(self, literal: Literal, t: Any = None) -> Any:
        if type(literal) is not Binary or literal.tag != "msgpack":
            raise bad_literal(self.name, literal)
        _, decode, _ = self._codecs()
        try:
            return decode(literal.data)
        except Exception as e:
            raise ConversionError(
                [Issue("$", self.name, "msgpack record", f"cannot decode it: {e}")]
            ) from e

    def matches(self, value: Any, t: Any) -> bool:
        return isinstance(value, self.cls)

    def guess_python_type(self, literal_type: LiteralType) -> Any:
        if literal_type == self.lt:
            return self.cls
        raise ValueError("not this dataclass")


def _required(f: dataclasses.Field[Any]) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def _nested_literal_strategy(tr: TypeTransformer[Any], ft: Any) -> dict[str, Callable[[Any], Any]]:
    """Encode a field of a non-native type as the msgpack bytes of its literal."""

    def serialize(value: Any) -> bytes:
        return to_msgpack(tr.to_literal(value, ft))

    def deserialize(data: bytes) -> Any:
        return tr.to_python(from_msgpack(data), ft)

    return {"serialize": serialize, "deserialize": deserialize}


def _build_codecs(
    cls: type, registry: TypeRegistry
) -> tuple[Callable[[Any], bytes], Callable[[bytes], Any], Any]:
    import msgpack
    from mashumaro.codecs.msgpack import MessagePackDecoder, MessagePackEncoder
    from mashumaro.dialect import Dialect

    foreign: list[Any] = []
    _foreign_types(cls, set(), foreign)
    strategies: dict[Any, dict[str, Callable[[Any], Any]]] = {}
    for ft in foreign:
        strategies[ft] = _nested_literal_strategy(registry.get_transformer(ft), ft)
    nested: list[type] = []
    _annotated_dataclasses(cls, set(), nested)
    for dc in nested:
        if dc is not cls and _hints_beyond_fields(dc):
            strategies[dc] = _fields_only_strategy(dc, strategies)
    # mashumaro's default (float seconds) loses microseconds on long durations.
    strategies[_dt.timedelta] = {
        "serialize": lambda v: [v.days, v.seconds, v.microseconds],
        "deserialize": lambda v: _dt.timedelta(days=v[0], seconds=v[1], microseconds=v[2]),
    }

    class _Dialect(Dialect):
        serialization_strategy = strategies  # type: ignore[assignment]

    def _unpack(data: bytes) -> Any:
        return msgpack.unpackb(data, raw=False, strict_map_key=False)

    target, back = _fields_only(cls)
    encoder: Any = MessagePackEncoder(target, default_dialect=_Dialect)
    decoder: Any = MessagePackDecoder(target, default_dialect=_Dialect, pre_decoder_func=_unpack)
    from_dict: Any = MessagePackDecoder(target, default_dialect=_Dialect, pre_decoder_func=None)
    if back is None:
        return encoder.encode, decoder.decode, from_dict.decode
    return encoder.encode, _then(decoder.decode, back), _then(from_dict.decode, back)


# mashumaro takes every type hint of a dataclass's MRO as a field, also class attributes that
# are not dataclass fields: DataClassJsonMixin's ``dataclass_json_config: Optional[dict]``
# (flytekit programs inherit it or apply ``@dataclass_json``) was written into each record and
# passed to ``__init__`` when decoding, which refused it. Such a class is coded through a
# subclass that declares those names ClassVar (mashumaro skips ClassVars); what it decodes is
# given the user's class back (same layout: the subclass adds no slots).


def _hints_beyond_fields(cls: type) -> list[str]:
    try:
        hints = typing.get_type_hints(cls)
    except Exception:
        return []
    names = {f.name for f in dataclasses.fields(cls)}
    return [n for n, h in hints.items() if n not in names and typing.get_origin(h) is not ClassVar]


def _fields_only(cls: type) -> tuple[type, Callable[[Any], Any] | None]:
    extra = _hints_beyond_fields(cls)
    if not extra:
        return cls, None
    shadow = type(
        cls.__name__,
        (cls,),
        {
            "__slots__": (),
            "__module__": cls.__module__,
            "__qualname__": cls.__qualname__,
            "__annotations__": dict.fromkeys(extra, ClassVar[Any]),
        },
    )

    def back(obj: Any) -> Any:
        if type(obj) is shadow:
            object.__setattr__(obj, "__class__", cls)
        return obj

    return shadow, back


def _then(decode: Callable[[Any], Any], back: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda data: back(decode(data))


def _annotated_dataclasses(t: Any, seen: set[Any], out: list[type]) -> None:
    """Every dataclass under ``t`` (``t`` itself included), each once."""
    base, _ = ty.strip_annotated(t)
    try:
        if base in seen:
            return
        seen.add(base)
    except TypeError:
        return
    if ty.is_dataclass_type(base):
        out.append(base)
        for _, ft in ty.dataclass_fields(base):
            _annotated_dataclasses(ft, seen, out)
    elif ty.is_union(base) or ty.is_list(base) or ty.is_dict(base) or ty.is_tuple(base):
        for arg in ty.type_args(base):
            if arg is not Ellipsis:
                _annotated_dataclasses(arg, seen, out)


def _fields_only_strategy(
    dc: type, strategies: dict[Any, dict[str, Callable[[Any], Any]]]
) -> dict[str, Callable[[Any], Any]]:
    """A nested dataclass with hints beyond its fields, coded as the plain dict of its fields."""
    from mashumaro.codecs import BasicDecoder, BasicEncoder
    from mashumaro.dialect import Dialect

    class _Nested(Dialect):
        serialization_strategy = strategies  # type: ignore[assignment]

    target, back = _fields_only(dc)
    enc: Any = BasicEncoder(target, default_dialect=_Nested)
    dec: Any = BasicDecoder(target, default_dialect=_Nested)
    assert back is not None
    return {"serialize": enc.encode, "deserialize": _then(dec.decode, back)}
