"""The ``flytelike.types`` entry point: install the JSONL transformers in a registry."""

from __future__ import annotations

from typing import Any

from flytelike_jsonl._dir import JsonlDir
from flytelike_jsonl._file import JsonlFile
from typesystem.io import DirTransformer, FileTransformer


def register(registry: Any) -> None:
    """Register ``JsonlFile`` and ``JsonlDir`` (blobs of format ``jsonl``)."""
    registry.register(FileTransformer(JsonlFile))
    registry.register(DirTransformer(JsonlDir))
