"""``flytelike.models.literals``: mirrors ``flytekit.models.literals`` as thin views of
``typesystem``'s literal model (``typesystem._kit``, imported here because these views are this
module's whole content): ``Literal(scalar=Scalar(primitive=Primitive(integer=1)))`` builds one,
``typesystem._kit.to_model``/``to_view`` convert, and literals handed to a flytekit-style
transformer are these views. Bindings, offloaded metadata and schemas are flytekit's IR, which
flytelike does not use (importing them raises ``ImportError`` saying so).
"""

from typing import NoReturn

from flytelike._compat.aliases import not_provided

# (flytekit's literal models are typesystem's kit, off its face: typesystem.Literal differs)
from typesystem._kit import (
    Binary,
    Blob,
    BlobMetadata,
    Literal,
    LiteralCollection,
    LiteralMap,
    Primitive,
    Scalar,
    StructuredDataset,
    StructuredDatasetMetadata,
    Union,
    Void,
)

__all__ = [
    "Binary",
    "Blob",
    "BlobMetadata",
    "Literal",
    "LiteralCollection",
    "LiteralMap",
    "Primitive",
    "Scalar",
    "StructuredDataset",
    "StructuredDatasetMetadata",
    "Union",
    "Void",
]

_INSTEAD = {
    **{
        name: "flytelike's workflow IR has its own bindings (flytelike.ir: Binding, BindingData)"
        for name in ("Binding", "BindingData", "BindingDataCollection", "BindingDataMap")
    },
    "LiteralOffloadedMetadata": "flytelike offloads large literals itself (typesystem.io)",
    "RetryStrategy": "pass retries=N to @task",
    "Schema": "FlyteSchema is deprecated in flytekit; use StructuredDataset",
}


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, _INSTEAD)
