"""Where a model's weights are and how their bytes are read: a local directory or an object
store prefix, through the active data context (``typesystem.io``: inside a task the run's raw
data context with its storage options, outside one the default context), so ``s3://...``
reaches the same endpoint with the same credentials as a ``File`` would.

``weight_files`` decides which files are read and which tensors each contributes: with a
``model.safetensors.index.json`` under the prefix its ``weight_map`` does; otherwise every
``*.safetensors`` file directly under the prefix, sorted by name, the first copy of a duplicated
tensor winning. A path that is itself a ``.safetensors`` file is read alone (ours; flyte takes
prefixes only). ``read_range`` reads one byte range (retried on transient errors).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

from flytelike.errors import WeightsFormatError
from typesystem.io import DataStore, with_retries

INDEX_FILE = "model.safetensors.index.json"
SUFFIX = ".safetensors"


def is_local(uri: str) -> bool:
    return "://" not in uri or uri.startswith(("file://", "local://"))


def local_path(uri: str) -> str:
    return uri.split("://", 1)[1] if "://" in uri else uri


def join(prefix: str, name: str) -> str:
    return f"{prefix.rstrip('/')}/{name}"


class Source:
    """Byte access to the files under one prefix (the store of the context active when made)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix.rstrip("/")
        self.store = DataStore()

    def _retry(self, fn: Callable[[], Any]) -> Any:
        return with_retries(fn, retries=self.store.context.retries)

    def read_range(self, uri: str, start: int, end: int) -> bytes:
        """Bytes ``[start, end)`` of the file ``uri``."""
        if end <= start:
            return b""
        if is_local(uri):
            with open(local_path(uri), "rb") as f:
                return os.pread(f.fileno(), end - start, start)
        fs, path = self.store.filesystem(uri)
        return bytes(self._retry(lambda: fs.cat_file(path, start=start, end=end)))

    def size(self, uri: str) -> int:
        return self.store.size(uri)

    def exists(self, uri: str) -> bool:
        return self.store.exists(uri)

    def files(self) -> list[str]:
        """Every file under the prefix, as paths relative to it (``/``-separated), sorted."""
        return self.store.relative_files(self.prefix)

    def weight_files(self) -> list[tuple[str, set[str] | None]]:
        """``(file URI, the tensor names to take from it or None for all)`` in read order."""
        if self.prefix.endswith(SUFFIX) and not self.store.isdir(self.prefix):
            if not self.exists(self.prefix):
                raise FileNotFoundError(f"model_streamer: no weights file at {self.prefix!r}")
            return [(self.prefix, None)]
        index_uri = join(self.prefix, INDEX_FILE)
        if self.exists(index_uri):
            return self._from_index(index_uri)
        names = sorted(rel for rel in self.files() if "/" not in rel and rel.endswith(SUFFIX))
        if not names:
            raise FileNotFoundError(
                f"model_streamer: no *{SUFFIX} file directly under {self.prefix!r} (and no "
                f"{INDEX_FILE}); give the prefix of a Hugging Face style model directory"
            )
        return [(join(self.prefix, n), None) for n in names]

    def _from_index(self, index_uri: str) -> list[tuple[str, set[str] | None]]:
        with self.store.open(index_uri, "rb") as f:
            raw = f.read()
        try:
            weight_map = json.loads(raw)["weight_map"]
            if not isinstance(weight_map, dict):
                raise TypeError("weight_map is not an object")
        except (ValueError, KeyError, TypeError) as e:
            raise WeightsFormatError(
                f"{index_uri}: not a safetensors index (expected {{'weight_map': {{tensor: "
                f"file}}}}): {e}"
            ) from e
        by_file: dict[str, set[str]] = {}
        for tensor, name in weight_map.items():
            by_file.setdefault(str(name), set()).add(str(tensor))
        return [(join(self.prefix, name), by_file[name]) for name in sorted(by_file)]
