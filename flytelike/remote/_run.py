"""flyte 2's ``flyte.remote.Run`` and ``Action``, reading the local run store.

- ``Run.get(name)`` (``RunNotFoundError`` when there is none) and ``Run.listall(in_phase=None,
  task_name=None, sort_by=None, limit=100, project=None, domain=None, created_at=None,
  updated_at=None, paused_actions_only=False)``: the runs of the namespace (``project``/
  ``domain``, else ``init``'s, else the configuration's), oldest first unless
  ``sort_by=("created_at", "desc")``; ``in_phase`` takes ``ActionPhase``s or phase names
  (``"succeeded"``, ``"failed"``, ...), ``task_name`` the run's entity, ``created_at``/
  ``updated_at`` a ``TimeFilter`` (``_filters``), ``paused_actions_only`` keeps runs with a
  gate or condition waiting for a signal. Runs record no creator, task version or labels
  locally, so ``created_by_subject``, ``task_version``, ``with_labels`` and
  ``with_label_keys`` raise ``NotSupportedLocallyError``.
- A ``Run``: ``name``, ``phase`` (a ``flytelike.models.ActionPhase``), ``raw_phase`` (the
  engine's), ``project``, ``domain``, ``url`` (the run's folder), ``done()``, ``sync()``,
  ``wait(quiet=False, wait_for="terminal")`` (``"running"``: until it runs or ended; prints how
  it ended unless ``quiet``), ``inputs()`` (``ActionInputs``, a dict), ``outputs()``
  (``ActionOutputs``, flyte's tuple; a failed run raises as ``flytelike.run``'s ``Run`` does),
  ``details()`` (``RunDetails``: its ``inputs()``/``outputs()`` are coroutines, as flyte's),
  ``abort()`` (nothing when it already ended), ``action``
  (its root ``Action``), and, as ``flytelike.run``'s run (``flytelike._v2.run_view``),
  ``get_logs``, ``show_logs``, ``typed_inputs``, ``typed_outputs``, ``first_failure`` and
  ``watch``.
- ``Action.get(uri=None, /, run_name=None, name=None)``, ``Action.listall(for_run_name,
  in_phase=None, parent_name=None, sort_by=None, created_at=None, updated_at=None)``: the
  actions of a run by start, filtered as ``Run.listall``'s and by parent action (``filters=``,
  server-side expressions of older flyte releases: ``NotSupportedLocallyError``). An
  ``Action``: ``name`` (its action id), ``run_name``, ``task_name``, ``phase``, ``raw_phase``,
  ``attempts``, ``group``, ``parent``, ``done()``, and as in flyte the coroutines
  ``wait(...)``, ``details()`` (``ActionDetails``, the class ``flytelike.run``'s run views use:
  ``inputs()`` and ``outputs()`` are coroutines and ``runtime`` a ``timedelta``), ``watch()``
  and ``sync()``; ``abort()``, ``get_report()``, ``get_logs()``, ``show_logs()`` (also
  ``.aio``).

Every method that reads also has ``.aio`` (``await Run.get.aio(name)``; ``async for r in
Run.listall.aio()``).
"""

from __future__ import annotations

import time
from collections import UserDict
from collections.abc import Iterator
from typing import Any

from flytelike._v2.run_view import ActionView, RunDetails
from flytelike.remote._errors import NotSupportedLocallyError
from flytelike.remote._filters import TimeFilter
from flytelike.remote._filters import check as check_time
from flytelike.remote._sync import class_listing, class_sync_and_aio, sync_and_aio


class ActionInputs(UserDict[str, Any]):
    """The inputs of a run or action by name, as Python values."""


def _engine() -> Any:
    from flytelike.engine import default_engine

    return default_engine()


def _phase(engine_phase: str) -> Any:
    from flytelike.ir import ActionPhase

    return ActionPhase.from_engine_phase(engine_phase)


