"""``RawDataPath``: where a running task's offloaded data goes, as ``flyte.ctx().raw_data_path``
(flyte 2's ``flyte.models.RawDataPath``).

``path`` is the run's raw data folder, one per run as in flyte: ``<prefix>/<run name>`` under
the configured raw data prefix (``FLYTELIKE_RAW_DATA_PREFIX``, else ``$FLYTELIKE_HOME/data``), or
exactly the ``raw_data_path`` the run was started with (``with_runcontext(raw_data_path=...)``,
``flytelike.run(..., raw_data_path=...)``; ``pin_run`` records it). It is a plain absolute path
when on local disk (a ``file://`` prefix is given without its scheme, so ``open``/``os.path`` work
on what is built from it, as flytelike's ``File.path`` is), else the store URI (``s3://...``,
``memory://...``).
``get_random_remote_path(file_name=None)`` is a fresh location under it (on local disk its
folders are created; nothing is written). Locally no input paths are rewritten, so
``path_rewrite`` is always ``None``. ``repr()`` and ``str()`` are ``RawDataPath('<path>')`` as
flyte prints it; read ``.path`` for the location.
"""

from __future__ import annotations

import os
import pathlib
import re
import threading
import uuid
from dataclasses import dataclass

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*)://")

# Runs started with an explicit raw data path (their folder is that path, not a run's folder
# under it), by run name, while they run in this process.
_PINNED: set[str] = set()
_PINNED_LOCK = threading.Lock()


def pin_run(run_name: str) -> None:
    """Record that ``run_name`` was started with its own raw data path (used as given)."""
    with _PINNED_LOCK:
        _PINNED.add(run_name)


def unpin_run(run_name: str) -> None:
    """Forget ``pin_run(run_name)`` (the run has ended)."""
    with _PINNED_LOCK:
        _PINNED.discard(run_name)


def _local(uri: str) -> str | None:
    """The local path ``uri`` names, or ``None`` when it is in a remote store."""
    m = _SCHEME.match(uri)
    if m is None:
        return uri
    if m.group(1).lower() in ("file", "local"):
        return uri[m.end() :] or "/"
    return None


@dataclass(frozen=True, kw_only=True, repr=False)
class RawDataPath:
    """The raw data location of a running task (see the module docstring)."""

    path: str

    def __post_init__(self) -> None:
        if not isinstance(self.path, str) or not self.path:
            raise TypeError(f"RawDataPath(path=...): expected a non-empty str, got {self.path!r}")

    @classmethod
    def from_prefix(cls, prefix: str) -> RawDataPath:
        """The ``RawDataPath`` of a run's raw data prefix (a path or a URI)."""
        local = _local(prefix)
        return cls(path=prefix if local is None else os.path.abspath(local))

    @classmethod
    def of_run(cls, prefix: str, run_name: str) -> RawDataPath:
        """The raw data folder of run ``run_name`` whose raw data prefix is ``prefix``: the
        prefix itself when the run was started with it (``pin_run``), else the run's own
        folder under it. On local disk the folder is created."""
        with _PINNED_LOCK:
            pinned = run_name in _PINNED
        if pinned or not run_name:
            return cls.from_prefix(prefix)
        base = cls.from_prefix(prefix).path
        if _local(base) is None:
            return cls(path=f"{base.rstrip('/')}/{run_name}")
        folder = pathlib.Path(base) / run_name
        folder.mkdir(parents=True, exist_ok=True)
        return cls(path=str(folder))

    @classmethod
    def from_local_folder(cls, local_folder: str | pathlib.Path | None = None) -> RawDataPath:
        """A ``RawDataPath`` on local disk: a ``Path`` (created if missing), a ``str`` (taken as
        given) or ``None`` (a new temporary directory)."""
        if isinstance(local_folder, pathlib.Path):
            local_folder.mkdir(parents=True, exist_ok=True)
            return cls(path=str(local_folder))
        if local_folder is None:
            import tempfile

            return cls(path=tempfile.mkdtemp())
        if isinstance(local_folder, str):
            return cls(path=local_folder)
        raise ValueError(
            "RawDataPath.from_local_folder: expected a str, a pathlib.Path or None, "
            f"got {type(local_folder).__name__}"
        )

    @property
    def path_rewrite(self) -> None:
        """Always ``None``: a local run rewrites no input paths."""
        return None

    def get_random_remote_path(self, file_name: str | None = None) -> str:
        """A new location under ``path``, unique to this call: ``<path>/<random>`` or, with
        ``file_name``, ``<path>/<random>/<file_name>``. On local disk the folders above it are
        created (an absolute path is returned); nothing is written in a remote store."""
        key = uuid.uuid4().hex
        local = _local(self.path)
        if local is None:
            parts = [self.path.rstrip("/"), key] + ([file_name] if file_name else [])
            return "/".join(parts)
        parent = pathlib.Path(local)
        parent.mkdir(parents=True, exist_ok=True)
        if not file_name:
            return str((parent / key).absolute())
        folder = parent / key
        folder.mkdir()
        return str((folder / file_name).absolute())

    def __repr__(self) -> str:
        return f"RawDataPath({self.path!r})"
