"""pydantic v2 models: stored like dataclasses, as msgpack bytes of the model's JSON-mode dump.

pydantic is not a dependency: the factory predicate only matches when ``pydantic`` is already
imported (a model class cannot exist otherwise), and this module never imports it at load time.
A plain ``dict`` is accepted as a value and validated into the model (``model_validate``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from typesystem import _typing as ty
from typesystem._literals import Binary, Literal, LiteralValue
from typesystem._msgpack import pack_plain, unpack_plain
from typesystem._transformer import TypeTransformer, bad_literal, mismatch
from typesystem._types import LiteralType, StructField, StructType
from typesystem.errors import ConversionError, Issue

if TYPE_CHECKING:
    from typesystem._registry import TypeRegistry


def _issues_from(error: Any) -> list[Issue]:
    issues = []
    for item in error.errors():
        path = "$" + "".join(
            f"[{p}]" if isinstance(p, int) else f".{p}" for p in item.get("loc", ())
        )
        issues.append(
            Issue(path, item.get("type", "valid value"), repr(item.get("input"))[:60], item["msg"])
        )
    return issues


class PydanticTransformer(TypeTransformer[Any]):
    """A ``pydantic.BaseModel`` subclass stored as ``Binary("msgpack", ...)``."""

    def __init__(self, cls: type, registry: TypeRegistry) -> None:
        super().__init__(ty.qualified_name(cls), cls)
        self.cls = cls
        fields = []
        for name, info in cls.model_fields.items():  # type: ignore[attr-defined]
            annotation = info.annotation
            try:
                lt = registry.literal_type(annotation)
            except Exception:  # a field type only pydantic knows: describe it loosely
                from typesystem._types import BinaryType

                lt = BinaryType("msgpack", ty.type_name(annotation))
            fields.append(StructField(name, lt, info.is_required()))
        self.lt = StructType(ty.qualified_name(cls), tuple(fields), tag="pydantic")

    def literal_type(self, t: Any) -> LiteralType:
        return self.lt

    def _validate(self, value: Any) -> Any:
        import pydantic

        try:
            return self.cls.model_validate(value)  # type: ignore[attr-defined]
        except pydantic.ValidationError as e:
            raise ConversionError(_issues_from(e)) from e

    def to_literal(self, value: Any, t: Any = None) -> Literal:
        if isinstance(value, dict):
            value = self._validate(value)
        elif not isinstance(value, self.cls):
            raise mismatch(self.name, value)
        return Binary("msgpack", pack_plain(value.model_dump(mode="json")))

    def encode(self, value: Any, t: Any = None) -> LiteralValue:
        return self.to_literal(value, t)

    def to_python(self, literal: Literal, t: Any = None) -> Any:
        if type(literal) is not Binary or literal.tag != "msgpack":
            raise bad_literal(self.name, literal)
        return self._validate(unpack_plain(literal.data))

    def decode(self, value: LiteralValue, t: Any = None) -> Any:
        return self.to_python(value, t)  # type: ignore[arg-type]

    def matches(self, value: Any, t: Any) -> bool:
        return isinstance(value, self.cls)

    def guess_python_type(self, literal_type: LiteralType) -> Any:
        if literal_type == self.lt:
            return self.cls
        raise ValueError("not this model")
