"""What a v2 task sees of its run: ``ctx()``, ``custom_context``, ``group`` (``flyte.*`` names).

Contracts:

- ``custom_context``: a ``str -> str`` map that flows from a run to every task in it and from a
  parent task to the tasks it calls; it is not an input and never affects caching. The run-level
  map comes from ``with_runcontext(custom_context={...})`` and is kept per run name (the engine
  may run the root task on another thread, so a context variable alone would not reach it).
  ``with custom_context(k=v):`` (sync context manager) overrides keys for calls made inside the
  block and restores the previous map after it; innermost wins. Values are converted to ``str``.
- ``ctx()`` returns a ``TaskContext`` inside a running task and ``NULL_TASK_CONTEXT`` (a context
  whose ``action`` is ``None``, never ``None`` itself) outside one; both carry ``custom_context``.
  After ``load_interactive_ctx`` (``interactive``) it returns the restored context outside tasks.
- ``raw_data_path`` is a ``RawDataPath`` (``.path``: the run's raw data folder) inside a task,
  ``None`` outside one, as in flyte.
- ``run_start_time``: when the run began (UTC; ``with_runcontext(run_start_time=...)`` sets it),
  for runs ``flytelike.run`` started in this process, else ``None``. ``is_in_cluster()`` is
  false, ``task_action`` is ``action``; the distributed fields (``rank``, ``world_size``, ...)
  read the launcher's variables (``RANK``, ...) as flyte's do, ``None`` when unset.
- ``group(name)`` is a sync context manager naming the group of every task call made inside it;
  groups nest (``current_group()`` returns the path). Groups change nothing in execution.
- Under ``flytelike.run`` a task call inside a running task is a child action (``V2Task``); the
  child sees the custom context and group of its call site (``record_child``), whether its body
  runs on the caller's event loop or on another thread.
"""

from __future__ import annotations

import contextvars
import dataclasses
import datetime
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flytelike._v2.raw_data import RawDataPath, unpin_run
from flytelike._v2.records import CheckpointPaths
from flytelike.backends import IN_PROCESS_TASK, set_group_provider

_RUN_CONTEXT: dict[str, dict[str, str]] = {}
_RUN_LOCK = threading.Lock()

_CUSTOM: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "flytelike_custom_context", default=None
)
_GROUP: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar(
    "flytelike_group", default=()
)
# The v2 task whose body runs here in-process (the runtime keeps it: the report reads it too).
_TASK = IN_PROCESS_TASK
# Set while a ``@trace`` function runs: tasks may not be called there.
_IN_TRACE: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "flytelike_in_trace", default=None
)


# What a child action inherits from its caller, by run then action id: (custom context, group).
# A child's body may run on another thread (sync tasks), where the caller's context variables
# are not set, so the values are looked up by the running action.
_ACTIONS: dict[str, dict[str, tuple[dict[str, str], tuple[str, ...]]]] = {}


# When each run started with ``flyte.run`` began (or the ``run_start_time`` its run context
# gave): ``ctx().run_start_time``.
_RUN_START: dict[str, datetime.datetime] = {}


def set_run_start(run_name: str, when: datetime.datetime) -> None:
    """Record when ``run_name`` started (``flytelike.run`` calls this)."""
    with _RUN_LOCK:
        _RUN_START[run_name] = when


def set_run_context(run_name: str, values: dict[str, str]) -> None:
    """Record the run-level custom context of ``run_name`` (``with_runcontext`` calls this)."""
    with _RUN_LOCK:
        _RUN_CONTEXT[run_name] = dict(values)


def record_child(action_id: str | None) -> None:
    """Give child action ``action_id`` (of the running action's run) the custom context and
    group visible here (``V2Task`` calls this just before starting the child)."""
    ec = _running()
    if ec is None or action_id is None:
        return
    entry = (get_custom_context(), current_group())
    with _RUN_LOCK:
        _ACTIONS.setdefault(ec.action.run_name, {})[action_id] = entry


def forget_run(run_name: str) -> None:
    """Drop what was recorded for ``run_name`` (``flytelike.run`` calls this when it ends)."""
    with _RUN_LOCK:
        _RUN_CONTEXT.pop(run_name, None)
        _ACTIONS.pop(run_name, None)
        _RUN_START.pop(run_name, None)
    unpin_run(run_name)


