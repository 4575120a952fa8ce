"""``flytelike.models.types``: mirrors ``flytekit.models.types`` as thin views of ``typesystem``'s
literal types (``typesystem._kit``; see ``flytelike.models.literals``):
``LiteralType(simple=SimpleType.INTEGER)``, ``LiteralType(collection_type=...)``, ...
"""

from typing import NoReturn

from flytelike._compat.aliases import not_provided

# (flytekit's literal models are typesystem's kit, off its face: typesystem.Literal differs)
from typesystem._kit import (
    LiteralType,
    SimpleType,
    StructuredDatasetType,
    TypeStructure,
    UnionType,
)

__all__ = ["LiteralType", "SimpleType", "StructuredDatasetType", "TypeStructure", "UnionType"]

_INSTEAD = {
    "Error": "a failed node's error reaches on_failure handlers as flytelike.types.error.FlyteError",
    "OutputReference": "flytelike's workflow IR refers to outputs by flytelike.ir.PromiseRef",
    "SchemaType": "FlyteSchema is deprecated in flytekit; use StructuredDataset",
}


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, _INSTEAD)
