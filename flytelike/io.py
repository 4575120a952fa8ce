"""``flytelike.io``: offloaded values (Flyte v2's ``flyte.io``): ``File``, ``Dir``, ``DataFrame``.

One implementation each (``typesystem.io``); ``Directory``/``FlyteFile``/``FlyteDirectory``/
``StructuredDataset`` are the same classes under flytekit's names.
"""

from typesystem.io import (
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
