"""``run``, ``with_runcontext``, ``init`` and ``init_from_config`` (one ``run`` for both styles).

``run(entity, *args, **inputs)`` runs a v2 task, a v1 task, a workflow or a launch plan through
the engine and returns a ``Run`` (``.name``, ``.phase``, ``.wait()``, ``.url``: the run's local
directory as a ``file://`` URI) whose ``.outputs()`` are ``ActionOutputs``, flyte's tuple of
outputs, which with a single output also compares equal to it. Positional arguments map to
inputs in signature order. Inputs that cannot be converted raise at once (nothing runs); a run
that fails raises, as a local flyte run does, the error a parent task would see (e.g.
``flyte.errors.RuntimeUserError`` with ``code="ValueError"``), carrying the run's name in
``run_name``. ``run`` works without ``init`` and from inside a running event loop. Left uncaught in a
script, its error prints as flyte's does (``flytelike._v2.excepthook``).
Every task call made inside a running task of the run is a recorded child action (see
``run.actions()``), with the run's custom context and the caller's group.

``with_runcontext(custom_context=, raw_data_path=, overwrite_cache=, max_action_concurrency=,
env_vars=, name=, mode=, backend=, ...)`` returns a ``RunContext`` whose ``.run`` applies those
settings. ``backend`` names an executor backend (``"ray"`` with ``flytelike-ray`` installed): the
run goes to an engine configured like the default one but with that backend (one per backend
name and options per process). ``backend_options={...}`` (also a run option of ``run``) are the
backend's options (``flytelike.backends._options``), over ``FLYTELIKE_BACKEND_OPTIONS``; with
them and no ``backend`` they apply to the configured backend; an option the backend does not
take raises ``ConfigurationError`` naming it and the known ones.
The settings of the run's project and domain (``flytelike.remote.Settings``) give what the run
does not set: ``storage.raw_data_path``, ``run.max_action_concurrency`` and
``environment_variables`` (under ``env_vars``; ``flytelike._v2.settings``).
``project=``/``domain=`` put the run (and its cache entries: a hit never crosses projects or
domains) in that namespace; unset, the run takes ``init``'s, else the configuration's
(``FLYTELIKE_PROJECT``/``FLYTELIKE_DOMAIN``, ``[tool.flytelike]``), else ``flytesnacks``/
``development`` (``flytelike.engine._namespace``); tasks read them with ``current_project()``/
``current_domain()``.
``run``, ``with_runcontext(...).run`` and a run's ``wait``, ``outputs``, ``inputs``, ``abort`` and
``raise_for_status`` also have flyte's async form (``await flyte.run.aio(task, ...)``,
``await run.wait.aio()``; ``flytelike._v2.syncify``); ``run.done`` is a truth value that can also
be called, as flyte's ``done()``.
``mode`` (also the first positional argument of ``with_runcontext``, as in flyte) is ``"local"``
(the default), ``"remote"`` or ``"hybrid"``: flytelike has no remote control plane, so all three
run on the local engine, recorded in the local run store that ``flytelike.remote`` reads (a
program written for a cluster runs unchanged: ``run.url``, ``run.wait()``, ``run.outputs()``,
``flyte.remote.Run.get(run.name)`` all answer); anything else raises ``ValueError``. Upstream options that only matter to a remote backend
(``labels``, ``annotations``, ``service_account``, ``version``, ``copy_style``, ``queue``, ...)
are accepted and ignored; unknown keywords raise ``TypeError``.

``run(entity, ..., wait=False)`` starts the run in the background and returns its ``Run`` at
once (``.wait()``, ``.events()``, ``.signal(...)``; a failure shows in ``.error`` and raises from
``.outputs()``); ``on_event=callback`` receives every ``PhaseEvent`` of the run;
``raw_data_path=`` sets where offloaded data goes for this run (as ``with_runcontext``'s). These
three are run options only when the entity has no input of that name (then the keyword is the
input, as in flyte; use ``flytelike.engine.run(entity, inputs={...}, wait=False)``).

``init(...)`` and ``init_from_config(...)`` live in ``flytelike._v2.init`` (re-exported here): they
record the project and domain runs default to; flytelike always runs on the local engine
configured by ``FLYTELIKE_*`` environment variables.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flytelike._v2.init import init, init_from_config
from flytelike._v2.run_view import ActionOutputs, RunViews, action_report
from flytelike._v2.syncify import aio_method, with_aio
from flytelike.engine import Run
from flytelike.errors import ArgumentError, RuntimeUserError

_IGNORED = frozenset(
    {
        "labels", "annotations", "service_account", "version",
        "copy_style", "dry_run", "interactive_mode", "run_base_dir", "disable_run_cache",
        "cache_lookup_scope", "interruptible", "log_level", "log_format", "queue",
        "notifications", "preserve_original_types", "debug", "metadata_path",
    }
)  # fmt: skip


class RunContext:
    """Settings for runs started with ``.run(entity, *args, **inputs)``."""

    def __init__(
        self,
        mode: str | None = None,
        *,
        name: str | None = None,
        custom_context: dict[str, str] | None = None,
        raw_data_path: str | None = None,
        overwrite_cache: bool = False,
        max_action_concurrency: int | None = None,
        env_vars: dict[str, str] | None = None,
        backend: str | None = None,
        backend_options: Mapping[str, Any] | None = None,
        project: str | None = None,
        domain: str | None = None,
        run_start_time: datetime | None = None,
        **ignored: Any,
    ) -> None:
        unknown = set(ignored) - _IGNORED
        if unknown:
            raise TypeError(f"with_runcontext: unknown parameter(s) {', '.join(sorted(unknown))}")
        if ignored.get("notifications") is not None:  # checked, though nothing sends them locally
            from flytelike._settings.notify import check_notifications

            check_notifications(ignored["notifications"], "with_runcontext")
        if mode not in (None, "local", "hybrid", "remote"):
            raise ValueError(
                f"with_runcontext(mode={mode!r}): mode is 'local', 'remote' or 'hybrid' (all run "
                "on flytelike's local engine), or unset"
            )
        if run_start_time is not None and not isinstance(run_start_time, datetime):
            raise TypeError(
                f"with_runcontext: run_start_time must be a datetime, got {run_start_time!r}"
            )
        self.run_start_time = run_start_time
        self.name = name
        self.custom_context = {str(k): str(v) for k, v in (custom_context or {}).items()}
        self.raw_data_path = raw_data_path
        self.overwrite_cache = overwrite_cache
        self.max_action_concurrency = max_action_concurrency
        self.env_vars = dict(env_vars or {})
        self.backend = backend
        self.backend_options = dict(backend_options or {})
        from flytelike.engine import check_namespace_name as check_name  # (one rule: the engine's)

        where = "with_runcontext"
        self.project = None if project is None else check_name(project, "project", where)
        self.domain = None if domain is None else check_name(domain, "domain", where)

    @aio_method
    def run(self, entity: Any, /, *args: Any, **inputs: Any) -> Any:
        """Run ``entity``; see the module docstring for ``wait``, ``on_event`` and
        ``raw_data_path`` (taken as run options unless ``entity`` has an input of that name)."""
        from flytelike._entities.calls import task_environment
        from flytelike._v2 import excepthook as _excepthook
        from flytelike._v2 import settings as _settings
        from flytelike._v2.context import forget_run, set_run_context, set_run_start
        from flytelike._v2.init import initialized
        from flytelike._v2.raw_data import pin_run
        from flytelike.engine import (
            ClosureIndex,
            default_engine,
            inputs_to_literals,
            new_run_name,
            resolve_namespace,
            to_closure,
        )
        from flytelike.ir import LaunchPlanTemplate

        _excepthook.install()  # an uncaught run error prints as a local flyte run's does
        opts = run_options(entity, inputs)  # (before positional inputs join the keywords)
        if args:
            if getattr(entity, "python_interface", None) is None:
                raise ArgumentError(
                    f"run: {entity!r} takes keyword inputs only", entity=repr(entity)
                )
            from flytelike.compiler import map_arguments

            inputs = map_arguments(entity, args, inputs)
        wait = bool(opts.get("wait", True))
        user_cb = opts.get("on_event")
        options = {**self.backend_options, **dict(opts.get("backend_options") or {})}
        if self.backend is None and not options:
            engine = default_engine()
        else:
            engine = _engine_for(self.backend, options)
        closure = to_closure(entity)
        primary = ClosureIndex(closure).primary()
        py_iface = getattr(entity, "python_interface", None)
        lp = primary if isinstance(primary, LaunchPlanTemplate) else None
        inputs = _artifact_inputs(py_iface, inputs)
        literals = inputs_to_literals(primary.id.name, primary.interface, py_iface, inputs, lp)
        name = self.name or new_run_name()
        set_run_start(name, self.run_start_time or datetime.now(UTC))
        if self.custom_context:
            set_run_context(name, self.custom_context)
        raw_data_path = opts.get("raw_data_path") or self.raw_data_path
        if raw_data_path:
            pin_run(name)  # (ctx().raw_data_path is this path, not a run folder under it)
        project, domain = resolve_namespace(
            self.project or initialized()[0],
            self.domain or initialized()[1],
            engine.config.namespace,
            "flytelike.run",
        )
        applied = _settings.for_run(project, domain)  # (flytelike.remote.Settings of the scope)
        raw_data_path = raw_data_path or applied.get("storage.raw_data_path")
        max_parallelism = self.max_action_concurrency
        if max_parallelism is None:
            max_parallelism = applied.get("run.max_action_concurrency")
        env_vars = {**applied.get("environment_variables", {}), **self.env_vars}

        def on_event(event: Any) -> None:
            if user_cb is not None:
                user_cb(event)
            if event.kind == "run" and event.phase.is_terminal:
                forget_run(name)  # a background run has ended

        try:
            with task_environment(env_vars):
                run = engine.run_literals(
                    closure,
                    literals,
                    name=name,
                    wait=wait,
                    overwrite_cache=self.overwrite_cache or None,
                    raw_data_path=raw_data_path,
                    max_parallelism=max_parallelism,
                    on_event=on_event if (user_cb is not None or not wait) else None,
                    py_iface=py_iface,
                    project=project,
                    domain=domain,
                )
        finally:
            if wait:
                forget_run(name)  # the run has ended (run_literals waits)
        if not wait:
            return _as_v2(run)  # not ended yet: its error shows in .wait().error / .outputs()
        return _finished(run)


class _Done:
    """``run.done``: a truth value that can also be called (flyte's ``done()`` is a method)."""

    __slots__ = ("_value",)

    def __init__(self, value: bool) -> None:
        self._value = value

    def __bool__(self) -> bool:
        return self._value

    def __call__(self) -> bool:
        return self._value

    def __eq__(self, other: object) -> bool:
        return bool(self._value) == other

    def __hash__(self) -> int:
        return hash(self._value)

    def __repr__(self) -> str:
        return repr(self._value)


class V2Run(RunViews, Run):
    """A ``Run`` as flyte 2 shows one: ``outputs()`` are ``ActionOutputs`` (``(None,)``, named
    ``o0``, for a task without outputs, as flyte), ``phase`` is a
    ``flytelike.models.ActionPhase`` and ``repr()`` lists the fields flyte's ``Run`` prints
    (url, labels, name, task name, type, action name, start/end/run time, phase, group,
    parent, related to, attempts). ``engine_phase`` is the engine's ``WorkflowPhase``. flyte's
    ``action``, ``details()``, ``first_failure()``, ``get_logs``, ``show_logs``, ``watch``,
    ``typed_inputs``/``typed_outputs``, ``raw_phase`` and ``sync()`` come from
    ``flytelike._v2.run_view.RunViews``."""

    @aio_method
    def wait(
        self,
        timeout: float | None = None,
        *,
        quiet: bool = False,
        wait_for: str = "terminal",
    ) -> Run:
        """Block until the run ends (``wait_for="running"``: until it has started), or
        ``timeout`` seconds pass; returns the run. ``quiet`` is flyte's switch for its progress
        panel, which a local run does not draw. Also ``await run.wait.aio()``."""
        if wait_for not in ("terminal", "running"):
            raise ValueError(f"wait(wait_for={wait_for!r}): use 'terminal' or 'running'")
        if wait_for == "running":
            deadline = None if timeout is None else time.monotonic() + timeout
            while self.engine_phase.value in ("QUEUED", "UNDEFINED"):
                if deadline is not None and time.monotonic() > deadline:
                    break
                time.sleep(0.02)
            return self
        return super().wait(timeout)

    @property
    def done(self) -> Any:
        """Whether the run has ended: true or false as the engine's ``Run.done`` property, and
        callable as flyte's ``run.done()``."""
        return _Done(Run.done.fget(self))  # type: ignore[attr-defined]

    @aio_method
    def raise_for_status(self) -> None:
        """Raise the run's failure as ``flyte.run`` raises it (a parent task's view of the
        error); nothing when it succeeded. Waits for the run first."""
        self.wait()
        if self.engine_phase.value != "SUCCEEDED":
            _finished(self)

    @aio_method
    def inputs(self) -> dict[str, Any]:
        return super().inputs()

    @aio_method
    def abort(self, action_id: str | None = None, reason: str = "") -> None:
        super().abort(action_id, reason)

    @aio_method
    def outputs(self) -> Any:
        value = super().outputs()
        iface = self._interface()
        names = tuple(v.name for v in iface.outputs) if iface is not None else ()
        if not names:
            return ActionOutputs((None,), ("o0",))
        values = tuple(value) if len(names) > 1 else (value,)
        return ActionOutputs(values, names)

    @aio_method
    def get_report(self, attempt: int | None = None) -> str:
        """The HTML report of the run's root action (``action_report``)."""
        root = next((a for a in self.actions() if not a.parent), None)
        if root is None:
            raise RuntimeUserError("ReportNotFound", f"run {self.name} has no actions yet")
        return action_report(self, root.action_id, attempt)

    @property
    def engine_phase(self) -> Any:
        """The run's phase as the engine records it (``flytelike.engine.WorkflowPhase``)."""
        return Run.phase.fget(self)  # type: ignore[attr-defined]

    @property
    def phase(self) -> Any:  # (an ActionPhase where the engine's Run has a WorkflowPhase)
        from flytelike.ir import ActionPhase

        return ActionPhase.from_engine_phase(self.engine_phase.value)

    def _engine_view(self) -> Run:
        view = Run.__new__(Run)
        view.__dict__.update(self.__dict__)
        return view

    # The engine's Run reads ``self.phase`` as a WorkflowPhase in these two.
    def output_literals(self) -> Any:
        return self._engine_view().output_literals()

    def _failure(self) -> Any:
        return self._engine_view()._failure()

    def _task_type(self, kind: str) -> str:
        from flytelike.engine import ClosureIndex

        primary = ClosureIndex(self._engine.store.run_closure(self.name)).primary()
        return str(getattr(primary, "kind", kind))  # a task's kind (python, container, ...)

    def __repr__(self) -> str:
        rec = self.record()
        root = next((a for a in self.actions() if not a.parent), None)
        phase = self.phase
        start = rec.started_at or rec.created_at
        end = rec.ended_at if phase.is_terminal else None
        fields: list[tuple[str, Any]] = [
            ("url", self.url),
            ("labels", dict(rec.options.get("labels") or {})),
            ("name", self.name),
            ("task name", self.entity_name),
            ("type", self._task_type(rec.kind)),
            ("action name", root.action_id if root is not None else self.entity_name),
            ("start_time", _iso(start)),
            ("end_time", _iso(end) if end is not None else None),
            ("run_time", f"{int((end if end is not None else time.time()) - start)} secs"),
            ("phase", phase.to_protobuf_name()),
            ("group", root.group if root is not None else ""),
            ("parent", ""),
            ("related to", ""),
            ("attempts", rec.attempts),
        ]
        body = "".join(f"    {k}={v!r},\n" for k, v in fields)
        return "Run(\n" + body.rstrip(",\n") + "\n)"


def _iso(ts: float) -> str:
    from datetime import datetime

    return datetime.fromtimestamp(ts, UTC).isoformat()


RUN_OPTIONS = ("wait", "on_event", "raw_data_path", "backend_options")


def _is_artifact(value: Any) -> bool:
    return callable(getattr(type(value), "_as_input", None))


def _artifact_inputs(py_iface: Any, inputs: dict[str, Any]) -> dict[str, Any]:
    """Inputs given as artifact versions (``flytelike.remote.Artifact``, or a list of them for
    a ``list[...]`` input) bound as their stored values, read as the input's type. Which
    versions a run consumed is not recorded (its inputs are the values)."""
    import typing

    types = getattr(py_iface, "inputs", None) or {}
    out = dict(inputs)
    for name, value in inputs.items():
        py = types.get(name)
        if _is_artifact(value):
            out[name] = value._as_input(py)
        elif isinstance(value, list | tuple) and value and all(_is_artifact(v) for v in value):
            args = typing.get_args(py) if typing.get_origin(py) is list else ()
            out[name] = [v._as_input(args[0] if args else None) for v in value]
    return out


def run_options(entity: Any, inputs: dict[str, Any]) -> dict[str, Any]:
    """Pop the run options (``wait``, ``on_event``, ``raw_data_path``, ``backend_options``)
    out of ``inputs``.
    A keyword that names one of ``entity``'s inputs stays an input (flyte's ``run(task,
    **inputs)``); such an entity takes the option through ``flytelike.engine.run``."""
    names = set(getattr(getattr(entity, "python_interface", None), "inputs", None) or ())
    opts: dict[str, Any] = {}
    for key in RUN_OPTIONS:
        if key in inputs and key not in names:
            opts[key] = inputs.pop(key)
    cb = opts.get("on_event")
    if cb is not None and not callable(cb):
        raise ArgumentError(f"run(on_event=...): expected a callable, got {type(cb).__name__}")
    return opts


def _as_v2(run: Run) -> V2Run:
    v2 = V2Run.__new__(V2Run)
    v2.__dict__.update(run.__dict__)
    return v2


def _finished(run: Run) -> V2Run:
    """``run`` as a ``V2Run``; a failed run raises, as a local flyte run does: the task's error
    converted as a parent task would see it (``RuntimeUserError`` with ``code`` = the exception's
    class name, ``TaskTimeoutError``, ...), its ``run_name`` attribute naming the run (for
    ``flytelike.engine.get_run``/``resume``)."""
    v2 = _as_v2(run)
    if run.phase.value == "SUCCEEDED":
        return v2
    from flytelike._v2.task import child_error

    live = run._live
    failure = live.failure if live is not None else None
    cause: BaseException | None = failure.error.exception if failure is not None else None
    err = child_error(run.entity_name, cause if cause is not None else run._failure())
    err.run_name = run.name  # type: ignore[attr-defined]
    err.add_note(
        f"(flytelike run {run.name}; inspect it with flytelike.engine.get_run({run.name!r}), "
        f"resume it with `flytelike resume {run.name}`)"
    )
    raise err


_ENGINES: dict[tuple[str, str], Any] = {}
_ENGINES_LOCK = threading.Lock()


def _engine_for(backend: str | None, options: Mapping[str, Any]) -> Any:
    """The engine of this process for runs on ``backend`` (default: the configured one) with
    ``options`` over the environment's, built once per backend and options; its backend is
    built at once, so bad options raise here."""
    from flytelike.engine import Engine, EngineConfig

    config = EngineConfig.from_env()
    name = backend or config.backend
    merged = {**dict(config.backend_options), **options}
    key = (name, repr(sorted(merged.items())))
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = Engine(config.replace(backend=name, backend_options=tuple(merged.items())))
            try:
                engine.backend  # noqa: B018  (built now: an unknown option fails the call)
            except BaseException:
                engine.close()
                raise
            _ENGINES[key] = engine
        return engine


def with_runcontext(mode: str | None = None, /, **settings: Any) -> RunContext:
    """``with_runcontext(custom_context={...}, ...).run(task, **inputs)`` (``mode`` may also
    come first, as in flyte: ``with_runcontext("local")``)."""
    if mode is not None:
        if "mode" in settings:
            raise TypeError("with_runcontext: mode given twice (positionally and as mode=)")
        settings["mode"] = mode
    return RunContext(**settings)


@with_aio
def run(entity: Any, /, *args: Any, **inputs: Any) -> Any:
    """Run ``entity`` (v2 or v1 task, workflow, launch plan) locally; returns a ``Run``."""
    return RunContext().run(entity, *args, **inputs)


__all__ = [
    "ActionOutputs",
    "RunContext",
    "action_report",
    "init",
    "init_from_config",
    "run",
    "with_runcontext",
]
