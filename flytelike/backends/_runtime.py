"""What a running task sees: ``current_context()`` and the objects hanging off it.

``ExecutionContext`` carries the execution id, a per-action ``working_directory`` (created on
first use, removed when the action ends), ``secrets``, a ``checkpoint`` that survives retries and
resumes, decks and a logger. A backend activates one around each attempt with ``activate``; the
context lives in a ``ContextVar``, so it follows the thread or asyncio task running the action.
Outside a task, ``current_context()`` returns a context for an ad-hoc local execution.

What does not live here: running the task (``_local``), the secret lookup rules (``_secrets``).
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime
import html as _html
import logging
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flytelike.backends._protocol import ActionContext, Deck
from flytelike.backends._secrets import Secrets

if TYPE_CHECKING:
    from flytelike.backends._remote_checkpoint import RemoteCheckpoint

_LOG = logging.getLogger("flytelike.task")

_CURRENT: contextvars.ContextVar[ExecutionContext | None] = contextvars.ContextVar(
    "flytelike_execution_context", default=None
)


@dataclass(frozen=True, slots=True)
class ExecutionId:
    """``name`` is the run name; ``str()`` gives it too."""

    name: str
    project: str = ""
    domain: str = ""

    def __str__(self) -> str:
        return self.name


def _safe(action_id: str) -> str:
    return action_id.replace("/", "__").replace("[", "_").replace("]", "")


class Checkpoint:
    """Bytes or a directory that survive the action's retries and resumes of its run.

    ``prev_exists()`` says whether an earlier attempt saved something; ``read()``/``write(b)``
    handle bytes, ``restore(path)``/``save(path)`` a directory tree.
    """

    def __init__(self, directory: Path) -> None:
        self._dir = directory
        self._had = (directory / "data").exists()

    def prev_exists(self) -> bool:
        return self._had

    def read(self) -> bytes | None:
        p = self._dir / "data" / "checkpoint.bin"
        return p.read_bytes() if p.exists() else None

    def write(self, data: bytes) -> None:
        d = self._dir / "data"
        d.mkdir(parents=True, exist_ok=True)
        tmp = d / "checkpoint.bin.tmp"
        tmp.write_bytes(data)
        tmp.replace(d / "checkpoint.bin")

    def save(self, path: str | os.PathLike[str]) -> None:
        src = Path(path)
        d = self._dir / "data"
        if d.exists():
            shutil.rmtree(d)
        if src.is_dir():
            shutil.copytree(src, d)
        else:
            d.mkdir(parents=True)
            shutil.copy2(src, d / src.name)

    def restore(self, path: str | os.PathLike[str] | None = None) -> Path | None:
        d = self._dir / "data"
        if not d.exists():
            return None
        dst = Path(path) if path is not None else Path(tempfile.mkdtemp(prefix="flytelike-ckpt-"))
        shutil.copytree(d, dst, dirs_exist_ok=True)
        return dst


class DeckTab:
    """One tab of a task's deck report (``Deck(name, html)``); see ``flytelike.engine.Deck``."""

    def __init__(self, name: str, html: str = "", auto_add_to_deck: bool = True) -> None:
        self.name = name
        self._parts: list[str] = [html] if html else []
        if auto_add_to_deck:
            ctx = _CURRENT.get()
            if ctx is not None:
                ctx.add_deck(self)

    def append(self, html: str) -> DeckTab:
        if not isinstance(html, str):
            raise TypeError(f"Deck.append expects an HTML string, got {type(html).__name__}")
        self._parts.append(html)
        return self

    @property
    def html(self) -> str:
        return "\n".join(self._parts)

    @staticmethod
    def publish() -> None:
        """Write the current decks now (they are always written when the task ends)."""
        ctx = _CURRENT.get()
        if ctx is not None:
            ctx.write_decks()