class Action(ActionView):
    """One action of a run (see the module docstring): the run views' ``ActionView``
    (``details()``, ``wait()``, ``watch()`` and ``sync()`` are coroutines, as flyte's) found by
    ``get`` and ``listall``."""

    def __init__(self, run: Any, record: Any) -> None:
        from flytelike._v2.run import _as_v2

        super().__init__(_as_v2(run), record)

    parent = property(lambda self: self.pb2.parent)

    @class_sync_and_aio
    def get(
        cls: type[Action],
        uri: str | None = None,
        /,
        run_name: str | None = None,
        name: str | None = None,
    ) -> Action:
        if uri is not None and (run_name is None or name is None):
            run_name, _, name = uri.rstrip("/").rpartition("/")
        if not run_name or not name:
            raise ValueError("Action.get needs run_name= and name= (or a 'RUN/ACTION' uri)")
        run = _engine().get_run(run_name)
        for rec in run.actions():
            if rec.action_id == name:
                return cls(run, rec)
        from flytelike.engine import RunNotFoundError

        raise RunNotFoundError(f"run {run_name} has no action {name!r}")

    @class_listing
    def listall(
        cls: type[Action],
        for_run_name: str,
        in_phase: tuple[Any, ...] | None = None,
        parent_name: str | None = None,
        sort_by: tuple[str, str] | None = None,
        created_at: TimeFilter | None = None,
        updated_at: TimeFilter | None = None,
        filters: str | None = None,
    ) -> Iterator[Action]:
        if filters:
            raise NotSupportedLocallyError(
                "Action.listall(filters=...) takes server-side filter expressions; locally "
                "use in_phase=, parent_name=, created_at= or updated_at=, or filter in Python"
            )
        desc = _order(sort_by, "Action.listall") == "desc"
        created = check_time(created_at, "Action.listall(created_at=...)")
        updated = check_time(updated_at, "Action.listall(updated_at=...)")
        phases = _phases(in_phase, "Action.listall")
        run = _engine().get_run(for_run_name)
        recs = [
            a
            for a in run.actions()
            if (phases is None or _phase(a.phase) in phases)
            and (parent_name is None or a.parent == parent_name)
            and (created is None or created.matches(a.queued_at))
            and (updated is None or updated.matches(_updated(a)))
        ]
        recs.sort(key=lambda a: a.queued_at or 0.0, reverse=desc)
        return iter([cls(run, r) for r in recs])


def _phases(in_phase: tuple[Any, ...] | None, where: str) -> set[Any] | None:
    """The ``ActionPhase``s named by ``in_phase`` (``ActionPhase``s or names such as
    ``"succeeded"``); ``None`` for all."""
    if not in_phase:
        return None
    from flytelike.ir import ActionPhase

    found = set()
    for p in (in_phase,) if isinstance(in_phase, str) else in_phase:
        try:
            found.add(ActionPhase(str(getattr(p, "value", p)).lower()))
        except ValueError:
            names = ", ".join(a.value for a in ActionPhase)
            raise ValueError(f"{where}(in_phase=...): {p!r} is not a phase ({names})") from None
    return found


def _updated(rec: Any) -> float | None:
    """When a run or action was last recorded: ended, else started, else created/queued."""
    when = rec.ended_at or rec.started_at or getattr(rec, "created_at", None) or rec.queued_at
    return float(when) if when is not None else None


def _paused(engine: Any, run_name: str) -> bool:
    """Whether run ``run_name`` has a gate or condition waiting for a human (a signal)."""
    return any(g[4] == "WAITING" for g in engine.store.gates(run_name))


def _order(sort_by: tuple[str, str] | None, where: str) -> str:
    key, order = sort_by or ("created_at", "asc")
    if key != "created_at" or order not in ("asc", "desc"):
        raise ValueError(
            f"{where}(sort_by={sort_by!r}): locally only ('created_at', 'asc') or "
            "('created_at', 'desc')"
        )
    return order


def _wait(run: Any, quiet: bool, wait_for: str, phase: Any) -> None:
    if wait_for not in ("terminal", "running"):
        raise ValueError(f"wait(wait_for={wait_for!r}): expected 'terminal' or 'running'")
    from flytelike.engine import WorkflowPhase

    terminal = {p.value for p in WorkflowPhase if p.is_terminal}
    while True:
        now = str(phase())
        if now in terminal or (wait_for == "running" and now == "RUNNING"):
            break
        time.sleep(0.05)
    if not quiet and now in terminal:
        if now == "SUCCEEDED":
            print(f"Run '{run.name}' completed successfully.")
        else:
            err = run.record().error
            print(
                f"Run '{run.name}' exited unsuccessfully in state {_phase(now).value} with "
                f"error: {err.message if err is not None else ''}"
            )


