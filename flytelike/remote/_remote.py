"""``FlyteRemote`` (``UnionRemote``): flytekit's management API over the local engine.

Everything runs in this process and is recorded in the local run store, so the operations
upstream sends to a Flyte control plane map onto the engine (``flytelike.engine``):

- ``execute`` -> ``Engine.run`` (``wait=False``, the default as upstream, runs in the background);
- ``fetch_execution`` / ``recent_executions`` / ``sync`` / ``wait`` -> the run store;
- ``terminate`` -> ``Engine.abort``;
- ``register_*`` -> compile and remember (``options=`` carried by the launch plan registered);
  ``fetch_task/workflow/launch_plan`` -> find by name
  in this process (see ``flytelike.remote._entities``).

Runs are namespaced by project and domain, as the engine records them (``flytelike.engine``'s
``_namespace``: a run's cache entries never cross namespaces): ``execute`` runs in ``project``/
``domain`` (default: the remote's ``default_project``/``default_domain``, themselves defaulting to
the engine's namespace, ``FLYTELIKE_PROJECT``/``FLYTELIKE_DOMAIN`` else ``flytesnacks``/
``development``); ``fetch_execution`` finds a run only in its own namespace and
``recent_executions`` lists one namespace's runs. Tasks, workflows and launch plans are this
process's code and are found whatever the namespace. Operations that only make sense against a cluster
(``client``, artifacts, launch plan activation, recovery) raise ``NotSupportedLocallyError``.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import queue
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any

from flytelike.engine import Engine, PhaseEvent, Run, RunNotFoundError, default_engine
from flytelike.ir import NodePhase, ResourceType, TaskPhase, WorkflowPhase
from flytelike.remote import _entities
from flytelike.remote._errors import ExecutionExistsError, FlyteTimeout, not_local
from flytelike.remote._execution import (
    FlyteNodeExecution,
    FlyteWorkflowExecution,
    WorkflowExecutionIdentifier,
)
from flytelike.remote._options import carrying, check_options, with_options


@dataclass(frozen=True)
class ExecutionEvent:
    """A phase change, as ``stream_execution_events`` yields it. ``kind`` is ``workflow``,
    ``node`` or ``task``; ``phase`` the matching phase enum; ``node_id`` empty for workflow
    events; ``task_id`` the task name of task events; ``occurred_at`` a UTC datetime."""

    kind: str
    execution_id: WorkflowExecutionIdentifier
    phase: WorkflowPhase | NodePhase | TaskPhase
    node_id: str
    task_id: str
    retry_attempt: int
    occurred_at: _dt.datetime
    message: str

    @property
    def id(self) -> WorkflowExecutionIdentifier:
        return self.execution_id


_KINDS = {"run": "workflow", "node": "node", "attempt": "task"}


class FlyteRemote:
    """flytekit's ``FlyteRemote`` / Union's ``UnionRemote``, local.

    ``default_project``/``default_domain``: the namespace of the runs this remote executes,
    fetches and lists when a call names none (``None``: the engine's, see the module docstring);
    a bad name raises ``ConfigurationError``. ``config`` (a ``flytelike.configuration.Config``),
    ``data_upload_location`` and any other keyword (``interactive_mode_enabled``...) are
    recorded and otherwise ignored; ``engine`` (flytelike's own) picks the engine, default
    ``flytelike.engine.default_engine()``.
    """

    def __init__(
        self,
        config: Any = None,
        default_project: str | None = None,
        default_domain: str | None = None,
        data_upload_location: str | None = None,
        *,
        engine: Engine | None = None,
        **ignored: Any,
    ) -> None:
        self.config = config
        self._project = None if default_project is None else _name(default_project, "project")
        self._domain = None if default_domain is None else _name(default_domain, "domain")
        self.data_upload_location = data_upload_location
        self.options = ignored
        self._engine = engine
        self._subscribers: list[queue.SimpleQueue[ExecutionEvent]] = []
        self._lock = threading.Lock()

    @classmethod
    def for_endpoint(cls, endpoint: str, insecure: bool = False, **kwargs: Any) -> FlyteRemote:
        from flytelike.configuration import Config

        return cls(Config.for_endpoint(endpoint, insecure), **kwargs)

    @classmethod
    def for_sandbox(cls, **kwargs: Any) -> FlyteRemote:
        from flytelike.configuration import Config

        return cls(Config.for_sandbox(), **kwargs)

    @property
    def engine(self) -> Engine:
        return self._engine if self._engine is not None else default_engine()

    @property
    def default_project(self) -> str:
        return self._project or self.engine.config.namespace[0]

    @property
    def default_domain(self) -> str:
        return self._domain or self.engine.config.namespace[1]

    def _namespace(self, project: str | None, domain: str | None) -> tuple[str, str]:
        """The ``(project, domain)`` a call names, else the remote's defaults."""
        return (
            self.default_project if project is None else _name(project, "project"),
            self.default_domain if domain is None else _name(domain, "domain"),
        )

    def _wrap(
        self, run: Any, ns: tuple[str, str], entity: Any = None, record: Any = None
    ) -> FlyteWorkflowExecution:
        return FlyteWorkflowExecution(run, self.engine, ns[0], ns[1], entity, record)

    # ------------------------------------------------------------------ executing
    def execute(
        self,
        entity: Any,
        inputs: dict[str, Any] | None = None,
        *,
        project: str | None = None,
        domain: str | None = None,
        name: str | None = None,
        version: str | None = None,
        execution_name: str | None = None,
        execution_name_prefix: str | None = None,
        wait: bool = False,
        overwrite_cache: bool | None = None,
        raw_output_data_config: Any = None,
        max_parallelism: int | None = None,
        **ignored: Any,
    ) -> FlyteWorkflowExecution:
        """Run a task, workflow or launch plan (or an entity from ``fetch_*``) with ``inputs``
        (a dict of Python values) and return its execution. ``wait=False`` (upstream's default)
        starts it in the background and returns at once; ``wait=True`` returns it finished.
        ``execution_name`` names the run (an existing name raises ``ExecutionExistsError``);
        ``execution_name_prefix`` gets ``-<19 hex digits>`` appended. ``overwrite_cache`` and
        ``max_parallelism`` are passed to the engine; ``options=Options(...)`` is honoured
        (``flytelike._settings.options``: labels, annotations, security context and
        notifications are carried into the run's IR by a launch plan, for a task one over its
        ``.flytegen`` workflow, see ``flytelike.remote._options``). The run is recorded in
        ``project``/``domain`` (default: the remote's), which also scope its cache entries.
        ``version``, ``image_config``, ``envs``, ``tags``, ``type_hints`` and the like are
        accepted and ignored (a run uses this process's code)."""
        if execution_name is not None and execution_name_prefix is not None:
            raise ValueError(
                "Only one of execution_name and execution_name_prefix can be set, but got both set"
            )
        if execution_name_prefix is not None:
            execution_name = f"{execution_name_prefix}-{uuid.uuid4().hex[:19]}"
        eng = self.engine
        ns = self._namespace(project, domain)
        if execution_name is not None:
            eng.store.flush()
            if eng.store.get_run(execution_name) is not None:
                raise ExecutionExistsError(
                    f"an execution named {execution_name!r} already exists in "
                    f"{eng.config.db_path}; choose another execution_name or use "
                    "execution_name_prefix"
                )
        target = entity.closure if isinstance(entity, _entities.StoredEntity) else entity
        raw = getattr(raw_output_data_config, "output_location_prefix", None)
        if ignored.get("options") is not None:
            target, raw, max_parallelism, overwrite_cache = with_options(
                target, ignored["options"], raw, max_parallelism, overwrite_cache
            )
        # As Engine.run converts inputs, then run_literals, which takes the namespace.
        from flytelike.engine import ClosureIndex, inputs_to_literals, to_closure
        from flytelike.ir import LaunchPlanTemplate

        closure = to_closure(target)
        primary = ClosureIndex(closure).primary()
        py_iface = getattr(target, "python_interface", None)
        lp = primary if isinstance(primary, LaunchPlanTemplate) else None
        literals = inputs_to_literals(
            primary.id.name, primary.interface, py_iface, dict(inputs or {}), lp
        )
        run = eng.run_literals(
            closure,
            literals,
            name=execution_name,
            wait=wait,
            overwrite_cache=overwrite_cache,
            raw_data_path=raw or None,
            max_parallelism=max_parallelism,
            on_event=self._publish if self._subscribers else None,
            py_iface=py_iface,
            project=ns[0],
            domain=ns[1],
        )
        return self._wrap(run, ns, entity)

    # ------------------------------------------------------------------ executions
    def fetch_execution(
        self, project: str | None = None, domain: str | None = None, name: str | None = None
    ) -> FlyteWorkflowExecution:
        """The execution (run) ``name`` of ``project``/``domain`` (default: the remote's);
        raises ``RunNotFoundError`` if there is none there (naming the namespace it is in, if
        it is in another)."""
        if not name:
            raise ValueError("fetch_execution needs name=")
        ns = self._namespace(project, domain)
        eng = self.engine
        eng.store.flush()
        rec = eng.store.get_run(name)
        if rec is not None and (rec.project, rec.domain) != ns:
            raise RunNotFoundError(
                f"fetch_execution: no execution {name!r} in project {ns[0]!r}, domain "
                f"{ns[1]!r}; it was run in project {rec.project!r}, domain {rec.domain!r}: "
                f"pass project={rec.project!r}, domain={rec.domain!r}"
            )
        return self._wrap(eng.get_run(name), ns)

    def recent_executions(
        self,
        project: str | None = None,
        domain: str | None = None,
        limit: int | None = 100,
        filters: Iterable[Any] | None = None,
    ) -> list[FlyteWorkflowExecution]:
        """Up to ``limit`` executions of ``project``/``domain`` (default: the remote's), newest
        first, kept when every filter accepts them (see ``flytelike.models.filters`` for the
        keys)."""
        eng = self.engine
        ns = self._namespace(project, domain)
        flts = list(filters or [])
        out: list[FlyteWorkflowExecution] = []
        first = -1 if flts or limit is None else limit
        for rec in eng.list_runs(first, project=ns[0], domain=ns[1]):
            if flts and not all(f.matches(_fields(rec)) for f in flts):
                continue
            # A finished run needs no live handle (and get_run would load its closure).
            done = WorkflowPhase(rec.phase).is_terminal
            run = (
                Run(eng, rec.name, rec.entity, None, None, None) if done else eng.get_run(rec.name)
            )
            out.append(self._wrap(run, ns, record=rec))
            if limit is not None and len(out) >= limit:
                break
        return out

    def sync(
        self,
        execution: FlyteWorkflowExecution,
        entity_definition: Any = None,
        sync_nodes: bool = False,
    ) -> FlyteWorkflowExecution:
        """Refresh ``execution``'s snapshot (phase, times, error) from the run, in place, and
        with ``sync_nodes=True`` load its ``node_executions``; returns it."""
        if isinstance(execution, FlyteNodeExecution):
            raise ValueError("sync takes a FlyteWorkflowExecution; sync its execution instead")
        if not isinstance(execution, FlyteWorkflowExecution):
            raise ValueError(
                f"cannot sync {type(execution).__name__}: not a FlyteWorkflowExecution"
            )
        execution._snapshot()
        if sync_nodes:
            execution._sync_nodes()
        return execution

    sync_execution = sync

    def wait(
        self,
        execution: FlyteWorkflowExecution,
        timeout: float | _dt.timedelta | None = None,
        poll_interval: float | _dt.timedelta | None = None,
        sync_nodes: bool = True,
    ) -> FlyteWorkflowExecution:
        """Block until ``execution`` ends, then sync it (with nodes by default, as upstream).
        ``timeout`` (seconds or a ``timedelta``) raises ``FlyteTimeout`` when it runs out;
        ``poll_interval`` is accepted and unused (a local run is waited on, not polled)."""
        if isinstance(timeout, _dt.timedelta):
            timeout = timeout.total_seconds()
        execution.run.wait(timeout)
        execution._snapshot()
        if not execution.is_done:
            raise FlyteTimeout(
                f"execution {execution.id.name} did not finish within {timeout} s (it is "
                f"{execution.closure.phase.value})"
            )
        if sync_nodes:
            execution._sync_nodes()
        return execution

    def terminate(self, execution: FlyteWorkflowExecution, cause: str) -> None:
        """Abort a running execution (``Engine.abort``) with ``cause`` as the reason; it ends
        ``ABORTED``. Raises ``AbortError`` when it is not running."""
        self.engine.abort(execution.id.name, None, cause)

    def generate_console_url(self, entity: Any) -> str:
        """The ``file://`` URL of an execution's local run directory (there is no console)."""
        if isinstance(entity, FlyteWorkflowExecution):
            return entity.url
        if isinstance(entity, FlyteNodeExecution):
            return self.engine.get_run(entity.id.execution_id.name).url
        raise not_local("generate_console_url", "only executions have a (file://) URL locally")

    async def stream_execution_events(
        self,
        event_count: int | None = None,
        include_workflow_executions: bool = True,
        include_task_executions: bool = True,
        include_node_executions: bool = True,
        *,
        execution: FlyteWorkflowExecution | None = None,
    ) -> AsyncIterator[ExecutionEvent]:
        """Phase events as an async generator, ``event_count`` of them (``None``: no end).
        Locally the events are those of executions this remote starts *after* the stream
        begins, or, with ``execution=`` (flytelike's addition), of that running execution
        until it ends. Each event is delivered once, in order."""
        kinds = {
            k
            for k, on in (
                ("workflow", include_workflow_executions),
                ("node", include_node_executions),
                ("task", include_task_executions),
            )
            if on
        }
        q: queue.SimpleQueue[ExecutionEvent] = queue.SimpleQueue()
        done = threading.Event()
        if execution is not None:
            execution.run.on_event(lambda e: q.put(self._event(e)))
            run = execution.run

            def ended() -> bool:
                return run.done
        else:
            with self._lock:
                self._subscribers.append(q)

            def ended() -> bool:
                return done.is_set()

        sent = 0
        try:
            while event_count is None or sent < event_count:
                try:
                    ev = q.get_nowait()
                except queue.Empty:
                    if ended():
                        return
                    await asyncio.sleep(0.01)
                    continue
                if ev.kind in kinds:
                    sent += 1
                    yield ev
        finally:
            with self._lock:
                if q in self._subscribers:
                    self._subscribers.remove(q)

    def _event(self, e: PhaseEvent) -> ExecutionEvent:
        ident = WorkflowExecutionIdentifier(self.default_project, self.default_domain, e.run_name)
        ts = _dt.datetime.fromtimestamp(e.ts or time.time(), _dt.UTC)
        return ExecutionEvent(
            _KINDS.get(e.kind, e.kind),
            ident,
            e.phase,
            e.node_id,
            e.task_id,
            e.attempt,
            ts,
            e.message,
        )

    def _publish(self, e: PhaseEvent) -> None:
        ev = self._event(e)
        for q in list(self._subscribers):
            q.put(ev)

    # ------------------------------------------------------------------ entities
    def register_task(
        self, entity: Any, serialization_settings: Any = None, version: str | None = None, **kw: Any
    ) -> Any:
        """Compile the task (definition errors surface now) and remember it for ``fetch_task``;
        returns it. ``serialization_settings`` and ``version`` are recorded nowhere: a local
        entity has one version, this process's code. ``options=`` is refused (flytekit's
        ``register_task`` takes none): a task's runs take them from
        ``execute(task, options=...)``."""
        if kw.get("options") is not None:
            raise TypeError(
                f"register_task({getattr(entity, 'name', entity)!r}, options=...): a registered "
                "task carries no launch settings (flytekit's register_task takes no options); "
                "pass them to remote.execute(task, inputs, options=...) instead"
            )
        return _entities.register(entity, ResourceType.TASK)

    def register_workflow(
        self,
        entity: Any,
        serialization_settings: Any = None,
        version: str | None = None,
        default_launch_plan: bool = True,
        options: Any = None,
        **kw: Any,
    ) -> Any:
        """As ``register_task``, for a workflow and (``default_launch_plan=True``) its default
        launch plan. ``options=Options(...)`` are carried by that launch plan, as flytekit
        registers them: ``fetch_launch_plan(name=<workflow name>)`` returns it and its runs
        carry the labels, annotations, security context and notifications in their IR and use
        its raw data prefix, parallelism and cache setting."""
        where = f"register_workflow({getattr(entity, 'name', entity)!r}, options=...)"
        if options is not None:
            opts = check_options(options, where)
            if not default_launch_plan:
                raise ValueError(
                    f"{where}: the options are carried by the workflow's default launch plan, "
                    "and default_launch_plan=False registers none; drop default_launch_plan=False "
                    "or pass the options to remote.execute(workflow, inputs, options=...)"
                )
        _entities.register(entity, ResourceType.WORKFLOW)
        if default_launch_plan:
            from flytelike._entities.launch_plan import LaunchPlan

            lp = LaunchPlan.get_or_create(entity)
            if options is not None:
                _entities.register(
                    carrying(lp, opts.launch_plan_params(), where), ResourceType.LAUNCH_PLAN
                )
        return entity

    def register_launch_plan(
        self,
        entity: Any,
        version: str | None = None,
        project: str | None = None,
        domain: str | None = None,
        options: Any = None,
        **kw: Any,
    ) -> Any:
        """As ``register_task``, for a launch plan. With ``options=Options(...)`` the launch
        plan registered (and returned) is a copy of ``entity`` carrying them (set fields win
        over the launch plan's own, as upstream)."""
        if options is not None:
            where = f"register_launch_plan({getattr(entity, 'name', entity)!r}, options=...)"
            params = check_options(options, where).launch_plan_params()
            entity = carrying(entity, params, where) if params else entity
        return _entities.register(entity, ResourceType.LAUNCH_PLAN)

    def fast_register_workflow(
        self,
        entity: Any,
        serialization_settings: Any = None,
        version: str | None = None,
        default_launch_plan: bool = True,
        options: Any = None,
        **kw: Any,
    ) -> Any:
        """``register_workflow`` (there is no code package to upload locally)."""
        return self.register_workflow(
            entity, default_launch_plan=default_launch_plan, options=options
        )

    def register_script(self, entity: Any, **kw: Any) -> Any:
        """Register a task, workflow or launch plan, whichever ``entity`` is; ``options=`` as
        ``register_workflow`` / ``register_launch_plan`` take them (a task refuses them)."""
        kind = _entities.kind_of(entity)
        if kind is ResourceType.WORKFLOW:
            return self.register_workflow(
                entity,
                default_launch_plan=kw.get("default_launch_plan", True),
                options=kw.get("options"),
            )
        if kind is ResourceType.LAUNCH_PLAN:
            return self.register_launch_plan(entity, options=kw.get("options"))
        return self.register_task(entity, options=kw.get("options"))

    def fetch_task(
        self,
        project: str | None = None,
        domain: str | None = None,
        name: str | None = None,
        version: str | None = None,
    ) -> Any:
        """The task named ``name`` (``module.qualname``) in this process (see
        ``flytelike.remote._entities`` for the lookup order); ``version`` is ignored.
        Raises ``EntityNotFoundError`` naming what to import."""
        return _entities.find(ResourceType.TASK, _need(name, "fetch_task"), self.engine)

    def fetch_workflow(
        self,
        project: str | None = None,
        domain: str | None = None,
        name: str | None = None,
        version: str | None = None,
    ) -> Any:
        """As ``fetch_task``, for a workflow."""
        return _entities.find(ResourceType.WORKFLOW, _need(name, "fetch_workflow"), self.engine)

    def fetch_launch_plan(
        self,
        project: str | None = None,
        domain: str | None = None,
        name: str | None = None,
        version: str | None = None,
    ) -> Any:
        """As ``fetch_task``, for a launch plan; a workflow's name gives its default one."""
        return _entities.find(
            ResourceType.LAUNCH_PLAN, _need(name, "fetch_launch_plan"), self.engine
        )

    # ------------------------------------------------------------------ cluster only
    @property
    def client(self) -> Any:
        raise not_local("client", "use flytelike.engine (get_run, list_runs, abort) instead")

    def create_artifact(self, *args: Any, **kwargs: Any) -> Any:
        raise not_local("create_artifact", "artifacts live in Union's artifact service")

    def get_artifact(self, *args: Any, **kwargs: Any) -> Any:
        raise not_local("get_artifact", "artifacts live in Union's artifact service")

    def activate_launchplan(self, *args: Any, **kwargs: Any) -> Any:
        raise not_local("activate_launchplan", "schedules are not run by flytelike")

    def deactivate_launchplan(self, *args: Any, **kwargs: Any) -> Any:
        raise not_local("deactivate_launchplan", "schedules are not run by flytelike")

    def recover_execution(self, *args: Any, **kwargs: Any) -> Any:
        raise not_local("recover_execution", "use flytelike.engine.resume(run_name) instead")

    def upload_file(self, *args: Any, **kwargs: Any) -> Any:
        raise not_local("upload_file", "local files are used in place")


def _need(name: str | None, what: str) -> str:
    if not name:
        raise ValueError(f"{what} needs name= (the entity's module.qualname)")
    return name


def _fields(rec: Any) -> dict[str, Any]:
    """What ``flytelike.models.filters`` can filter a run record on."""
    return {
        "phase": rec.phase,
        "name": rec.name,
        "execution.name": rec.name,
        "id.name": rec.name,
        "workflow.name": rec.entity,
        "launch_plan.name": rec.entity,
        "task.name": rec.entity,
        "entity.name": rec.entity,
        "duration": rec.duration,
        "started_at": rec.started_at,
        "created_at": rec.created_at,
        "updated_at": rec.ended_at or rec.started_at,
    }


UnionRemote = FlyteRemote


def _name(value: object, what: str) -> str:
    """A project or domain name, checked by the engine's one rule for them."""
    from flytelike.engine import check_namespace_name as check_name  # (the engine's rule)

    return check_name(value, what, "FlyteRemote")