class ExecutionContext:
    """The object ``current_context()`` returns inside a task."""

    logging = _LOG
    # Defaults for what most actions never use (an instance sets its own when it does).
    _action: ActionContext | None = None
    _item: tuple[str, int] | None = None
    _workdir: str | None = None
    _checkpoint: Checkpoint | RemoteCheckpoint | None = None
    _v2_checkpoint: Any = None
    _decks: dict[str, DeckTab] | None = None
    _written: tuple[Deck, ...] = ()
    # Where what this attempt prints goes (set by ``_capture`` at its first write).
    _capture: Any = None

    def __init__(self, action: ActionContext, task_name: str = "", task_kind: str = "") -> None:
        self._action = action
        self._base = action
        self.task_name = task_name
        self.task_kind = task_kind
        self._started = time.time()

    @property
    def raw_output_prefix(self) -> str:
        return self._base.raw_data_prefix

    @classmethod
    def item_factory(
        cls, base: ActionContext, task_name: str, task_kind: str, own_start: bool = False
    ) -> Callable[[str, int], ExecutionContext]:
        """Makes the contexts of actions that differ from ``base`` only in their id and attempt
        (map items); an item's ``ActionContext`` is built only if someone asks for it.
        ``own_start``: each context's ``execution_date`` is when it was made (an action's
        attempt), not when the factory was (the items of one map)."""
        template = {
            "_base": base,
            "task_name": task_name,
            "task_kind": task_kind,
            "_started": time.time(),  # (the items' execution_date: when their map started)
        }
        new = object.__new__
        now = time.time

        def make(action_id: str, attempt: int) -> ExecutionContext:
            ctx: ExecutionContext = new(cls)
            fields = ctx.__dict__
            fields.update(template)
            fields["_item"] = (action_id, attempt)
            return ctx

        def make_started(action_id: str, attempt: int) -> ExecutionContext:
            ctx: ExecutionContext = new(cls)
            fields = ctx.__dict__
            fields.update(template)
            fields["_item"] = (action_id, attempt)
            fields["_started"] = now()
            return ctx

        return make_started if own_start else make

    @property
    def action(self) -> ActionContext:
        a = self._action
        if a is None:
            assert self._item is not None
            a = self._action = replace(self._base, action_id=self._item[0], attempt=self._item[1])
        return a

    @property
    def run_name(self) -> str:
        return self._base.run_name

    @property
    def action_key(self) -> str:
        """``<run>/<action id>``: names the action's offloaded data (``File.named_remote``)."""
        item = self._item
        return f"{self._base.run_name}/{item[0] if item is not None else self._base.action_id}"

    @property
    def execution_date(self) -> datetime.datetime:
        """When this task started (UTC), as flytekit's ``current_context().execution_date``
        gives the time its task began; a map item: when its map's items started (items run in
        chunks: when the first item of the chunk asked)."""
        started = self.__dict__.get("_started")
        if started is None:
            started = self.__dict__["_started"] = time.time()
        return datetime.datetime.fromtimestamp(started, datetime.UTC)

    @property
    def task_id(self) -> Any:
        """flytekit's ``task_id``: an ``Identifier`` of the task (its project, domain and name; the
        version is empty, as the attempt does not carry it)."""
        from flytelike.ir import Identifier, ResourceType

        a = self._base
        return Identifier(ResourceType.TASK, a.project, a.domain, self.task_name, "")

    @property
    def enable_deck(self) -> bool:
        """Whether the task's deck (Inputs, Outputs, ... tabs) is written (``enable_deck=True``)."""
        return bool(self._base.enable_deck)

    @property
    def execution_id(self) -> ExecutionId:
        a = self.action
        return ExecutionId(a.run_name, a.project, a.domain)

    @property
    def secrets(self) -> Secrets:
        return Secrets(self.action.secrets_dir, self.action.secrets_env_prefix)

    # ---------------------------------------------------------------- paths
    def _action_dir(self) -> Path:
        base = self.action.run_dir or os.path.join(tempfile.gettempdir(), "flytelike-adhoc")
        return Path(base) / "actions" / _safe(self.action.action_id)

    @property
    def working_directory(self) -> str:
        """A fresh scratch directory for this attempt, removed when it ends."""
        if self._workdir is None:
            d = self._action_dir() / f"work-{self.action.attempt}-{uuid.uuid4().hex[:8]}"
            d.mkdir(parents=True, exist_ok=True)
            self._workdir = str(d)
        return self._workdir

    def _action_uri(self) -> str:
        """The action's location under the run's ``run_uri`` ("" when it has none)."""
        uri = self.action.run_uri
        return f"{uri.rstrip('/')}/actions/{_safe(self.action.action_id)}" if uri else ""

    @property
    def checkpoint(self) -> Checkpoint | RemoteCheckpoint:
        if self._checkpoint is None:
            remote = self._action_uri()
            if remote:  # (out of the driver: under the raw data prefix, for any worker)
                from flytelike.backends._remote_checkpoint import RemoteCheckpoint

                self._checkpoint = RemoteCheckpoint(remote + "/checkpoint")
            else:
                self._checkpoint = Checkpoint(self._action_dir() / "checkpoint")
        return self._checkpoint

    @property
    def v2_checkpoint(self) -> Any:
        """flyte 2's checkpoint of this action (``flyte.ctx().checkpoint``; ``_checkpoint``)."""
        if self._v2_checkpoint is None:
            from flytelike.backends._checkpoint import Checkpoint as V2Checkpoint

            remote = self._action_uri()
            dest = (
                remote + "/checkpoint-v2" if remote else str(self._action_dir() / "checkpoint-v2")
            )
            local = os.path.join(self.working_directory, "checkpoint")
            self._v2_checkpoint = V2Checkpoint(dest, local_dir=local)
        return self._v2_checkpoint

    # ---------------------------------------------------------------- decks
    def add_deck(self, deck: DeckTab) -> None:
        if self._decks is None:
            self._decks = {}
        self._decks[deck.name] = deck

    @property
    def decks(self) -> list[DeckTab]:
        return list(self._decks.values()) if self._decks else []

    @property
    def default_deck(self) -> DeckTab:
        deck = self._decks.get("default") if self._decks else None
        if deck is None:
            deck = DeckTab("default", auto_add_to_deck=False)
            self.add_deck(deck)
        return deck

    def write_decks(self, extra: dict[str, str] | None = None) -> tuple[Deck, ...]:
        """Write every tab (and ``extra`` tabs) to ``deck.html``; returns what was written."""
        from flytelike.backends._deck_page import deck_page

        # Inputs and Outputs (``enable_deck``) first, then the task's own tabs in its order.
        tabs = dict(extra or {})
        for name, tab in (self._decks or {}).items():
            tabs[name] = tab.html
        if not tabs:
            return ()
        d = self._action_dir() / "decks"
        d.mkdir(parents=True, exist_ok=True)
        path = d / "deck.html"
        a = self.action
        subtitle = f"run {a.run_name} · action {a.action_id} · attempt {a.attempt}"
        path.write_text(deck_page(self.task_name or a.action_id, tabs, subtitle))
        uri = "file://" + str(path)
        self._written = tuple(Deck(n, uri) for n in tabs)
        return self._written

    def cleanup(self) -> None:
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None


