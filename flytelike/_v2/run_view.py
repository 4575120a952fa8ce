"""The parts of flyte 2's run handle that look at a run's actions, over the local run store.

``V2Run`` (``flytelike._v2.run``, what ``flyte.run`` returns) takes these from ``RunViews``:

- ``run.action``: the run's root action as an ``ActionView`` (flyte's ``flyte.remote.Action``):
  ``name`` (its action id), ``run_name``, ``task_name``, ``parent_name``, ``group``, ``phase``
  (an ``ActionPhase``), ``raw_phase`` (the engine's phase name), ``attempts``, ``start_time``,
  ``done()``, the coroutines ``wait(quiet=False, wait_for="terminal")`` (``"running"``: until
  it has started; a local wait draws no progress panel, so ``quiet`` changes nothing) and
  ``details()`` (``await run.action.wait()``, as flyte's ``Action``), ``get_logs(...)``,
  ``show_logs(...)``, ``get_report(attempt=None)``, ``abort(reason=...)`` and ``watch()``.
- ``run.details()``: ``RunDetails`` (``name``, ``task_name``, ``action_details``, ``done()`` and
  the value readers below); ``run.first_failure()``: the ``ActionDetails`` of the first failed
  child action (by queue time), else of the failed root, else ``None``.
- ``ActionDetails``: ``name``, ``run_name``, ``task_name``, ``parent_name``, ``phase``,
  ``raw_phase``, ``attempts``, ``error_info`` (``flytelike.engine.ActionError`` or ``None``),
  ``error_message`` (``""`` unless it failed), ``runtime`` (a ``timedelta``), ``done()``, and,
  as coroutines as in flyte, ``inputs()``, ``outputs()`` (``ActionOutputs``),
  ``input_literals()``, ``output_literals()``, ``typed_inputs(types, deserializers=None)`` and
  ``typed_outputs(...)``: only the values named in ``types``, read as those Python types; a type
  found in ``deserializers`` gets its callable applied to the value read as a ``dict`` (the raw
  payload).
- Logs are what each attempt printed (``flytelike.engine.Run.logs``): ``get_logs(attempt=None,
  filter_system=False, show_ts=False)`` yields the lines of one attempt (the latest by default;
  ``.aio(...)`` is an async iterator); a local run writes no system lines, so
  ``filter_system`` has nothing to remove; lines carry no time, so ``show_ts=True`` raises
  ``NotProvidedError``. ``show_logs(attempt=None, max_lines=100, show_ts=False, raw=False,
  filter_system=False)`` prints the last ``max_lines`` lines (``max_lines <= 0``: all) as plain
  text (``raw`` is flyte's switch from its rich panel, which a local run does not draw).
- ``watch(cache_data_on_done=False)``: an async generator of ``ActionDetails``, one each time the
  action's phase changes, ending after the terminal one (``cache_data_on_done`` asks flyte to
  keep the values of a finished action; the local store always keeps them).
- ``code_bundle()`` is ``None`` (flyte's answer for a run without a bundle);
  ``get_debug_url()`` and ``download_code()`` raise ``NotProvidedError``: a local run has no
  debugger pod and no code bundle.

Each reader that flyte makes callable both ways is (``run.details()``, ``await
run.details.aio()``). ``ActionOutputs`` (what ``outputs()`` return) and ``action_report`` (the
HTML report of an action) live here too. Values are read with the task's Python types where the task is known (the
run's closure, a task loaded in this process, or a deployment); else they stay literals.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from flytelike._v2.syncify import aio_method
from flytelike.errors import NotProvidedError, RuntimeUserError

_WATCH_POLL = 0.05
Deserializers = dict[type, Callable[[Any], Any]]


class ActionOutputs(tuple):  # type: ignore[type-arg]
    """What ``outputs()`` of a run started with ``flyte.run`` returns: a tuple of the outputs in
    declaration order (flyte's ``ActionOutputs``) with ``named_outputs()`` and attribute access
    by output name (and by position as ``o0``, ``o1``, ..., the names flyte gives a NamedTuple's
    fields in a local run). With a single output it also compares equal to that value, so both
    ``run.outputs()[0] == 8`` (flyte) and ``run.outputs() == 8`` (flyte's testing docs) hold."""

    _names: tuple[str, ...]

    def __new__(cls, values: tuple[Any, ...], names: tuple[str, ...]) -> ActionOutputs:
        out = super().__new__(cls, values)
        out._names = names
        return out

    def named_outputs(self) -> dict[str, Any]:
        return dict(zip(self._names, self, strict=True))

    def __getattr__(self, name: str) -> Any:
        names = self.__dict__.get("_names", ())
        if name in names:
            return self[names.index(name)]
        # flyte 2.12 names a NamedTuple's outputs o0, o1, ... in a local run's ActionOutputs;
        # they are the field names here, and ``o<i>`` still reads position i
        if name[:1] == "o" and name[1:].isdigit() and int(name[1:]) < len(self):
            return self[int(name[1:])]
        raise AttributeError(f"outputs have no {name!r}; they are: {', '.join(names) or 'none'}")

    def __repr__(self) -> str:
        shown = (f'"{v}"' if isinstance(v, str) else f"{v}" for v in self)
        pairs = zip(self._names, shown, strict=True)
        return f"ActionOutputs({', '.join(f'{n}={v}' for n, v in pairs)})"

    def __eq__(self, other: object) -> Any:
        if isinstance(other, tuple) and tuple.__eq__(self, other):
            return True
        if len(self) == 1 and not isinstance(other, ActionOutputs):
            return self[0] == other
        return tuple.__eq__(self, other)

    def __ne__(self, other: object) -> Any:
        eq = self.__eq__(other)
        return not eq if isinstance(eq, bool) else NotImplemented

    __hash__ = tuple.__hash__


def action_report(run: Any, action_id: str, attempt: int | None = None) -> str:
    """The HTML report (``flyte.report`` tabs, the deck page) that action ``action_id`` of
    ``run`` wrote, as flyte 2's ``Run.get_report`` / ``Action.get_report`` return it. A local
    run keeps the page of the action's latest attempt that wrote one: ``attempt`` (1 for the
    first) may name that attempt; another raises ``RuntimeUserError``, as does an action that
    wrote no report."""
    rec = next((a for a in run.actions() if a.action_id == action_id), None)
    if rec is None:
        raise RuntimeUserError("ReportNotFound", f"run {run.name} has no action {action_id!r}")
    if attempt is not None and attempt != rec.attempts:
        raise RuntimeUserError(
            "ReportNotFound",
            f"action {action_id!r} of run {run.name}: a local run keeps the report of the "
            f"latest attempt only ({rec.attempts}); call get_report() without attempt={attempt}",
        )
    for deck_action, _tab, uri in run.decks():
        path = uri.removeprefix("file://")
        if deck_action == action_id and os.path.isfile(path):
            with open(path, encoding="utf-8", errors="replace") as fh:
                return fh.read()
    raise RuntimeUserError(
        "ReportNotFound",
        f"no report is available for action {action_id!r} of run {run.name}: its task wrote "
        "none (declare it with report=True and write tabs with flyte.report)",
    )


def _phase(engine_phase: str) -> Any:
    from flytelike.ir import ActionPhase

    return ActionPhase.from_engine_phase(engine_phase)


def task_types(run: Any, task: str) -> tuple[Any, Any]:
    """The IR interface and live Python interface of task ``task`` of ``run``: from the run's
    closure, else from a task of that name loaded in this process (v2 child tasks are compiled
    when called, so only the root is in the closure), else from the newest deployment of that
    name in the run's namespace; ``(None, None)`` when none has it (values stay literals)."""
    from flytelike._v2 import deployed as _deployed  # a deployed task called by name
    from flytelike.backends import live_named, lookup_live
    from flytelike.engine import ClosureIndex, to_closure

    closure = run._engine.store.run_closure(run.name)
    if closure is not None:
        for ident, template in ClosureIndex(closure).tasks.items():
            if ident.name == task:
                live = lookup_live(ident)
                return template.interface, getattr(live, "python_interface", None)
    for _, entity in live_named(task):
        iface = ClosureIndex(to_closure(entity)).primary().interface
        return iface, getattr(entity, "python_interface", None)
    rec = run.record()
    found = _deployed.find(run._engine, rec.project, rec.domain, task, None)
    if found is not None:
        return ClosureIndex(found.load_closure(run._engine)).primary().interface, None
    return None, None


def python_values(lits: dict[str, Any] | None, iface: Any, py: Any, which: str) -> dict[str, Any]:
    """Python values of ``lits`` (the literals themselves when the types are unknown)."""
    if lits is None:
        return {}
    if iface is None:
        return dict(lits)
    from flytelike.engine import literals_to_python

    return literals_to_python(lits, iface, py, which)


def typed_values(
    lits: dict[str, Any],
    types: dict[str, type],
    deserializers: Deserializers | None,
    where: str,
) -> dict[str, Any]:
    """The values of ``lits`` named in ``types``, each read as its type (see the module
    docstring for ``deserializers``)."""
    import typesystem

    if not isinstance(types, dict):
        raise TypeError(f"{where}(types=...): expected a dict of name -> type, got {types!r}")
    reg = typesystem.default_registry()
    custom = dict(deserializers or {})
    out: dict[str, Any] = {}
    for name, lit in lits.items():
        if name not in types:
            continue
        py = types[name]
        if py in custom:
            out[name] = custom[py](reg.to_python(lit, dict))
        else:
            out[name] = reg.to_python(lit, py)
    return out


def _record(run: Any, action_id: str) -> Any:
    for rec in run.actions():
        if rec.action_id == action_id:
            return rec
    raise RuntimeUserError("ActionNotFound", f"run {run.name} has no action {action_id!r}")


class ActionDetails:
    """One action's record, error and values (see the module docstring)."""

    def __init__(self, run: Any, record: Any) -> None:
        self._run = run
        self.pb2 = record  # (flyte's name for the underlying record)

    name = property(lambda self: self.pb2.action_id)
    run_name = property(lambda self: self._run.name)
    task_name = property(lambda self: self.pb2.name)
    parent_name = property(lambda self: self.pb2.parent or None)
    phase = property(lambda self: _phase(self.pb2.phase))
    raw_phase = property(lambda self: self.pb2.phase)
    attempts = property(lambda self: self.pb2.attempts)
    error_info = property(lambda self: self.pb2.error)

    @property
    def error_message(self) -> str:
        err = self.pb2.error
        return str(err.message) if err is not None else ""

    @property
    def runtime(self) -> timedelta:
        start = self.pb2.started_at or self.pb2.queued_at or time.time()
        return timedelta(seconds=max((self.pb2.ended_at or time.time()) - start, 0.0))

    def done(self) -> bool:
        return bool(self.phase.is_terminal)

    def _literals(self, which: str) -> dict[str, Any]:
        store = self._run._engine.store
        store.flush()
        return dict(store.action_literals(self._run.name, self.name, which) or {})

    def _values(self, which: str) -> dict[str, Any]:
        iface, py = task_types(self._run, self.task_name)
        return python_values(self._literals(which), iface, py, which)

    def _outputs(self) -> Any:
        values = self._values("outputs")
        if not values:
            return ActionOutputs((None,), ("o0",))
        return ActionOutputs(tuple(values.values()), tuple(values))

    def _typed(
        self, which: str, types: dict[str, type], deserializers: Deserializers | None
    ) -> dict[str, Any]:
        return typed_values(self._literals(which), types, deserializers, f"typed_{which}")

    async def input_literals(self) -> dict[str, Any]:
        return self._literals("inputs")

    async def output_literals(self) -> dict[str, Any]:
        return self._literals("outputs")

    async def inputs(self) -> dict[str, Any]:
        return self._values("inputs")

    async def outputs(self) -> Any:
        return self._outputs()

    async def typed_inputs(
        self, types: dict[str, type], deserializers: Deserializers | None = None
    ) -> dict[str, Any]:
        return self._typed("inputs", types, deserializers)

    async def typed_outputs(
        self, types: dict[str, type], deserializers: Deserializers | None = None
    ) -> dict[str, Any]:
        return self._typed("outputs", types, deserializers)

    def __repr__(self) -> str:
        return (
            f"ActionDetails(run={self.run_name!r}, name={self.name!r}, "
            f"task={self.task_name!r}, phase={self.phase.value!r}, attempts={self.attempts})"
        )


class RunDetails:
    """A run's record and its root action's details."""

    def __init__(self, run: Any, root: Any) -> None:
        self._run = run
        self.pb2 = run.record()
        self.action_details = ActionDetails(run, root)

    name = property(lambda self: self._run.name)
    task_name = property(lambda self: self.pb2.entity)

    def done(self) -> bool:
        return bool(_phase(self.pb2.phase).is_terminal)

    async def inputs(self) -> dict[str, Any]:
        return await self.action_details.inputs()

    async def outputs(self) -> Any:
        return await self.action_details.outputs()

    async def input_literals(self) -> dict[str, Any]:
        return await self.action_details.input_literals()

    async def output_literals(self) -> dict[str, Any]:
        return await self.action_details.output_literals()

    async def typed_inputs(
        self, types: dict[str, type], deserializers: Deserializers | None = None
    ) -> dict[str, Any]:
        return await self.action_details.typed_inputs(types, deserializers)

    async def typed_outputs(
        self, types: dict[str, type], deserializers: Deserializers | None = None
    ) -> dict[str, Any]:
        return await self.action_details.typed_outputs(types, deserializers)

    def __repr__(self) -> str:
        return f"RunDetails(name={self.name!r}, task={self.task_name!r}, phase={self.pb2.phase!r})"


def log_lines(run: Any, action_id: str, attempt: int | None, show_ts: bool) -> list[str]:
    """The lines attempt ``attempt`` (default: the latest that printed) of ``action_id``
    printed."""
    if show_ts:
        raise NotProvidedError(
            "get_logs(show_ts=True): a local run keeps what each attempt printed, without the "
            "time of each line; call it without show_ts",
            module="flyte.remote",
        )
    logs = [log for log in run.logs(action_id) if log.action_id == action_id]
    if attempt:
        logs = [log for log in logs if log.attempt == attempt]
    elif logs:
        latest = max(log.attempt for log in logs)
        logs = [log for log in logs if log.attempt == latest]
    return "".join(log.text for log in logs).splitlines()


class _LogLines:
    """``get_logs(...)``: an iterator of lines; ``get_logs.aio(...)``: an async iterator."""

    def __init__(self, lines: Callable[..., list[str]]) -> None:
        self._lines = lines

    def __call__(self, *args: Any, **kwargs: Any) -> Iterator[str]:
        return iter(self._lines(*args, **kwargs))

    async def aio(self, *args: Any, **kwargs: Any) -> AsyncIterator[str]:
        for line in await asyncio.to_thread(self._lines, *args, **kwargs):
            yield line


class ActionView:
    """An action of a local run as flyte 2's ``flyte.remote.Action`` (see the module
    docstring)."""

    def __init__(self, run: Any, record: Any) -> None:
        self._run = run
        self.pb2 = record

    name = property(lambda self: self.pb2.action_id)
    run_name = property(lambda self: self._run.name)
    task_name = property(lambda self: self.pb2.name)
    parent_name = property(lambda self: self.pb2.parent or None)
    group = property(lambda self: self.pb2.group)
    attempts = property(lambda self: self._refresh().pb2.attempts)

    @property
    def phase(self) -> Any:
        return _phase(self._refresh().pb2.phase)

    @property
    def raw_phase(self) -> str:
        return str(self._refresh().pb2.phase)

    @property
    def start_time(self) -> datetime:
        ts = self.pb2.started_at or self.pb2.queued_at or time.time()
        return datetime.fromtimestamp(ts, UTC)

    def done(self) -> bool:
        return bool(self.phase.is_terminal)

    def _refresh(self) -> ActionView:
        self.pb2 = _record(self._run, self.pb2.action_id)
        return self

    def _wait(self, wait_for: str) -> None:
        if wait_for not in ("terminal", "running"):
            raise ValueError(f"wait(wait_for={wait_for!r}): use 'terminal' or 'running'")
        while True:
            phase = self.phase
            if phase.is_terminal or (wait_for == "running" and phase.value != "queued"):
                return
            if self._run.done:  # (its actions' last phases may land just after)
                grace = time.monotonic() + 2.0
                while not self.phase.is_terminal and time.monotonic() < grace:
                    time.sleep(_WATCH_POLL)
                return
            time.sleep(_WATCH_POLL)

    async def wait(self, quiet: bool = False, wait_for: str = "terminal") -> None:
        """Wait until the action has ended (``wait_for="running"``: has started); a coroutine,
        as flyte's ``Action.wait``. Unless ``quiet``, says how an ended action ended."""
        await asyncio.to_thread(self._wait, wait_for)
        if not quiet and self.done():
            if self.pb2.phase == "SUCCEEDED":
                print(f"Action '{self.name}' in run '{self.run_name}' completed successfully.")
            else:
                err = self.pb2.error
                print(
                    f"Action '{self.name}' in run '{self.run_name}' exited unsuccessfully in "
                    f"state {self.phase.value}: {err.message if err is not None else ''}"
                )

    async def sync(self) -> ActionView:
        """The action with its latest record; a coroutine, as flyte's ``Action.sync``."""
        return await asyncio.to_thread(self._refresh)

    async def details(self) -> ActionDetails:
        """The action's ``ActionDetails`` now; a coroutine, as flyte's ``Action.details``."""
        return await asyncio.to_thread(self._details)

    def _details(self) -> ActionDetails:
        return ActionDetails(self._run, self._refresh().pb2)

    @aio_method
    def abort(self, reason: str = "Manually aborted from the SDK.") -> None:
        """Abort the action (nothing when it has ended)."""
        if not self.done():
            self._run.abort(self.name, reason)

    @aio_method
    def get_report(self, attempt: int | None = None) -> str:
        return action_report(self._run, self.name, attempt)

    @property
    def get_logs(self) -> _LogLines:
        def lines(
            attempt: int | None = None, filter_system: bool = False, show_ts: bool = False
        ) -> list[str]:
            return log_lines(self._run, self.name, attempt, show_ts)

        return _LogLines(lines)

    @aio_method
    def show_logs(
        self,
        attempt: int | None = None,
        max_lines: int = 100,
        show_ts: bool = False,
        raw: bool = False,
        filter_system: bool = False,
    ) -> None:
        """Print the last ``max_lines`` lines the action printed."""
        lines = log_lines(self._run, self.name, attempt, show_ts)
        for line in lines[-max_lines:] if max_lines > 0 else lines:
            print(line)

    async def watch(self, cache_data_on_done: bool = False) -> AsyncIterator[ActionDetails]:
        """``ActionDetails`` each time the action's phase changes, until it has ended."""
        last = None
        run_ended: float | None = None
        while True:
            rec = await asyncio.to_thread(_record, self._run, self.name)
            self.pb2 = rec
            if rec.phase != last:
                last = rec.phase
                yield ActionDetails(self._run, rec)
            if _phase(rec.phase).is_terminal:
                return
            if run_ended is None and self._run.done:
                run_ended = time.monotonic()
            if run_ended is not None and time.monotonic() - run_ended > 2.0:
                return  # (the run ended without running this action to an end)
            await asyncio.sleep(_WATCH_POLL)

    def __repr__(self) -> str:
        return (
            f"Action(run={self.run_name!r}, name={self.name!r}, task={self.task_name!r}, "
            f"phase={self.phase.value!r})"
        )


class RunViews:
    """What ``V2Run`` adds for flyte 2's run handle (see the module docstring); the host is a
    ``flytelike.engine.Run``."""

    def _root_record(self) -> Any:
        """The root action's record; a run started with ``wait=False`` records it just after
        it starts, so until the run has ended this waits for it."""
        while True:
            recs: list[Any] = self.actions()  # type: ignore[attr-defined]
            root = next((a for a in recs if not a.parent), None)
            if root is not None or self.done:  # type: ignore[attr-defined]
                break
            time.sleep(_WATCH_POLL)
        if root is None:
            raise RuntimeUserError(
                "ActionNotFound",
                f"run {self.name} has no recorded actions yet",  # type: ignore[attr-defined]
            )
        return root

    @property
    def action(self) -> ActionView:
        """The run's root action."""
        return ActionView(self, self._root_record())

    @property
    def raw_phase(self) -> str:
        """The run's phase as the engine names it (``"SUCCEEDED"``, ...)."""
        return str(self.engine_phase.value)  # type: ignore[attr-defined]

    def sync(self) -> Any:
        """The run itself: a local run's handle always reads the store."""
        return self

    @aio_method
    def details(self) -> RunDetails:
        return RunDetails(self, self._root_record())

    def _root_details(self) -> ActionDetails:
        return ActionDetails(self, self._root_record())

    @aio_method
    def first_failure(self) -> ActionDetails | None:
        recs: list[Any] = self.actions()  # type: ignore[attr-defined]
        failed = sorted(
            (a for a in recs if _phase(a.phase).value == "failed"),
            key=lambda a: a.queued_at or 0.0,
        )
        child = next((a for a in failed if a.parent), None)
        pick = child if child is not None else (failed[0] if failed else None)
        return ActionDetails(self, pick) if pick is not None else None

    @aio_method
    def input_literals(self) -> dict[str, Any]:
        return self._root_details()._literals("inputs")

    @aio_method
    def typed_inputs(
        self, types: dict[str, type], deserializers: Deserializers | None = None
    ) -> dict[str, Any]:
        return self._root_details()._typed("inputs", types, deserializers)

    @aio_method
    def typed_outputs(
        self, types: dict[str, type], deserializers: Deserializers | None = None
    ) -> dict[str, Any]:
        return self._root_details()._typed("outputs", types, deserializers)

    @property
    def get_logs(self) -> _LogLines:
        """The root action's ``get_logs``."""
        return self.action.get_logs

    @aio_method
    def show_logs(
        self,
        attempt: int | None = None,
        max_lines: int = 100,
        show_ts: bool = False,
        raw: bool = False,
        filter_system: bool = False,
    ) -> None:
        self.action.show_logs(attempt, max_lines, show_ts, raw, filter_system)

    async def watch(self, cache_data_on_done: bool = False) -> AsyncIterator[ActionDetails]:
        """The root action's ``watch`` (a run started with ``wait=False`` may not have
        recorded its root action yet: watched from when it has)."""
        root = await asyncio.to_thread(self._root_record)
        async for details in ActionView(self, root).watch(cache_data_on_done):
            yield details

    @aio_method
    def get_debug_url(self) -> str | None:
        raise NotProvidedError(
            "run.get_debug_url(): flyte 2 opens a VS Code debugger in the task's pod; a local "
            "run runs in this process: debug it with your IDE or pdb",
            module="flyte.remote",
        )

    @aio_method
    def code_bundle(self) -> None:
        """``None``: a local run runs the code of this machine, not a shipped bundle (flyte's
        answer for a run without one)."""
        return None

    @aio_method
    def download_code(self, *args: Any, **kwargs: Any) -> Any:
        raise NotProvidedError(
            "run.download_code(): a local run ships no code bundle; its code is your working tree",
            module="flyte.remote",
        )