class Run:
    """A recorded run (see the module docstring)."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle

    @class_sync_and_aio
    def get(cls: type[Run], name: str) -> Run:
        return cls(_engine().get_run(name))

    @class_listing
    def listall(
        cls: type[Run],
        in_phase: tuple[Any, ...] | None = None,
        task_name: str | None = None,
        task_version: str | None = None,
        created_by_subject: str | None = None,
        sort_by: tuple[str, str] | None = None,
        limit: int = 100,
        project: str | None = None,
        domain: str | None = None,
        created_at: TimeFilter | None = None,
        updated_at: TimeFilter | None = None,
        with_labels: dict[str, str] | None = None,
        with_label_keys: list[str] | None = None,
        paused_actions_only: bool = False,
    ) -> Iterator[Run]:
        for given, what in (
            (created_by_subject, "created_by_subject=...): local runs record no creator"),
            (task_version, "task_version=...): local runs record no task version"),
            (with_labels, "with_labels=...): local runs record no labels"),
            (with_label_keys, "with_label_keys=...): local runs record no labels"),
        ):
            if given is not None:
                raise NotSupportedLocallyError(f"Run.listall({what}; list without it")
        from flytelike.remote._task import _namespace

        desc = _order(sort_by, "Run.listall") == "desc"
        created = check_time(created_at, "Run.listall(created_at=...)")
        updated = check_time(updated_at, "Run.listall(updated_at=...)")
        project, domain = _namespace(project, domain)
        engine = _engine()
        phases = _phases(in_phase, "Run.listall")
        recs = [
            r
            for r in engine.list_runs(-1, None, None, project, domain)  # (newest first)
            if (phases is None or _phase(r.phase) in phases)
            and (task_name is None or r.entity == task_name)
            and (created is None or created.matches(r.created_at))
            and (updated is None or updated.matches(_updated(r)))
            and (not paused_actions_only or _paused(engine, r.name))
        ]
        recs.sort(key=lambda r: r.created_at, reverse=desc)
        return iter([cls(engine.get_run(r.name)) for r in recs[: max(limit, 0)]])

    name = property(lambda self: self._handle.name)
    url = property(lambda self: self._handle.url)

    @property
    def phase(self) -> Any:
        return _phase(self._handle.phase.value)

    @property
    def raw_phase(self) -> Any:
        return self._handle.phase

    @property
    def project(self) -> str:
        return str(self._handle.record().project)

    @property
    def domain(self) -> str:
        return str(self._handle.record().domain)

    @property
    def action(self) -> Action:
        recs = self._handle.actions()
        root = next((a for a in recs if not a.parent), None)
        if root is None:
            raise NotSupportedLocallyError(f"run {self.name} has no recorded actions yet")
        return Action(self._handle, root)

    def done(self) -> bool:
        return bool(self._handle.phase.is_terminal)

    def sync(self) -> Run:
        return self

    @sync_and_aio
    def wait(self, quiet: bool = False, wait_for: str = "terminal") -> None:
        _wait(self._handle, quiet, wait_for, lambda: self._handle.phase.value)

    @sync_and_aio
    def details(self) -> RunDetails:
        return RunDetails(self._handle, self.action.pb2)

    @sync_and_aio
    def inputs(self) -> ActionInputs:
        return ActionInputs(self._handle.inputs())

    def _v2(self) -> Any:
        from flytelike._v2.run import _as_v2

        return _as_v2(self._handle)

    @property
    def get_logs(self) -> Any:
        """The root action's log lines (``flytelike._v2.run_view``)."""
        return self._v2().get_logs

    @sync_and_aio
    def show_logs(
        self,
        attempt: int | None = None,
        max_lines: int = 100,
        show_ts: bool = False,
        raw: bool = False,
        filter_system: bool = False,
    ) -> None:
        self._v2().show_logs(attempt, max_lines, show_ts, raw, filter_system)

    @sync_and_aio
    def typed_inputs(self, types: dict[str, type], deserializers: Any = None) -> dict[str, Any]:
        return self._v2().typed_inputs(types, deserializers)  # type: ignore[no-any-return]

    @sync_and_aio
    def typed_outputs(self, types: dict[str, type], deserializers: Any = None) -> dict[str, Any]:
        return self._v2().typed_outputs(types, deserializers)  # type: ignore[no-any-return]

    @sync_and_aio
    def first_failure(self) -> Any:
        return self._v2().first_failure()

    def watch(self, cache_data_on_done: bool = False) -> Any:
        """``async for details in run.watch()``: the root action's phase changes."""
        return self._v2().watch(cache_data_on_done)

    @sync_and_aio
    def get_report(self, attempt: int | None = None) -> str:
        """The HTML report of the run's root action."""
        return self.action.get_report(attempt)  # type: ignore[no-any-return]

    @sync_and_aio
    def outputs(self) -> Any:
        from flytelike._v2.run import _as_v2

        return _as_v2(self._handle).outputs()

    @sync_and_aio
    def abort(self) -> None:
        if not self.done():
            from flytelike.engine import AbortError

            try:
                self._handle.abort()
            except AbortError:
                if not self._handle.phase.is_terminal:
                    raise  # (it ended meanwhile: nothing to do, as flyte)

    def __repr__(self) -> str:
        return (
            f"Run(name={self.name!r}, phase={self.phase.value!r}, project={self.project!r}, "
            f"domain={self.domain!r})"
        )
