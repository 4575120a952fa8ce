"""Offloaded data: files, directories and dataframes in a blob store reached through fsspec.

``File``/``Dir``/``DataFrame`` (flyte-sdk names) are also ``FlyteFile``/``FlyteDirectory``/
``Directory``/``StructuredDataset`` (flytekit names): one implementation each. Values are
references; data moves at the task boundary (upload of local data) and when a task opens,
downloads or reads it. Where new data goes is the active ``DataContext`` (a context variable the
engine sets per run and action; ``use_raw_data_prefix`` for tests and scripts).

Importing this package imports no fsspec, pandas, pyarrow or polars: the store imports fsspec on
first remote access, and dataframe handlers load with the frame library they serve.
"""

from typesystem.io._columns import ARROW, CSV, GENERIC_FORMAT, PARQUET, kwtypes
from typesystem.io._context import (
    DataContext,
    current_action_key,
    current_data_context,
    current_scratch_dir,
    use_action_key,
    use_data_context,
    use_raw_data_prefix,
    use_scratch_dir,
)
from typesystem.io._dir import Dir, Directory, EmptyDir, FlyteDirectory
from typesystem.io._file import File, FlyteFile
from typesystem.io._frame import DataFrame, StructuredDataset
from typesystem.io._handlers import (
    DataFrameDecoder,
    DataFrameEncoder,
    DataFrameTransformerEngine,
    DuplicateHandlerError,
    FrameHandlers,
    HandlerNotFoundError,
    StructuredDatasetDecoder,
    StructuredDatasetEncoder,
    StructuredDatasetMetadata,
    StructuredDatasetTransformerEngine,
    StructuredDatasetType,
    default_handlers,
)
from typesystem.io._hashing import HashFunction, content_hash
from typesystem.io._offloaded import DirTransformer, FileTransformer
from typesystem.io._paths import is_remote
from typesystem.io._retry import is_transient, with_retries
from typesystem.io._schema import (
    FlyteSchema,
    SchemaFormat,
    SchemaOpenMode,
    SchemaReader,
    SchemaWriter,
)
from typesystem.io._store import DataStore, StorageError, current_store

__all__ = [
    "ARROW",
    "CSV",
    "GENERIC_FORMAT",
    "PARQUET",
    "DataContext",
    "DataFrame",
    "DataFrameDecoder",
    "DataFrameEncoder",
    "DataFrameTransformerEngine",
    "DataStore",
    "Dir",
    "DirTransformer",
    "Directory",
    "DuplicateHandlerError",
    "EmptyDir",
    "File",
    "FileTransformer",
    "HashFunction",
    "FlyteDirectory",
    "FlyteFile",
    "FlyteSchema",
    "FrameHandlers",
    "HandlerNotFoundError",
    "SchemaFormat",
    "SchemaOpenMode",
    "SchemaReader",
    "SchemaWriter",
    "StorageError",
    "StructuredDataset",
    "StructuredDatasetDecoder",
    "StructuredDatasetEncoder",
    "StructuredDatasetMetadata",
    "StructuredDatasetTransformerEngine",
    "StructuredDatasetType",
    "content_hash",
    "current_action_key",
    "current_data_context",
    "current_scratch_dir",
    "current_store",
    "default_handlers",
    "is_remote",
    "is_transient",
    "kwtypes",
    "use_action_key",
    "use_data_context",
    "use_raw_data_prefix",
    "use_scratch_dir",
    "with_retries",
]
