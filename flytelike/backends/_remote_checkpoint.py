"""``current_context().checkpoint`` when the action's run location is a URI (``run_uri``).

A backend that runs an action out of the driver (a Ray worker, possibly on another machine)
sets ``ActionContext.run_uri`` to a location under the run's raw data prefix; the checkpoint
then lives at ``<run_uri>/actions/<action>/checkpoint`` and is written and read through the
active data context's store (fsspec, with its storage options), so the next attempt finds it on
any worker, and a resumed run too. Same layout and methods as the local ``Checkpoint``
(``_runtime``): bytes in ``data/checkpoint.bin``, or a saved file or directory tree under
``data/``.

What does not live here: the local checkpoint and the action's scratch directories
(``_runtime``), flyte 2's checkpoint (``_checkpoint``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any


class RemoteCheckpoint:
    """Bytes or a directory that survive the action's retries and resumes, under a URI."""

    def __init__(self, uri: str) -> None:
        from typesystem.io import current_store

        self._uri = uri.rstrip("/")
        self._store: Any = current_store()
        self._data = f"{self._uri}/data"
        self._had = bool(self._store.find(self._data))

    def prev_exists(self) -> bool:
        return self._had

    def read(self) -> bytes | None:
        target = f"{self._data}/checkpoint.bin"
        if not self._store.exists(target):
            return None
        with self._store.open(target, "rb") as f:
            return f.read()  # type: ignore[no-any-return]

    def write(self, data: bytes) -> None:
        with self._store.open(f"{self._data}/checkpoint.bin", "wb") as f:
            f.write(data)

    def save(self, path: str | os.PathLike[str]) -> None:
        src = Path(path)
        self._store.remove(self._data)
        if src.is_dir():
            self._store.copy_dir(str(src), self._data)
        else:
            self._store.copy_file(str(src), f"{self._data}/{src.name}")

    def restore(self, path: str | os.PathLike[str] | None = None) -> Path | None:
        if not self._store.find(self._data):
            return None
        dst = Path(path) if path is not None else Path(tempfile.mkdtemp(prefix="flytelike-ckpt-"))
        self._store.copy_dir(self._data, str(dst))
        return dst