def _inherited(ec: Any) -> tuple[dict[str, str], tuple[str, ...]] | None:
    a = ec.action
    with _RUN_LOCK:
        return _ACTIONS.get(a.run_name, {}).get(a.action_id)


def _running() -> Any:
    from flytelike.backends import running_action

    return running_action()


def get_custom_context() -> dict[str, str]:
    """The custom context visible here (a copy; values are strings)."""
    override = _CUSTOM.get()
    if override is not None:
        return dict(override)
    ec = _running()
    if ec is None:
        return {}
    inherited = _inherited(ec)
    if inherited is not None:
        return dict(inherited[0])
    with _RUN_LOCK:
        return dict(_RUN_CONTEXT.get(ec.action.run_name, {}))


@contextmanager
def custom_context(**values: Any) -> Iterator[dict[str, str]]:
    """Add or override custom-context keys for task calls made inside the block."""
    merged = get_custom_context()
    merged.update({str(k): str(v) for k, v in values.items()})
    token = _CUSTOM.set(merged)
    try:
        yield dict(merged)
    finally:
        _CUSTOM.reset(token)


@contextmanager
def group(name: str) -> Iterator[None]:
    """Tag every task call made inside the block with group ``name`` (groups nest)."""
    if not isinstance(name, str) or not name:
        from flytelike.errors import DefinitionError

        raise DefinitionError(f"group(name): name must be a non-empty string, got {name!r}")
    token = _GROUP.set((*current_group(), name))
    try:
        yield
    finally:
        _GROUP.reset(token)


def current_group() -> tuple[str, ...]:
    """The group path of calls made here (outermost first); ``()`` outside any group. A child
    action starts in the group its caller was in."""
    path = _GROUP.get()
    if path:
        return path
    ec = _running()
    inherited = _inherited(ec) if ec is not None else None
    return inherited[1] if inherited is not None else ()


@dataclass(frozen=True)
class ActionID:
    """``name``: the action (the task's name locally); ``run_name``: the run."""

    name: str
    run_name: str
    project: str = ""
    domain: str = ""
    org: str = ""


class GroupPath(tuple[str, ...]):
    """``ctx().group_data``: the names of the groups calls are made in, outermost first (empty,
    so false, outside any group). flyte gives the innermost group as ``GroupData(name)`` or
    ``None``; ``name`` is that innermost name, so flyte's ``ctx().group_data.name if
    ctx().group_data else None`` reads the same here, and the whole path stays visible."""

    __slots__ = ()

    @property
    def name(self) -> str:
        if not self:
            raise AttributeError("group_data is empty outside a group: test it before .name")
        return self[-1]


