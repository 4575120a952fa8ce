"""The ``TypedDict`` transformer: a dict with declared keys, stored as a record.

A value is a plain ``dict``; each declared key present is converted by its type's transformer and
kept in its JSON form (``typesystem._json``: numbers, strings, lists, objects, files as URIs), and
the record is the msgpack bytes of that object, so it renders and parses as JSON like any other
record. Keys marked ``NotRequired`` (or of a ``total=False`` class) may be left out and stay out
when read back; a missing required key or an undeclared key is a ``ConversionError`` naming it.
A TypedDict may refer to itself (``children: NotRequired[list["Node"]]``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from typesystem import _typing as ty
from typesystem._literals import Binary, Literal, LiteralValue
from typesystem._msgpack import from_msgpack, pack_plain, unpack_plain
from typesystem._transformer import TypeTransformer, bad_literal, mismatch
from typesystem._types import LiteralType, StructField, StructType
from typesystem.errors import ConversionError, Issue

if TYPE_CHECKING:
    from typesystem._registry import TypeRegistry


class TypedDictTransformer(TypeTransformer[Any]):
    """A ``TypedDict`` class stored as ``Binary("msgpack", ...)`` of its keys' JSON forms."""

    def __init__(self, cls: type, registry: TypeRegistry) -> None:
        super().__init__(ty.qualified_name(cls), cls)
        self.cls = cls
        self.keys = [
            (name, hint, required, registry.get_transformer(hint))
            for name, hint, required in ty.typeddict_fields(cls)
        ]
        self.lt = StructType(
            ty.qualified_name(cls),
            tuple(
                StructField(name, tr.literal_type(hint), required)
                for name, hint, required, tr in self.keys
            ),
            tag="typeddict",
        )
        self._types = {f.name: f.type for f in self.lt.fields}

    def literal_type(self, t: Any) -> LiteralType:
        return self.lt

    def to_literal(self, value: Any, t: Any = None) -> Literal:
        from typesystem._json import literal_to_json

        if not isinstance(value, dict):
            raise mismatch(self.name, value)
        self._check_keys(value)
        out: dict[str, Any] = {}
        errors: list[Issue] = []
        for name, hint, _, tr in self.keys:
            if name not in value:
                continue
            try:
                out[name] = literal_to_json(tr.to_literal(value[name], hint), self._types[name])
            except ConversionError as e:
                errors.extend(e.with_prefix(f"$.{name}").issues)
        if errors:
            raise ConversionError(errors)
        return Binary("msgpack", pack_plain(out))

    def _check_keys(self, value: dict[Any, Any]) -> None:
        declared = {name for name, _, _, _ in self.keys}
        issues = [
            Issue(f"$.{name}", "a value", "nothing", "this key is required")
            for name, _, required, _ in self.keys
            if required and name not in value
        ]
        issues += [
            Issue(f"$.{k}", "no such key", repr(value[k])[:60], f"{self.name} does not declare it")
            for k in value
            if k not in declared
        ]
        if issues:
            raise ConversionError(issues)

    def encode(self, value: Any, t: Any = None) -> LiteralValue:
        return self.to_literal(value, t)

    def to_python(self, literal: Literal, t: Any = None) -> Any:
        from typesystem._json import literal_from_json

        if type(literal) is not Binary or literal.tag != "msgpack":
            raise bad_literal(self.name, literal)
        data = unpack_plain(literal.data)
        if not isinstance(data, dict):
            raise bad_literal(self.name, literal)
        self._check_keys(data)
        out: dict[str, Any] = {}
        errors: list[Issue] = []
        for name, hint, _, tr in self.keys:
            if name not in data:
                continue
            raw = data[name]
            try:
                # (a record written from CLI input keeps files and frames as literal bytes)
                lit = (
                    from_msgpack(raw)
                    if isinstance(raw, bytes) and not _is_bytes_type(self._types[name])
                    else literal_from_json(raw, self._types[name])
                )
                out[name] = tr.to_python(lit, hint)
            except ConversionError as e:
                errors.extend(e.with_prefix(f"$.{name}").issues)
        if errors:
            raise ConversionError(errors)
        return out

    def decode(self, value: LiteralValue, t: Any = None) -> Any:
        return self.to_python(value, t)  # type: ignore[arg-type]

    def matches(self, value: Any, t: Any) -> bool:
        return isinstance(value, dict)

    def guess_python_type(self, literal_type: LiteralType) -> Any:
        if literal_type == self.lt:
            return self.cls
        raise ValueError("not this TypedDict")


def _is_bytes_type(lt: LiteralType) -> bool:
    from typesystem._types import SimpleKind, SimpleType

    return isinstance(lt, SimpleType) and lt.kind is SimpleKind.BYTES
