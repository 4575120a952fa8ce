"""flyte 2's task checkpoints: ``flyte.ctx().checkpoint``, ``Checkpoint``, ``BaseCheckpoint``
and ``latest_checkpoint``.

Inside a running task ``flyte.ctx().checkpoint`` is a ``Checkpoint`` whose saved object
survives the action's retries and resumes of its run (``flytelike resume``): it is one file in
the action's directory of the run (``<run dir>/actions/<action>/checkpoint-v2``), replaced
atomically on every save. As in flyte:

- ``save(data)`` / ``save_sync(data)``: ``bytes``, a file path, or a directory (kept as a
  gzip tar of its entries);
- ``prev_exists()``: whether an earlier attempt (or an earlier run of a resumed run) saved one;
- ``load()`` / ``load_sync()``: ``None`` when there is nothing to load; else the saved object
  unpacked under ``path`` (a temporary directory of the attempt), returning ``path`` for a
  directory and ``path / "payload"`` for bytes or a file.

Outside a task ``flyte.ctx().checkpoint`` is ``None``. ``Checkpoint(dest, src)`` can also be
made by hand with local paths or fsspec URIs (``dest`` is where ``save`` writes, ``src`` what
``load`` reads). A URI is written and read through the active data context's store, so with
its storage options (on a Ray worker: the run's).
"""

from __future__ import annotations

import abc
import asyncio
import io
import os
import pathlib
import shutil
import tarfile
import tempfile
from collections.abc import Callable
from typing import Any

PAYLOAD = "payload"
_TAR_MAGIC = b"\x1f\x8b"


class BaseCheckpoint(abc.ABC):
    """What a checkpoint offers (flyte's ``BaseCheckpoint``)."""

    @property
    @abc.abstractmethod
    def path(self) -> pathlib.Path:
        """Local directory a loaded checkpoint is unpacked under."""

    @abc.abstractmethod
    def prev_exists(self) -> bool:
        """Whether there is a previous checkpoint to load."""

    async def load(self) -> pathlib.Path | None:
        return await asyncio.to_thread(self.load_sync)

    async def save(self, data: pathlib.Path | str | bytes) -> None:
        await asyncio.to_thread(self.save_sync, data)

    @abc.abstractmethod
    def load_sync(self) -> pathlib.Path | None:
        """Synchronous ``load``."""

    @abc.abstractmethod
    def save_sync(self, data: pathlib.Path | str | bytes) -> None:
        """Synchronous ``save``."""


class Checkpoint(BaseCheckpoint):
    """A checkpoint stored as one object at ``checkpoint_dest`` (see the module docstring);
    ``checkpoint_src`` is the previous one (default: ``checkpoint_dest`` if it exists now)."""

    def __init__(
        self, checkpoint_dest: str, checkpoint_src: str | None = None, *, local_dir: str = ""
    ) -> None:
        self._dest = os.fspath(checkpoint_dest)
        if checkpoint_src is None and _exists(self._dest):
            checkpoint_src = self._dest
        self._src = checkpoint_src.strip() if checkpoint_src else None
        # (a running task's checkpoint unpacks in its attempt's working directory)
        self._dir: str | None = local_dir or None
        self._loaded: pathlib.Path | None = None

    @property
    def remote_destination(self) -> str:
        return self._dest

    @property
    def remote_source(self) -> str | None:
        return self._src

    @property
    def path(self) -> pathlib.Path:
        if self._dir is None:
            self._dir = tempfile.mkdtemp(prefix="flytelike-cp-")
        os.makedirs(self._dir, exist_ok=True)
        return pathlib.Path(self._dir)

    def prev_exists(self) -> bool:
        return self._src is not None

    def load_sync(self) -> pathlib.Path | None:
        if self._src is None:
            return None
        if self._loaded is not None:
            return self._loaded
        data = _read(self._src)
        if data[:2] == _TAR_MAGIC:
            with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
                tar.extractall(self.path, filter="data")
            self._loaded = self.path
        else:
            target = self.path / PAYLOAD
            target.write_bytes(data)
            self._loaded = target
        return self._loaded

    def save_sync(self, data: pathlib.Path | str | bytes) -> None:
        if isinstance(data, bytes):
            _write(self._dest, data)
            return
        src = pathlib.Path(data)
        if not src.exists():
            raise FileNotFoundError(f"Checkpoint source path does not exist: {src}")
        if src.is_dir():
            buf = io.BytesIO()
            with tarfile.open(fileobj=buf, mode="w:gz") as tar:
                for entry in sorted(src.iterdir()):
                    tar.add(entry, arcname=entry.name)
            _write(self._dest, buf.getvalue())
        else:
            _write(self._dest, src.read_bytes())

    def cleanup(self) -> None:
        """Remove the local directory ``load`` unpacked into (the saved object stays)."""
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None
            self._loaded = None


def latest_checkpoint(
    root: pathlib.Path,
    glob_pattern: str = "**/last.ckpt",
    *,
    key: Callable[[pathlib.Path], Any] | None = None,
) -> pathlib.Path | None:
    """The newest file under ``root`` matching ``glob_pattern`` (by modification time, or by
    ``key``), or ``None`` when there is none."""
    found = [p for p in pathlib.Path(root).glob(glob_pattern) if p.is_file()]
    if not found:
        return None
    return max(found, key=key or (lambda p: p.stat().st_mtime))


# ---------------------------------------------------------------------------- storage
def _is_local(target: str) -> bool:
    return "://" not in target or target.startswith("file://")


def _local(target: str) -> str:
    return target[len("file://") :] if target.startswith("file://") else target


# A URI is reached through the active data context's store: its storage options (an S3
# endpoint, credentials) apply, as for every other offloaded value.
def _exists(target: str) -> bool:
    if _is_local(target):
        return os.path.isfile(_local(target))
    from typesystem.io import current_store

    return bool(current_store().exists(target))


def _read(target: str) -> bytes:
    if _is_local(target):
        return pathlib.Path(_local(target)).read_bytes()
    from typesystem.io import current_store

    with current_store().open(target, "rb") as f:
        return f.read()  # type: ignore[no-any-return]


def _write(target: str, data: bytes) -> None:
    if not _is_local(target):
        from typesystem.io import current_store

        with current_store().open(target, "wb") as f:
            f.write(data)
        return
    path = pathlib.Path(_local(target))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        pathlib.Path(tmp).unlink(missing_ok=True)
        raise
