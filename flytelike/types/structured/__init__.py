"""``flytelike.types.structured``: mirrors ``flytekit.types.structured``.

``StructuredDataset`` is ``flytelike.StructuredDataset`` (one implementation with
``flytelike.io.DataFrame``); encoders, decoders and the handler registry are ``typesystem.io``'s.

The built-in handlers of a dataframe library (pandas: parquet, csv and arrow; pyarrow; polars)
register on first use. flytekit's ``register_pandas_handlers()``, ``register_csv_handlers()``
(both pandas'), ``register_arrow_handlers()`` and ``lazy_import_structured_dataset_handler()``
(those of the libraries already imported) register them at once; they neither change the
default format nor fail when called again.
"""

import sys
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
    default_handlers,
)

__all__ = [
    "DuplicateHandlerError",
    "StructuredDataset",
    "StructuredDatasetDecoder",
    "StructuredDatasetEncoder",
    "StructuredDatasetMetadata",
    "StructuredDatasetTransformerEngine",
    "StructuredDatasetType",
    "lazy_import_structured_dataset_handler",
    "register_arrow_handlers",
    "register_csv_handlers",
    "register_pandas_handlers",
]


def register_pandas_handlers() -> None:
    import pandas as pd  # type: ignore[import-untyped]

    default_handlers().load_builtins(pd.DataFrame)


def register_csv_handlers() -> None:
    register_pandas_handlers()  # (pandas' csv handlers are among its built-ins)


def register_arrow_handlers() -> None:
    import pyarrow as pa  # type: ignore[import-untyped]

    default_handlers().load_builtins(pa.Table)


def lazy_import_structured_dataset_handler() -> None:
    if "pandas" in sys.modules:
        register_pandas_handlers()
    if "pyarrow" in sys.modules:
        register_arrow_handlers()


def __getattr__(name: str) -> NoReturn:
    not_provided(__name__, name, {})