@dataclass(frozen=True)
class TaskContext:
    """What ``flyte.ctx()`` returns; ``action`` is ``None`` outside a task."""

    action: ActionID | None
    custom_context: dict[str, str] = field(default_factory=dict)
    group_data: GroupPath = field(default_factory=GroupPath)
    attempt_number: int = 0
    raw_data_path: RawDataPath | None = None
    mode: str = "local"
    _execution: Any = field(default=None, repr=False, compare=False)
    # What ``load_interactive_ctx`` restores of an action (flyte's fields of the same names).
    version: str = ""
    input_path: str | None = None
    output_path: str = ""
    run_base_dir: str = ""
    interactive_mode: bool = False
    # When the run began (UTC), for runs started with ``flyte.run`` in this process; else None.
    run_start_time: datetime.datetime | None = None
    disable_run_cache: bool = False
    in_driver_literal_conversion: bool = False
    code_bundle: Any = None
    compiled_image_cache: Any = None
    restart_attempt: int | None = None
    # Free-form values a task plugin hands to the body it wraps (flyte's ``TaskContext.data``;
    # ``ctx()[key]`` reads one); empty unless a ``replace(data=...)`` copy sets some.
    data: dict[str, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        """False outside a task (no action), as flyte's null context is: ``if flyte.ctx():``
        tells whether a task runs here."""
        return self.action is not None

    @property
    def task_action(self) -> ActionID | None:
        """The action whose task body runs here: ``action`` (locally they are the same)."""
        return self.action

    def is_in_cluster(self) -> bool:
        """Whether the task runs on a cluster: never, locally (``mode`` is ``"local"``)."""
        return self.mode == "remote"

    def replace(self, **changes: Any) -> TaskContext:
        """A copy with ``changes`` (flyte's ``TaskContext.replace``)."""
        return dataclasses.replace(self, **changes)

    # Distributed training's ranks, from the variables a launcher (torchrun) sets; None when
    # unset, as on any task that is not part of such a job.
    @property
    def rank(self) -> int | None:
        return _env_int("RANK")

    @property
    def local_rank(self) -> int | None:
        return _env_int("LOCAL_RANK")

    @property
    def world_size(self) -> int | None:
        return _env_int("WORLD_SIZE")

    @property
    def local_world_size(self) -> int | None:
        return _env_int("LOCAL_WORLD_SIZE")

    @property
    def node_rank(self) -> int | None:
        return _env_int("NODE_RANK")

    @property
    def nnodes(self) -> int | None:
        return _env_int("NNODES")

    @property
    def master_addr(self) -> str | None:
        return os.environ.get("MASTER_ADDR")

    @property
    def master_port(self) -> int | None:
        return _env_int("MASTER_PORT")

    @property
    def checkpoint(self) -> Any:
        """flyte 2's task checkpoint (``flytelike.backends._checkpoint.Checkpoint``: ``load``/``save``,
        ``load_sync``/``save_sync``, kept across retries and resumes); ``None`` outside a task."""
        return None if self._execution is None else self._execution.v2_checkpoint

    @property
    def checkpoint_paths(self) -> CheckpointPaths | None:
        """Where this attempt's checkpoint is written and the previous one read (flyte's
        ``CheckpointPaths``): locally one place per action, kept across retries and resumes, so
        both paths name it. ``None`` outside a task."""
        if self._execution is None:
            return None
        cp = self._execution.v2_checkpoint
        return CheckpointPaths(cp.remote_source or cp.remote_destination, cp.remote_destination)

    def __getitem__(self, key: str) -> Any:
        """``data.get(key)``, as flyte's ``ctx()[key]``."""
        return self.data.get(key)

    @property
    def report(self) -> Any:
        """The running task's ``flytelike.report.Report`` (``current_report()``); ``None``
        outside a task."""
        if self._execution is None or self.action is None:
            return None
        from flytelike.report import Report

        return Report._of(self._execution, self.action.name)

    @property
    def is_in_task(self) -> bool:
        return self.action is not None


def _env_int(name: str) -> int | None:
    value = os.environ.get(name)
    return int(value) if value is not None else None


NULL_TASK_CONTEXT = TaskContext(None)


# The context ``load_interactive_ctx`` installed: ``ctx()`` outside a running task.
_INTERACTIVE: list[TaskContext] = []


def install_interactive(tctx: TaskContext) -> None:
    """Make ``tctx`` what ``ctx()`` returns outside a running task, for good (a debugger or REPL
    session has no point at which to restore the previous one; ``load_interactive_ctx``)."""
    _INTERACTIVE[:] = [tctx]


def ctx() -> TaskContext:
    """The running task's context, or ``NULL_TASK_CONTEXT`` (with the custom context) outside
    (the context ``load_interactive_ctx`` installed, when it was called)."""
    ec = _running()
    custom = get_custom_context()
    if ec is None:
        if _INTERACTIVE:
            return _INTERACTIVE[0]
        return (
            TaskContext(None, custom, GroupPath(current_group())) if custom else NULL_TASK_CONTEXT
        )
    a = ec.action
    return TaskContext(
        action=ActionID(_TASK.get() or ec.task_name, a.run_name, a.project, a.domain),
        custom_context=custom,
        group_data=GroupPath(current_group()),
        attempt_number=a.attempt,
        raw_data_path=RawDataPath.of_run(a.raw_data_prefix, a.run_name),
        _execution=ec,
        run_start_time=_RUN_START.get(a.run_name),
    )


set_group_provider(current_group)  # the engine records a child action's group through it
