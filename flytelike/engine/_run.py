"""The run API: ``Engine`` (store, cache, backend) and ``Run`` handles.

``Engine.run(entity, **inputs)`` records a run, interprets its closure and returns a ``Run``;
``wait=False`` runs it on a background thread. Runs of a single plain task take a path without an
event loop when nothing in them can block; workflows run on an event loop private to the calling
thread (or to a helper thread when that thread is already running one). ``Engine.resume(name)``
runs a failed or interrupted run again in place, reusing the outputs of every action that
succeeded. ``Run`` reads from memory while its run is live in this process and from the store
otherwise.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import itertools
import json
import threading
import time
import uuid
from typing import Any

from flytelike.backends import (
    ActionRequest,
    Backend,
    ExecutionError,
    data_context,
    enter,
    get_backend,
    install_capture,
    is_mocked,
    leave,
)
from flytelike.engine import _abort, _gates, _journal, _lifetime, _prune, _resume
from flytelike.engine._cache import TaskCache
from flytelike.engine._children import activate_execution, deactivate_execution
from flytelike.engine._code import code_location
from flytelike.engine._code import prepare as prepare_code
from flytelike.engine._config import EngineConfig, run_windows
from flytelike.engine._convert import inputs_to_literals
from flytelike.engine._events import RUN, Callback
from flytelike.engine._execution import (
    Execution,
    NodeFailed,
    Outputs,
    error_dict,
    retry_settings,
)
from flytelike.engine._handle import Run, _Live
from flytelike.engine._index import ClosureIndex, to_closure
from flytelike.engine._interpreter import Interpreter
from flytelike.engine._namespace import namespace_key, resolve
from flytelike.engine._phases import NodePhase, WorkflowPhase
from flytelike.engine._prune import Deleted
from flytelike.engine._rows import RunRecord, _pid
from flytelike.engine._run_store import RunStore
from flytelike.engine.errors import ResumeError, RunNotFoundError
from flytelike.ir import Closure, LaunchPlanTemplate, TaskTemplate, WorkflowTemplate
from typesystem import Literal

_LOOPS = threading.local()


def _thread_loop() -> asyncio.AbstractEventLoop:
    loop: asyncio.AbstractEventLoop | None = getattr(_LOOPS, "loop", None)
    if loop is None or loop.is_closed():
        loop = asyncio.new_event_loop()
        _LOOPS.loop = loop
    return loop


_NAMES = itertools.count()
# (pid, time the date part goes stale, "r<date>-<process token>-")
_PREFIX: list[Any] = [0, 0.0, ""]


def _new_name() -> str:
    """``r<date>-<process token>-<counter>``: unique without asking the OS for entropy per run."""
    now = time.time()
    if _PREFIX[0] != _pid() or now >= _PREFIX[1]:  # (``_pid``: no system call; kept across fork)
        pid = _pid()
        token = _PREFIX[2].split("-")[1] if _PREFIX[0] == pid else uuid.uuid4().hex[:8]
        t = time.localtime(now)
        midnight = time.mktime((t.tm_year, t.tm_mon, t.tm_mday + 1, 0, 0, 0, 0, 0, -1))
        _PREFIX[:] = [pid, min(midnight, now + 3600.0), f"r{time.strftime('%Y%m%d', t)}-{token}-"]
    return f"{_PREFIX[2]}{next(_NAMES)}"


# (project, domain) -> what cache keys of runs there start with (``namespace_key``).
_NS_KEYS: dict[tuple[str, str], bytes] = {}
# The primary template of recently run closures (closures are immutable).
_PRIMARY: dict[int, tuple[Closure, Any]] = {}


def _primary(closure: Closure) -> Any:
    hit = _PRIMARY.get(id(closure))
    if hit is not None and hit[0] is closure:
        return hit[1]
    primary = ClosureIndex(closure).primary()
    if len(_PRIMARY) > 256:
        _PRIMARY.clear()
    _PRIMARY[id(closure)] = (closure, primary)
    return primary


def new_run_name() -> str:
    """A fresh run name, for callers that need it before starting the run (``run(name=...)``)."""
    return _new_name()


class Engine:
    """Runs entities and reads past runs; one per ``FLYTELIKE_HOME`` is usual."""

    def __init__(self, config: EngineConfig | None = None, backend: Backend | str | None = None):
        self.config = config or EngineConfig.from_env()
        self._backend_arg = backend
        self._backend: Backend | None = backend if not isinstance(backend, str | None) else None
        self._store: RunStore | None = None
        self._cache: TaskCache | None = None
        self._live: dict[str, _Live] = {}
        self._lock = threading.Lock()
        # (overwrite_cache, raw_data_path, max_parallelism, id(closure)) -> (closure, JSON)
        self._options_json: dict[tuple[Any, ...], tuple[Closure, str]] = {}

    # ------------------------------------------------------------------ parts
    @property
    def store(self) -> RunStore:
        if self._store is None:
            with self._lock:
                if self._store is None:
                    cfg = self.config
                    self._store = RunStore(cfg.db_path, cfg.data_prefix, cfg.inline_limit)
        return self._store

    @property
    def cache(self) -> TaskCache:
        if self._cache is None:
            self._cache = TaskCache(self.store)
        return self._cache

    @property
    def backend(self) -> Backend:
        if self._backend is None:
            name = self._backend_arg if isinstance(self._backend_arg, str) else self.config.backend
            self._backend = get_backend(name, **dict(self.config.backend_options))
        return self._backend

    def close(self) -> None:
        if self._backend is not None and not isinstance(self._backend_arg, Backend):
            self._backend.close()
        if self._store is not None:
            self._store.close()
            self._store = None

    # ------------------------------------------------------------------ running
    def run(
        self,
        entity: Any,
        /,
        *,
        name: str | None = None,
        wait: bool = True,
        overwrite_cache: bool | None = None,
        raw_data_path: str | None = None,
        max_parallelism: int | None = None,
        on_event: Callback | None = None,
        direct_call: bool = False,
        inputs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Run:
        """Run ``entity`` (task, workflow, launch plan, or a ``Closure``) with Python inputs,
        given as keyword arguments or as the ``inputs`` dict (for inputs whose names collide with
        this method's options, such as ``name``)."""
        inputs = {**inputs, **kwargs} if inputs is not None else kwargs
        closure = to_closure(entity)
        primary = _primary(closure)
        py_iface = getattr(entity, "python_interface", None)
        lp = primary if isinstance(primary, LaunchPlanTemplate) else None
        literals = inputs_to_literals(primary.id.name, primary.interface, py_iface, inputs, lp)
        # ``FLYTELIKE_RECORD=0``: direct calls (``t(x=1)``, ``wf()``) leave no record.
        record = not direct_call or self.config.record_direct_calls
        if (
            name is None
            and wait
            and on_event is None
            and isinstance(primary, TaskTemplate)
            and primary.metadata.cache is not None
        ):
            hit = self._cache_hit_run(
                closure,
                primary,
                literals,
                py_iface,
                overwrite_cache,
                raw_data_path,
                max_parallelism,
                record,
            )
            if hit is not None:
                return hit
        return self.run_literals(
            closure,
            literals,
            name=name,
            wait=wait,
            overwrite_cache=overwrite_cache,
            raw_data_path=raw_data_path,
            max_parallelism=max_parallelism,
            on_event=on_event,
            py_iface=py_iface,
            direct_call=direct_call,
            record=record,
        )

    def _options(
        self,
        overwrite_cache: bool | None,
        raw_data_path: str | None,
        max_parallelism: int | None,
        namespace: tuple[str, str],
    ) -> dict[str, Any]:
        cfg = self.config
        return {
            "overwrite_cache": cfg.overwrite_cache if overwrite_cache is None else overwrite_cache,
            "raw_data_path": raw_data_path or cfg.data_prefix,
            "max_parallelism": max_parallelism,
            "backend": getattr(self.backend, "name", "?"),
            "project": namespace[0],
            "domain": namespace[1],
        }

    def _cache_hit_run(
        self,
        closure: Closure,
        task: TaskTemplate,
        inputs: dict[str, Literal],
        py_iface: Any,
        overwrite_cache: bool | None,
        raw_data_path: str | None,
        max_parallelism: int | None,
        record: bool = True,
    ) -> Run | None:
        """A run of one cached task whose outputs are in the cache, recorded in one go (the
        same rows a full run writes; not at all when ``record`` is false); ``None`` when it is
        not one (the caller runs it)."""
        cfg = self.config
        spec = task.metadata.cache
        if (
            spec is None
            or not spec.enabled
            or spec.serialize
            or not cfg.cache_enabled
            or not cfg.record_runs
            or (cfg.overwrite_cache if overwrite_cache is None else overwrite_cache)
            or is_mocked(task.id)
        ):
            return None
        started = time.time()
        store = self._store or self.store
        cache = self._cache or self.cache
        ns = (cfg.project, cfg.domain)  # (``cfg.namespace``)
        ns_key = _NS_KEYS.get(ns)
        if ns_key is None:
            if len(_NS_KEYS) > 256:
                _NS_KEYS.clear()
            ns_key = _NS_KEYS[ns] = namespace_key(*ns)
        key = cache.key(task, spec, inputs, ns_key)
        hit = cache.lookup(key)
        if hit is None:
            return None
        outputs, stored = hit
        if not record:
            live = _Live.finished(outputs)
            return Run(self, _new_name(), task.id.name, task.interface, py_iface, live)
        opts_key = (overwrite_cache, raw_data_path, max_parallelism, id(closure))
        found = self._options_json.get(opts_key)
        if found is not None and found[0] is closure:
            options = found[1]
        else:
            opts = self._options(overwrite_cache, raw_data_path, max_parallelism, ns)
            opts["code"] = code_location(closure)
            options = json.dumps(opts)
            if len(self._options_json) > 256:
                self._options_json.clear()
            self._options_json[opts_key] = (closure, options)
        name = _new_name()
        store.record_cached_task_run(
            name, task.id.name, inputs, closure, options, key, outputs, stored, started, ns
        )
        return Run(self, name, task.id.name, task.interface, py_iface, _Live.finished(outputs))

    def run_literals(
        self,
        closure: Closure,
        inputs: dict[str, Literal],
        *,
        name: str | None = None,
        wait: bool = True,
        overwrite_cache: bool | None = None,
        raw_data_path: str | None = None,
        max_parallelism: int | None = None,
        on_event: Callback | None = None,
        py_iface: Any = None,
        resume: bool = False,
        direct_call: bool = False,
        record: bool = True,
        project: str | None = None,
        domain: str | None = None,
    ) -> Run:
        """Run a closure with input literals (the CLI and resume come in here); ``record`` false:
        nothing of the run is written to the store; ``project``/``domain``: see ``_namespace``."""
        index = ClosureIndex(closure)
        primary = index.primary()
        name = name or _new_name()
        cfg = self.config
        ns = resolve(project, domain, cfg.namespace, f"run {name}")
        options = self._options(overwrite_cache, raw_data_path, max_parallelism, ns)
        if isinstance(primary, LaunchPlanTemplate):
            if max_parallelism is None and primary.max_parallelism:
                options["max_parallelism"] = primary.max_parallelism
            if overwrite_cache is None and primary.overwrite_cache:
                options["overwrite_cache"] = True
        check = getattr(self.backend, "check_run", None)
        if check is not None:  # (the backend may refuse the run before anything is recorded)
            check(closure, str(options["raw_data_path"]))
        live = _Live()
        if on_event is not None:
            live.bus.add_callback(on_event)
        prior: dict[str, Outputs] = {}
        bases: dict[str, int] = {}
        store = self.store if cfg.record_runs and record else None
        if store is not None:
            if resume:
                _journal.ingest(store, name)  # (items of maps the kill interrupted)
                prior = store.succeeded_outputs(name)
                _resume.restart(store, name)
                bases = _resume.attempt_bases(store, name)
            else:
                kind = type(primary).__name__.replace("Template", "").lower()
                options["code"] = code_location(closure, index)
                store.create_run(name, primary.id.name, kind, inputs, closure, options)
        with self._lock:
            self._live[name] = live
        _abort.register(name, primary.id.name if isinstance(primary, TaskTemplate) else "")
        run = Run(self, name, primary.id.name, primary.interface, py_iface, live)
        chosen = options["max_parallelism"] or cfg.max_parallelism  # (None: nobody chose)
        window, split = run_windows(None if chosen is None else int(chosen), self.backend)
        ex = Execution(
            run_name=name,
            index=index,
            backend=self.backend,
            config=cfg,
            bus=live.bus,
            store=store,
            cache=self.cache if cfg.cache_enabled and cfg.record_runs else None,
            run_dir=cfg.run_dir(name),
            raw_data_prefix=str(options["raw_data_path"]),
            overwrite_cache=bool(options["overwrite_cache"]),
            max_parallelism=window,
            map_parallelism=split,
            prior=prior,
            attempt_base=bases,
            direct_call=direct_call,
            project=ns[0],
            domain=ns[1],
        )
        if wait:
            self._execute(ex, primary, inputs, live)
        else:
            t = threading.Thread(
                target=self._execute,
                args=(ex, primary, inputs, live),
                name=f"flytelike-run-{name}",
                daemon=True,
            )
            t.start()
        return run

    def _execute(self, ex: Execution, primary: Any, inputs: Outputs, live: _Live) -> None:
        install_capture()  # (once: what tasks print is captured from here on)
        live.bus.publish(RUN, ex.run_name, WorkflowPhase.RUNNING)
        aborts = _abort.state(ex.run_name)
        try:
            if _sync_eligible(ex, primary):
                coro = self._main(ex, primary, inputs)
                try:
                    coro.send(None)
                except StopIteration as stop:
                    outputs = stop.value
                else:  # pragma: no cover - the eligibility check rules this out
                    coro.close()
                    raise RuntimeError("a synchronous run suspended")
            else:
                outputs = self._run_loop(self._main(ex, primary, inputs), ex.run_name)
            if aborts is not None and aborts.run_reason is not None:
                # (aborted as it finished: its outputs are discarded)
                raise asyncio.CancelledError
            live.outputs = outputs
            live.phase = WorkflowPhase.SUCCEEDED
            if ex.store is not None:
                ex.store.finish_run(ex.run_name, "SUCCEEDED", outputs, None)
        except NodeFailed as f:
            if aborts is not None and aborts.run_reason is not None:
                live.failure = _abort.end_aborted(ex, aborts.run_reason)
                live.phase = WorkflowPhase.ABORTED
                return
            live.failure = f
            live.phase = (
                WorkflowPhase.TIMED_OUT
                if f.error.timed_out
                else WorkflowPhase.ABORTED
                if f.phase is NodePhase.ABORTED
                else WorkflowPhase.FAILED
            )
            if ex.store is not None:
                ex.store.finish_run(ex.run_name, live.phase.value, None, f.action_error().to_dict())
        except BaseException as e:
            if isinstance(e, KeyboardInterrupt) and aborts is not None:
                with aborts.lock:  # (Ctrl-C in a direct call: the run and its actions ABORTED)
                    if aborts.run_reason is None:
                        aborts.run_reason = _abort.INTERRUPTED
            if aborts is not None and aborts.run_reason is not None:
                live.failure = _abort.end_aborted(ex, aborts.run_reason)
                live.phase = WorkflowPhase.ABORTED
                if isinstance(e, KeyboardInterrupt | SystemExit):
                    raise
                return
            live.failure = NodeFailed(
                "",
                ExecutionError("SYSTEM", f"{type(e).__name__}: {e}", type(e).__name__, exception=e),
            )
            live.phase = (
                WorkflowPhase.ABORTED
                if isinstance(e, KeyboardInterrupt)
                else (WorkflowPhase.FAILED)
            )
            if ex.store is not None:
                ex.store.finish_run(
                    ex.run_name, live.phase.value, None, error_dict(live.failure.error)
                )
            if isinstance(e, KeyboardInterrupt | SystemExit):
                raise
        finally:
            live.bus.publish(RUN, ex.run_name, live.phase)
            live.bus.close()
            live.done.set()
            with self._lock:
                self._live.pop(ex.run_name, None)
            if aborts is not None:
                _abort.forget(aborts)

    @staticmethod
    def _run_loop(coro: Any, run_name: str) -> Outputs:
        if asyncio._get_running_loop() is None:
            # (not get_running_loop(): its RuntimeError would become every failure's context)
            if threading.current_thread() is threading.main_thread():
                # The main thread keeps one loop: creating one per run costs ~0.1 ms.
                loop = _thread_loop()
                main = loop.create_task(coro)
                try:
                    return loop.run_until_complete(main)
                except KeyboardInterrupt:
                    _abort.wind_down(loop, run_name)
                    raise
            return asyncio.run(coro)
        with concurrent.futures.ThreadPoolExecutor(1) as pool:  # called from async code
            return pool.submit(asyncio.run, coro).result()  # type: ignore[no-any-return]

    async def _main(self, ex: Execution, primary: Any, inputs: Outputs) -> Outputs:
        interp = Interpreter(ex)
        with contextlib.suppress(RuntimeError):  # the synchronous path has no loop (nor calls)
            activate_execution(ex)
        aborts = _abort.state(ex.run_name)
        stop_polling = None
        if aborts is not None:
            stop_polling = _abort.started(aborts, ex)
        # The run's data context (its raw data prefix) for everything on this thread: actions
        # run in place rely on it; worker threads set their own per action.
        prefix = ex.raw_data_prefix
        data = enter(None, data_context(prefix)) if prefix else None
        try:
            if isinstance(primary, TaskTemplate):
                ex.inflight = 1
                try:
                    return await ex.run_task(primary.id.name, "", primary.id.name, primary, inputs)
                finally:
                    # Whatever the root left running ends with it (_lifetime), unless the run
                    # itself is being aborted (that records its actions ABORTED).
                    me = asyncio.current_task() if asyncio._get_running_loop() else None
                    if me is not None and not me.cancelling():
                        await _lifetime.end_of_root(ex, primary.id.name)
            if isinstance(primary, LaunchPlanTemplate):
                primary = ex.index.workflow(primary.workflow)
            assert isinstance(primary, WorkflowTemplate)
            return await interp.run_workflow(primary, inputs)
        finally:
            if data is not None:
                leave(None, data)
            if stop_polling is not None:
                stop_polling()
            deactivate_execution(ex)

    # ------------------------------------------------------------------ past runs
    def get_run(self, name: str) -> Run:
        with self._lock:
            live = self._live.get(name)
        self.store.flush()
        rec = self.store.get_run(name)
        if rec is None:
            raise RunNotFoundError(f"no run named {name!r} in {self.config.db_path}")
        closure = self.store.run_closure(name)
        iface = ClosureIndex(closure).primary().interface if closure is not None else None
        return Run(self, name, rec.entity, iface, None, live)

    def list_runs(
        self,
        limit: int = 50,
        phase: str | None = None,
        entity: str | None = None,
        project: str | None = None,
        domain: str | None = None,
    ) -> list[RunRecord]:
        self.store.flush()
        return self.store.list_runs(limit, phase, entity, project, domain)

    def resume(self, name: str, *, wait: bool = True, on_event: Callback | None = None) -> Run:
        """Run a failed or interrupted run again, reusing every succeeded action."""
        self.store.flush()
        rec = self.store.get_run(name)
        if rec is None:
            raise RunNotFoundError(f"no run named {name!r} in {self.config.db_path}")
        with self._lock:
            if name in self._live:
                raise ResumeError(f"run {name} is still running in this process")
        _resume.check_resumable(self.store, rec)
        closure = self.store.run_closure(name)
        inputs = self.store.run_literals(name, "inputs")
        if closure is None or inputs is None:
            raise ResumeError(f"run {name} has no stored closure or inputs")
        opts = rec.options
        # The code first: a run whose code cannot be found fails here, its record unchanged.
        prepare_code(name, closure, opts.get("code"))
        return self.run_literals(
            closure,
            inputs,
            name=name,
            wait=wait,
            overwrite_cache=opts.get("overwrite_cache"),
            raw_data_path=opts.get("raw_data_path"),
            max_parallelism=opts.get("max_parallelism"),
            on_event=on_event,
            resume=True,
            project=rec.project,
            domain=rec.domain,
        )

    def delete_runs(self, names: list[str]) -> Deleted:
        """Delete runs with their rows and data (``_prune``); not ones still running."""
        return _prune.delete(self.store, str(self.config.home), names, self._live)

    def prune(self, older_than: float, *, dry_run: bool = False) -> Deleted:
        """Delete the finished or interrupted runs created over ``older_than`` seconds ago."""
        return _prune.prune(
            self.store, str(self.config.home), older_than, self._live, dry_run=dry_run
        )

    def abort(self, run_name: str, action_id: str | None = None, reason: str = "") -> None:
        """Abort the run ``run_name`` (``action_id=None``) or one of its running actions, from
        any thread or process; see ``Run.abort``. Raises ``RunNotFoundError`` for an unknown run
        and ``AbortError`` for a run or action that is not running."""
        _abort.abort(self.store, run_name, action_id, reason)

    def signal(self, run_name: str, name: str, value: Any) -> None:
        """Give gate ``name`` of run ``run_name`` its value (a Python value, JSON-able)."""
        _gates.signal(self.store, run_name, name, value)


def _sync_eligible(ex: Execution, primary: Any) -> bool:
    """A single plain task that will run in place and never wait: no event loop needed."""
    if not isinstance(primary, TaskTemplate) or primary.kind != "python":
        return False
    md = primary.metadata
    if md.timeout or (md.cache is not None and md.cache.serialize):
        return False
    if retry_settings(primary)[0] is not None:  # a Backoff waits between attempts
        return False
    can = getattr(ex.backend, "can_inline", None)
    if can is None or ex.bus.active:
        return False
    try:
        return bool(can(ActionRequest(primary, {}, ex.action_context("", 0, primary, None))))
    except Exception:
        return False
