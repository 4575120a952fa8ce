"""``flytelike.types.structured``: mirrors ``flytekit.types.structured``.

``StructuredDataset`` is ``flytelike.StructuredDataset`` (one implementation with
``flytelike.io.DataFrame``); encoders, decoders and the handler registry are ``typesystem.io``'s.
"""

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
