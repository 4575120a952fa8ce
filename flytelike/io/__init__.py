"""``flytelike.io``: offloaded values (Flyte v2's ``flyte.io``): ``File``, ``Dir``, ``DataFrame``.

One implementation each (``typesystem.io``); ``Directory``/``FlyteFile``/``FlyteDirectory``/
``StructuredDataset`` are the same classes under flytekit's names. ``flytelike.io.extend``
mirrors ``flyte.io.extend`` (dataframe encoders and decoders). ``HashFunction`` is flyte's
hash method made of a function of the data (``File.from_local(p, hash_method=HashFunction(fn))``).
``EmptyDir()`` (``Dir.empty()``) is flyte's "no directory was produced" value: it passes between
tasks as a ``Dir`` whose ``is_empty`` is true and reads as an empty directory.
"""

from typesystem.io import (
    CSV,
    PARQUET,
    DataFrame,
    DataFrameDecoder,
    DataFrameEncoder,
    Dir,
    Directory,
    EmptyDir,
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
    "EmptyDir",
    "File",
    "FlyteDirectory",
    "FlyteFile",
    "HashFunction",
    "StructuredDataset",
]
