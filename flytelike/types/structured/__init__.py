"""``flytelike.types.structured``: mirrors ``flytekit.types.structured``.

``StructuredDataset`` is ``flytelike.StructuredDataset`` (one implementation with
``flytelike.io.DataFrame``); encoders, decoders and the handler registry are ``typesystem.io``'s.
"""

from typing import NoReturn

from flytelike._compat.aliases import not_provided
from typesystem.io import (
    DuplicateHandlerError,
    StructuredDataset,
    StructuredDatasetDecoder,
    StructuredDatasetEncoder,
    StructuredDatasetMetadata,
    StructuredDatasetTransformerEngine,
    StructuredDatasetType,
)

__all__ = [
    "DuplicateHandlerError",
    "StructuredDataset",
    "StructuredDatasetDecoder",
    "StructuredDatasetEncoder",
    "StructuredDatasetMetadata",
    "StructuredDatasetTransformerEngine",
    "StructuredDatasetType",
]


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
