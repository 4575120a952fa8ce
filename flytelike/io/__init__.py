"""``flytelike.io``: offloaded values (Flyte v2's ``flyte.io``): ``File``, ``Dir``, ``DataFrame``.

One implementation each (``typesystem.io``); ``Directory``/``FlyteFile``/``FlyteDirectory``/
``StructuredDataset`` are the same classes under flytekit's names. ``flytelike.io.extend``
mirrors ``flyte.io.extend`` (dataframe encoders and decoders). ``HashFunction`` is flyte's
hash method made of a function of the data (``File.from_local(p, hash_method=HashFunction(fn))``).
flyte's ``EmptyDir`` sentinel raises ``ImportError`` saying to use ``Optional[Dir]``.
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
    HashFunction,
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
    "HashFunction",
    "StructuredDataset",
]


def __getattr__(name: str) -> object:
    if name == "EmptyDir":
        raise ImportError(
            "flytelike.io.EmptyDir (flyte's) is not available: for an output that may have no "
            "directory, declare it Optional[Dir] and return None"
        )
    raise AttributeError(f"module 'flytelike.io' has no attribute {name!r}")