def running_action() -> ExecutionContext | None:
    """The context of the task action running here, or ``None`` outside any action (the
    stand-in context ``current_context()`` makes outside a task does not count)."""
    ctx = _CURRENT.get()
    if ctx is None or ctx.action.action_id == "adhoc":
        return None
    return ctx


_DATA_CONTEXTS: dict[tuple[str, int], tuple[Any, Any]] = {}


def data_context(prefix: str) -> Any:
    """The active data context with the run's raw data prefix (built once per pair)."""
    base = _io_context().current_data_context()
    key = (prefix, id(base))
    found = _DATA_CONTEXTS.get(key)
    if found is None or found[0] is not base:
        if len(_DATA_CONTEXTS) > 64:
            _DATA_CONTEXTS.clear()
        found = _DATA_CONTEXTS[key] = (base, base.replace(raw_data_prefix=prefix))
    return found[1]


_IO: list[Any] = []


def _running_action_key() -> str | None:
    ctx = running_action()
    return ctx.action_key if ctx is not None else None


def outputs_scratch(ctx: ExecutionContext) -> AbstractContextManager[Any]:
    """Enter around converting an action's outputs: its working directory (removed right
    after) is then the scratch directory whose files are moved into a local store rather than
    copied (``typesystem.io.use_scratch_dir``). Only then: a file the action hands to a child
    call while it runs stays where the action put it."""
    if ctx._workdir is None:
        return nullcontext()
    return _io_context().use_scratch_dir(ctx._workdir)  # type: ignore[no-any-return]


