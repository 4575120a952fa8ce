"""``flytelike.io``: offloaded values (Flyte v2's ``flyte.io``): ``File``, ``Dir``, ``DataFrame``.

One implementation each (``typesystem.io``); ``Directory``/``FlyteFile``/``FlyteDirectory``/
``StructuredDataset`` are the same classes under flytekit's names. ``flytelike.io.extend``
mirrors ``flyte.io.extend`` (dataframe encoders and decoders).
"""

from typesystem.io import (
    CSV,
    PARQUET,
    DataFrame,
    DataFrameDecoder,
    DataFrameEncoder,
    Dir,
    Directory,
    File,
    FlyteDirectory,
    FlyteFile,
    StructuredDataset,
)

__all__ = [
    "CSV",
    "PARQUET",
    "DataFrame",
    "DataFrameDecoder",
    "DataFrameEncoder",
    "Dir",
    "Directory",
    "File",
    "FlyteDirectory",
    "FlyteFile",
    "StructuredDataset",
]
