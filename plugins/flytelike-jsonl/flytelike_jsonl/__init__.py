"""JSON Lines files and sharded directories for flytelike.

``JsonlFile`` (a ``File``) and ``JsonlDir`` (a ``Dir``) add streaming record writers and
readers, zstd by extension, sharding and batch iteration. ``register`` is the entry point
(group ``flytelike.types``) that installs their transformers in a registry.
"""

from flytelike_jsonl._codec import JsonlDecodeError, OnError
from flytelike_jsonl._dir import JsonlDir, ShardedWriter
from flytelike_jsonl._file import JsonlFile, RecordWriter
from flytelike_jsonl._register import register

__all__ = [
    "JsonlDecodeError",
    "JsonlDir",
    "JsonlFile",
    "OnError",
    "RecordWriter",
    "ShardedWriter",
    "register",
]