def _io_context() -> Any:
    """``typesystem.io._context``, imported on first use (``typesystem.io`` is not light); the
    running action's key (``File.named_remote``) is read from ``current_context()``."""
    if not _IO:
        from typesystem.io import _context  # (held as one object, read per action: no face lookup)

        _context.set_action_key_provider(_running_action_key)
        _IO.append(_context)
    return _IO[0]


def enter(ctx: ExecutionContext | None, data: Any) -> tuple[Any, Any]:
    """Make ``ctx`` current (``None``: keep the current one) with ``data`` (a ``DataContext``,
    ``None``: keep the active one); returns what ``leave`` needs. The two halves of
    ``activate``, for loops."""
    io = _IO[0] if _IO else _io_context()
    return (
        _CURRENT.set(ctx) if ctx is not None else None,
        io.set_data_context(data) if data is not None else None,
    )


def leave(ctx: ExecutionContext | None, tokens: tuple[Any, Any]) -> None:
    if tokens[1] is not None:
        _IO[0].reset_data_context(tokens[1])
    if tokens[0] is not None:
        _CURRENT.reset(tokens[0])
    if ctx is not None and ctx._workdir is not None:
        ctx.cleanup()


@contextmanager
def activate(ctx: ExecutionContext) -> Iterator[ExecutionContext]:
    """Make ``ctx`` the current context; clean its working directory afterwards.

    Offloaded values (files, directories, dataframes) the action writes go under the run's raw
    data prefix, at a key stable across the action's retries (``File.named_remote``)."""
    prefix = ctx.action.raw_data_prefix
    tokens = enter(ctx, data_context(prefix) if prefix else None)
    try:
        yield ctx
    finally:
        leave(ctx, tokens)


@contextmanager
def hidden_loop() -> Iterator[None]:
    """Inside the block this thread has no running event loop: task bodies run in place are
    sync code and must not see the engine's loop (they may call ``asyncio.run``, and sync/async
    dual APIs such as ``File.download()`` act synchronously), exactly as in a worker thread."""
    loop = asyncio._get_running_loop()
    asyncio._set_running_loop(None)
    try:
        yield
    finally:
        asyncio._set_running_loop(loop)


def current_context() -> ExecutionContext:
    """The running task's context; outside a task, a context for an ad-hoc local execution."""
    ctx = _CURRENT.get()
    if ctx is None:
        ctx = ExecutionContext(
            ActionContext(run_name=f"local-{uuid.uuid4().hex[:12]}", action_id="adhoc")
        )
        _CURRENT.set(ctx)
    return ctx


def render_value(value: Any) -> str:
    """HTML for the input/output tabs of a deck."""
    return f"<pre>{_html.escape(repr(value))}</pre>"


# The v2 task whose body runs here in-process (a child called inside a running task, flyte's
# local mode): its name is the action name flyte reports (``ctx().action.name``, the report's).
IN_PROCESS_TASK: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "flytelike_v2_task", default=None
)


# The group path (``flytelike.group``) of a call site, for the engine to record on a child
# action. The v2 API, which owns groups and sits above the engine, registers how to read it when
# it is imported (flytelike._v2.context); before that no group can exist, so the path is empty.
_GROUP_PROVIDER: list[Callable[[], tuple[str, ...]]] = []


def set_group_provider(provider: Callable[[], tuple[str, ...]]) -> None:
    _GROUP_PROVIDER[:] = [provider]


def call_group() -> tuple[str, ...]:
    """The group path visible here (outermost first); ``()`` outside any group."""
    return _GROUP_PROVIDER[0]() if _GROUP_PROVIDER else ()


def set_variables(env: Mapping[str, str]) -> dict[str, str | None]:
    """Set environment variables for a task; returns what ``restore_variables`` puts back."""
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    return saved


def restore_variables(saved: Mapping[str, str | None]) -> None:
    """Put back the variables ``set_variables`` replaced (and drop those it added)."""
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@contextmanager
def variables(env: Mapping[str, str]) -> Iterator[None]:
    """``env`` set while the block runs (a task's ``environment``), the previous values after."""
    if not env:
        yield
        return
    saved = set_variables(env)
    try:
        yield
    finally:
        restore_variables(saved)
