"""``DataContext``: where offloaded data goes, and the context variable that selects it.

The engine sets a context per run or per action (``use_data_context``/``use_raw_data_prefix``);
code outside a run gets ``DataContext.from_env()``, built on first use from
``FLYTELIKE_RAW_DATA_PREFIX`` (default ``file://<FLYTELIKE_HOME>/data``, ``FLYTELIKE_HOME``
defaulting to ``~/.flytelike``). Nothing here reads the environment at import time.

The context is a ``contextvars.ContextVar``, so it follows ``asyncio`` tasks and
``asyncio.to_thread``; worker threads started by the store receive the store object itself.
The running action's key (``current_action_key``) and scratch directory
(``current_scratch_dir``, whose files may be moved into the store) live here too.
What does not live here: the file system access (``_store``) and URI helpers (``_paths``).
"""

from __future__ import annotations

import contextvars
import dataclasses
import os
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class DataContext:
    """Settings for offloaded data (files, directories, dataframes).

    ``raw_data_prefix``: the URI under which new values are written (``file://...``, a plain
    local path, ``s3://bucket/prefix``, ``memory://...``). ``storage_options``: fsspec options
    per protocol, e.g. ``{"s3": {"endpoint_url": "http://127.0.0.1:9000"}}``. ``local_dir``:
    where downloads are materialised (default: a temporary directory of this process).
    ``max_concurrency``: parallel transfers for directories. ``retries``: attempts after the
    first one for transient errors. ``action_key``: names the running action so that
    ``File.named_remote(name)`` is the same path on every retry of that action; when unset, the
    key set with ``use_action_key`` applies, else the engine's (``set_action_key_provider``).
    ``frame_format``: the format new dataframes are written in when neither their annotation
    nor a registration chose one (``"arrow"``, ``"parquet"``...; empty: the frame type's default,
    parquet for pandas, see ``FrameHandlers.default_format``).
    """

    raw_data_prefix: str
    storage_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    local_dir: str | None = None
    max_concurrency: int = 16
    retries: int = 3
    action_key: str | None = None
    frame_format: str = ""

    @classmethod
    def from_env(cls) -> DataContext:
        """The default context, from ``FLYTELIKE_RAW_DATA_PREFIX`` / ``FLYTELIKE_HOME``."""
        prefix = os.environ.get("FLYTELIKE_RAW_DATA_PREFIX")
        if not prefix:
            home = os.environ.get("FLYTELIKE_HOME") or os.path.join(
                os.path.expanduser("~"), ".flytelike"
            )
            prefix = "file://" + os.path.join(os.path.abspath(home), "data")
        return cls(raw_data_prefix=prefix)

    def replace(self, **changes: Any) -> DataContext:
        """A copy with ``changes`` applied."""
        return dataclasses.replace(self, **changes)

    def options_for(self, protocol: str) -> dict[str, Any]:
        """The fsspec storage options for ``protocol`` (``s3a`` and ``s3`` share options)."""
        opts = self.storage_options.get(protocol)
        if opts is None and protocol in ("s3a", "s3n"):
            opts = self.storage_options.get("s3")
        return dict(opts or {})

    def download_dir(self) -> str:
        """The directory downloads go to (created on first use)."""
        if self.local_dir is not None:
            os.makedirs(self.local_dir, exist_ok=True)
            return self.local_dir
        return _process_tempdir()


_current: contextvars.ContextVar[DataContext | None] = contextvars.ContextVar(
    "flytelike_data_context", default=None
)
_default: DataContext | None = None
_lock = threading.Lock()
_tempdir: str | None = None


def _process_tempdir() -> str:
    global _tempdir
    with _lock:
        if _tempdir is None or not os.path.isdir(_tempdir):
            _tempdir = tempfile.mkdtemp(prefix="flytelike-data-")
        return _tempdir


def current_data_context() -> DataContext:
    """The active ``DataContext``: the innermost ``use_data_context`` or the default."""
    ctx = _current.get()
    if ctx is not None:
        return ctx
    global _default
    with _lock:
        if _default is None:
            _default = DataContext.from_env()
        return _default


def set_data_context(ctx: DataContext | None) -> contextvars.Token[DataContext | None]:
    """Make ``ctx`` the active data context until ``reset_data_context(token)`` (the two
    halves of ``use_data_context``, for engines that switch contexts in a loop)."""
    return _current.set(ctx)


def reset_data_context(token: contextvars.Token[DataContext | None]) -> None:
    _current.reset(token)


@contextmanager
def use_data_context(ctx: DataContext) -> Iterator[DataContext]:
    """Make ``ctx`` the active data context inside the ``with`` block."""
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


_action_key: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "flytelike_action_key", default=None
)


_key_provider: list[Callable[[], str | None]] = []


def current_action_key() -> str | None:
    """The key of the running action: the active context's ``action_key``, else the one set
    with ``use_action_key``, else what the registered provider (the engine) says."""
    ctx = _current.get()
    if ctx is not None and ctx.action_key is not None:
        return ctx.action_key
    key = _action_key.get()
    if key is None and _key_provider:
        key = _key_provider[0]()
    return key


def uploads_now() -> bool:
    """Whether ``from_local`` uploads at once: inside a running action, or where a data
    context was made active. Elsewhere (a driver program before its run), as in flyte 2, it
    references the local path, which is uploaded when a run takes the value as an input: what
    the file holds by then is what the run sees."""
    return _current.get() is not None or current_action_key() is not None


def set_action_key_provider(provider: Callable[[], str | None]) -> None:
    """Where the key of the running action comes from when nothing set one explicitly: an
    engine registers a function reading its own notion of the running action, so it need not
    set a key for every action it runs."""
    _key_provider[:] = [provider]


@contextmanager
def use_action_key(key: str | None) -> Iterator[None]:
    """Name the running action inside the ``with`` block (see ``DataContext.action_key``)."""
    token = _action_key.set(key)
    try:
        yield
    finally:
        _action_key.reset(token)


_scratch: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "flytelike_scratch_dir", default=None
)


def current_scratch_dir() -> str | None:
    """The scratch directory set with ``use_scratch_dir`` (the engine sets the running action's
    working directory while it converts the action's outputs), or ``None``: files under it may
    be moved into the store rather than copied."""
    return _scratch.get()


@contextmanager
def use_scratch_dir(path: str | None) -> Iterator[None]:
    """Declare ``path`` a scratch directory inside the ``with`` block: whatever is under it may
    be moved into the store when a value is uploaded (see ``current_scratch_dir``)."""
    token = _scratch.set(path)
    try:
        yield
    finally:
        _scratch.reset(token)


@contextmanager
def use_raw_data_prefix(
    prefix: str, *, storage_options: Mapping[str, Mapping[str, Any]] | None = None, **changes: Any
) -> Iterator[DataContext]:
    """Write new offloaded values under ``prefix`` inside the ``with`` block.

    The other settings are inherited from the active context; ``storage_options`` (per
    protocol) are merged over the inherited ones. ``changes`` sets any other field.
    """
    base = current_data_context()
    options = dict(base.storage_options)
    if storage_options:
        options.update(storage_options)
    ctx = base.replace(raw_data_prefix=prefix, storage_options=options, **changes)
    with use_data_context(ctx) as active:
        yield active
