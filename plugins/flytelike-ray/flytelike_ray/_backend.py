"""``RayBackend``: task actions and batches of map items run as Ray tasks.

The engine keeps every semantic (cache, retries with user and system budgets, timeouts, map
concurrency and ``min_success_ratio``); this backend only moves attempts to Ray workers and back:

- Ray's own retries are off (``max_retries=0``, ``retry_exceptions=False``); a worker that dies
  mid-task (killed, out of memory, node lost) is a ``SYSTEM`` error, retried by the engine
  within its system budget;
- a timeout is counted by the worker from the start of the task body (``_deadline``), so time
  spent queued or starting a worker does not count; the engine waits ``timeout +
  timeout_grace`` and then cancels the coroutine awaiting the Ray task, which cancels the task
  with ``ray.cancel(force=True)`` (its worker is killed, Ray starts a fresh one);
- map items go in batches through ``run_items`` (``flytelike.backends.ItemBackend``);
- a task's ``Resources`` and accelerator (node overrides included) become the Ray task's
  ``num_cpus``/``memory``/``num_gpus`` and ``accelerator_type:<name>`` resource, checked
  against the cluster's nodes before submission (``_resources``);
- work that needs the driver runs in the driver, on the local backend: mocked tasks, tasks
  without a Python body (eager, container, shell, reference) and async v2 tasks (their child
  calls are recorded by the driver's engine).

What does not live here: connecting and the prefix check (``_cluster``), the code rule
(``_code``), what a worker runs (``_worker``), the wire format (``_wire``), failures Ray reports
as the engine's errors (``_failures``).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import operator
import os
import pickle
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import typesystem
from flytelike import errors
from flytelike.backends import (
    SYSTEM,
    ActionContext,
    ActionLog,  # (not exported by flytelike.backends yet)
    ActionOutcome,
    ActionRequest,
    ExecutionError,
    ItemColumns,
    ItemIds,
    is_mocked,  # (the driver's mocks: only it can run them)
    ship_task,
)
from flytelike_ray import _worker
from flytelike_ray._cluster import Connection, check_prefix, connect
from flytelike_ray._code import check_shipped, code_root
from flytelike_ray._errors import CodeShippingError, RayBackendError
from flytelike_ray._failures import config_error, ray_failure
from flytelike_ray._places import (
    FRAME_FORMATS,
    frame_format,
    get_large,
    put_decks,
    run_uri,
    storage_options,
)
from flytelike_ray._resources import check_feasible, custom_resources, requirements, task_options
from flytelike_ray._results import Results
from flytelike_ray._types import pack as pack_types
from flytelike_ray._wire import pack_values, unpack_error, unpack_values
from flytelike_ray._worker import KV_NAMESPACE
from typesystem import Literal, from_msgpack, to_msgpack

Item = tuple[str, Mapping[str, Any], int]
ItemResult = tuple[dict[str, Any] | None, ExecutionError | None, ActionLog | None]

_DRIVER_KINDS = frozenset({"python", "dynamic"})

_MEMO = 256  # large literals remembered by identity, to send their URI again (per backend)

# A request carries its ActionContext as these fields' values (``_worker.context``).
_CONTEXT_FIELDS = tuple(f.name for f in dataclasses.fields(ActionContext))
_CONTEXT_VALUES = operator.attrgetter(*_CONTEXT_FIELDS)  # (a context's values, in C)
_ENV = _CONTEXT_FIELDS.index("environment")
_RUN_URI = _CONTEXT_FIELDS.index("run_uri")


def _forwarded() -> tuple[tuple[str, str], ...]:
    """The driver's ``FLYTELIKE_*`` variables now (set after Ray started, too)."""
    return tuple((k, v) for k, v in os.environ.items() if k.startswith("FLYTELIKE_"))


def _log(printed: Any, action_id: str, attempt: int) -> ActionLog | None:
    return ActionLog(printed[0], printed[1], action_id, attempt) if printed is not None else None


class RayBackend:
    """Runs task actions as Ray tasks (see the module docstring for what stays in the driver).

    ``address``: a Ray cluster to join (``"auto"``, ``"host:port"``, ``"ray://host:10001"``;
    default ``RAY_ADDRESS``, else a local instance is started on first use with ``num_cpus``
    logical CPUs and shut down at exit). ``code_root``: the folder shipped to the workers as
    the job's ``working_dir`` (default: the code root of the first task run, see
    ``flytelike_ray._code``). ``item_batch_size``: the most map items per Ray task.
    ``init_options`` go to ``ray.init`` as they are (they win over the backend's).
    ``timeout_grace``: seconds the engine waits beyond a task's timeout (which the worker counts
    from the start of the body) for queueing and worker start-up before it cancels the Ray task
    (``None``: no limit). ``offload_limit``: an output literal whose encoding is larger (bytes)
    is written by the worker under the run's raw data prefix and read from there, not sent
    through Ray (``0``: always sent through Ray). ``task_resources``: Ray custom resources per
    task, ``{task name: {resource: amount}}`` (the task's full name, e.g. ``"app.train"``, its
    short name ``"train"``, or ``"*"`` for every task), added to what its ``Resources`` ask.
    ``shared_mount``: the raw data prefix is a local path every node of the cluster mounts
    (NFS, a cluster file system), so a multi-node cluster accepts it. ``frame_format``: the
    format the workers write dataframes in when the task's annotation names none: ``"auto"``
    (Arrow IPC, uncompressed and memory-mapped by the reader, on a local or mounted prefix;
    the frame type's default, parquet, on remote storage), a format name (``"arrow"``,
    ``"parquet"``, ``"csv"``), or ``""`` for the frame type's default everywhere.
    ``default_parallelism``: task actions in flight at once in a run that sets no
    ``max_parallelism`` (``flytelike.backends.Backend``; a map without ``concurrency`` keeps
    its batch size): Ray queues what its workers cannot start yet, and submitting a fan-out
    in steps of 32 costs Ray's submission 2-3 times the CPU of submitting it at once (its
    workers go idle between steps and their leases are given back and taken again).
    """

    name = "ray"

    def __init__(
        self,
        *,
        address: str | None = None,
        num_cpus: float | None = None,
        code_root: str | None = None,
        item_batch_size: int = 100,
        log_to_driver: bool = True,
        init_options: Mapping[str, Any] | None = None,
        timeout_grace: float | None = 300.0,
        offload_limit: int = 64 * 1024,
        task_resources: Mapping[str, Mapping[str, float]] | None = None,
        shared_mount: bool = False,
        frame_format: str = "auto",
        default_parallelism: int = 1024,
    ) -> None:
        if item_batch_size < 1:
            raise ValueError(f"RayBackend(item_batch_size=...) must be >= 1, got {item_batch_size}")
        if timeout_grace is not None and not timeout_grace >= 0:
            raise ValueError(
                f"RayBackend(timeout_grace=...) must be seconds >= 0 or None, got {timeout_grace}"
            )
        if not isinstance(offload_limit, int) or offload_limit < 0:
            raise ValueError(
                f"RayBackend(offload_limit=...) must be a number of bytes >= 0, got "
                f"{offload_limit!r}"
            )
        if frame_format not in FRAME_FORMATS:
            raise ValueError(
                f"RayBackend(frame_format=...) must be one of "
                f"{', '.join(repr(f) for f in FRAME_FORMATS)}, got {frame_format!r}"
            )
        if (
            isinstance(default_parallelism, bool)
            or not isinstance(default_parallelism, int)
            or default_parallelism < 1
        ):
            raise ValueError(
                f"RayBackend(default_parallelism=...) must be a whole number >= 1, got "
                f"{default_parallelism!r}"
            )
        self.default_parallelism = default_parallelism
        self.frame_format = frame_format
        self.timeout_grace = timeout_grace
        self.address = address
        self.num_cpus = num_cpus
        self.code_root = code_root
        self.item_batch_size = item_batch_size
        self.log_to_driver = log_to_driver
        self.init_options = dict(init_options or {})
        self.offload_limit = offload_limit
        self.task_resources = custom_resources(task_resources)
        self.shared_mount = shared_mount
        self._conn: Connection | None = None
        self._remote: tuple[Any, Any] | None = None
        self._lock = threading.Lock()
        self._job = ""
        # id(task) -> (task, template key, Ray options of its resources)
        self._templates: dict[int, tuple[Any, str, Any]] = {}
        self._published: set[str] = set()  # template keys put in the cluster's key-value store
        self._optioned: dict[tuple[int, tuple[tuple[str, float], ...]], Any] = {}
        # run name -> (FLYTELIKE_* variables, storage options, run location, frame format) at
        # its first action
        self._runs: dict[str, tuple[tuple[tuple[str, str], ...], dict[str, Any], str, str]] = {}
        # id(literal) -> (literal, URI): large literals a worker wrote, sent as their URI again
        self._memo: dict[int, tuple[Literal, str]] = {}
        self._driver: dict[int, tuple[Any, bool]] = {}
        self._checked: set[tuple[str, str]] = set()
        self._local: Any = None
        self._results = Results()
        self._types: tuple[int, bytes] = (-1, b"")  # (registry generation, packed registrations)

    # ------------------------------------------------------------------ connecting
    def connection(self, task: Any = None) -> Connection:
        """Start or join Ray on first use; ``task`` (the first one run) picks the code root."""
        if self._conn is None:
            with self._lock:
                if self._conn is None:
                    root = self.code_root
                    if root is None and task is not None and task.function is not None:
                        root = code_root(task.function.module)
                    conn = connect(
                        address=self.address,
                        num_cpus=self.num_cpus,
                        code_root=root,
                        log_to_driver=self.log_to_driver,
                        init_options=self.init_options,
                    )
                    import ray

                    # The engine owns retries: Ray's own are off.
                    once = ray.remote(max_retries=0, retry_exceptions=False)
                    self._remote = (once(_worker.run_action), once(_worker.run_items))
                    self._job = ray.get_runtime_context().get_job_id()
                    self._conn = conn
        return self._conn

    def warmup(self, n: int = 0, seconds: float = 0.05) -> list[int]:
        """Connect, and run ``n`` (default: the cluster's CPUs) trivial tasks so that workers
        have started and imported flytelike before the first action; returns their pids."""
        self.connection()
        import ray

        n = n or int(ray.cluster_resources().get("CPU", 1))  # type: ignore[no-untyped-call]
        warm = ray.remote(max_retries=0)(_worker.warm)
        return sorted(set(ray.get([warm.remote(seconds) for _ in range(n)])))

    def check_run(self, closure: Any, raw_data_prefix: str) -> None:
        """Before a run is recorded (``flytelike.backends.Backend``): connect (the code root is
        the first Python task's) and refuse a raw data prefix that is a local path when the
        cluster has more than one node, raising ``RayBackendError``."""
        tasks = [t for t in closure.tasks if t.function is not None and not self._in_driver(t)]
        if not tasks:  # (nothing of this run goes to Ray)
            return
        tasks.sort(key=lambda t: t.id != closure.primary)  # (the primary first, if a task)
        conn = self.connection(tasks[0])
        check_prefix(raw_data_prefix, conn, self.shared_mount)

    # ------------------------------------------------------------------ what runs where
    def _in_driver(self, task: Any) -> bool:
        if is_mocked(task.id):
            return True
        found = self._driver.get(id(task))
        if found is not None and found[0] is task:
            return found[1]
        driver = task.kind not in _DRIVER_KINDS
        if not driver and any(k == "v2.environment" for k, _ in task.custom):
            from flytelike.backends import task_function

            try:  # an async v2 task may make child calls: the driver's engine records them
                driver = task_function(task).is_async
            except Exception:  # (the worker reports what cannot be resolved)
                driver = False
        self._driver[id(task)] = (task, driver)
        return driver

    def _local_backend(self) -> Any:
        if self._local is None:
            from flytelike.backends import get_backend

            self._local = get_backend("local")
        return self._local

    # ------------------------------------------------------------------ requests
    def _template(self, task: Any) -> tuple[str, Any]:
        """``(template key, resource options)``. The template is pickled and put in the
        cluster's key-value store once per backend under a key naming the Ray job and its
        digest; requests carry only the key, and each worker fetches it once (``_worker``). A
        resource request no node can hold raises here. The template carries the driver's
        run-time type registrations (``_types``): a registration made since it was packed
        makes every template be packed again."""
        registry = typesystem.default_registry()
        if registry.generation != self._types[0]:
            self._types = (registry.generation, pack_types(registry))
            self._templates.clear()
        found = self._templates.get(id(task))
        if found is not None and found[0] is task:
            return found[1], found[2]
        needs = requirements(task)
        for name, amount in self._custom(task).items():
            needs[name] = needs.get(name, 0.0) + amount
        opts = tuple(sorted(needs.items()))
        conn = self._conn
        check_feasible(task.id.name, needs, conn.node_resources if conn else ())

        try:  # (its function by value when the workers cannot import it)
            shipped = ship_task(task)
        except errors.CodeShippingError as e:
            raise CodeShippingError(str(e), entity=task.id.name) from e
        data = pickle.dumps((shipped, self._types[1]), protocol=5)
        key = f"{self._job}/template/{hashlib.sha256(data).hexdigest()[:32]}"
        if key not in self._published:
            from ray.experimental import internal_kv

            internal_kv._internal_kv_put(key.encode(), data, overwrite=True, namespace=KV_NAMESPACE)
            self._published.add(key)
        self._templates[id(task)] = (task, key, opts)
        return key, opts

    def _custom(self, task: Any) -> dict[str, float]:
        """The ``task_resources`` that apply to ``task`` (``"*"``, then its short and full
        names, a later one winning resource by resource)."""
        if not self.task_resources:
            return {}
        name = task.id.name
        out: dict[str, float] = {}
        for key in ("*", name.rpartition(".")[2], name):
            out.update(self.task_resources.get(key, {}))
        return out

    def _submit(self, which: int, opts: Any, payload: bytes) -> Any:
        """Submit ``payload`` to remote function ``which`` (0: an action, 1: map items) with
        the task's resource options (one optioned remote function per distinct request)."""
        assert self._remote is not None
        fn = self._remote[which]
        if opts:
            found = self._optioned.get((which, opts))
            if found is None:
                found = self._optioned[(which, opts)] = fn.options(**task_options(dict(opts)))
            fn = found
        return fn.remote(payload)

    def _prepare(
        self, task: Any, context: ActionContext
    ) -> tuple[str, Any, tuple[Any, ...], tuple[dict[str, Any], str]]:
        """What a request carries besides its inputs: the template key, its resource options,
        the context's fields (``ActionContext``'s order; the worker builds it again: a tuple
        pickles in a fraction of a dataclass's time) with the driver's ``FLYTELIKE_*``
        variables and the run's location under the raw data prefix, and ``(the driver's
        storage options, the workers' dataframe format)`` (read at the run's first action, so
        variables set before or after Ray started reach the workers)."""
        conn = self.connection(task)
        prefix = context.raw_data_prefix
        module = task.function.module if task.function is not None else ""
        if (module, prefix) not in self._checked:
            if module:
                check_shipped(module, task.id.name, conn.shipped_root, conn.reachable)
            check_prefix(prefix, conn, self.shared_mount)
            self._checked.add((module, prefix))
        key, opts = self._template(task)
        run = self._runs.get(context.run_name)
        if run is None:
            if len(self._runs) > 64:
                self._runs.clear()
            where = run_uri(prefix, context.run_name)
            fmt = frame_format(self.frame_format, prefix)
            run = self._runs[context.run_name] = (_forwarded(), storage_options(), where, fmt)
        env, storage, where, fmt = run
        fields = list(_CONTEXT_VALUES(context))
        fields[_ENV] = (*context.environment, *env) if env else context.environment
        fields[_RUN_URI] = where
        return key, opts, tuple(fields), (storage, fmt)

    def _pack(self, literals: Mapping[str, Literal]) -> dict[str, bytes | str]:
        """Input literals for a request: a large one a worker wrote is sent as its URI."""
        memo = self._memo
        out: dict[str, bytes | str] = {}
        for k, v in literals.items():
            found = memo.get(id(v)) if memo else None
            out[k] = found[1] if found is not None and found[0] is v else to_msgpack(v)
        return out

    def _unpack(self, outputs: Mapping[str, bytes | str]) -> dict[str, Literal]:
        """Output literals of an outcome, large ones read from where the worker wrote them
        (through the run's data context: this runs in a thread of the engine's context)."""
        out: dict[str, Literal] = {}
        for k, v in outputs.items():
            if type(v) is bytes:
                out[k] = from_msgpack(v)
                continue
            assert isinstance(v, str)
            lit = out[k] = from_msgpack(get_large(v))
            with self._lock:  # (outcomes of several actions are read in threads at once)
                if len(self._memo) >= _MEMO:
                    self._memo.pop(next(iter(self._memo)))
                self._memo[id(lit)] = (lit, v)
        return out

    async def _outcome(self, data: bytes, context: ActionContext) -> ActionOutcome:
        result: _worker.Outcome = pickle.loads(data)
        outputs, error, decks, dynamic, printed, artifacts = result
        tabs = put_decks(context, decks)
        # (what the attempt printed, stored by the engine as for local)
        logs = _log(printed, context.action_id, context.attempt)
        if error is not None:
            return ActionOutcome(error=unpack_error(error), decks=tabs, logs=logs)
        packed = outputs or {}
        if any(type(v) is str for v in packed.values()):
            try:
                values = await asyncio.to_thread(self._unpack, packed)
            except Exception as e:
                where = ", ".join(str(v) for v in packed.values() if type(v) is str)
                err = ExecutionError(
                    SYSTEM,
                    f"task action {context.action_id}: its large outputs, written by the Ray "
                    f"worker at {where}, cannot be read here: {type(e).__name__}: {e} (is the "
                    "raw data prefix storage both the driver and the workers reach?)",
                    f"{type(e).__module__}.{type(e).__qualname__}",
                )
                return ActionOutcome(error=err, decks=tabs, logs=logs)
        else:
            values = self._unpack(packed)
        return ActionOutcome(
            outputs=values, decks=tabs, dynamic=dynamic, logs=logs, artifacts=artifacts
        )

    async def run_action(self, request: ActionRequest) -> ActionOutcome:
        task = request.task
        if self._in_driver(task):
            return await self._local_backend().run_action(request)  # type: ignore[no-any-return]
        try:
            key, opts, fields, (storage, fmt) = self._prepare(task, request.context)
        except RayBackendError as e:
            return ActionOutcome(error=config_error(e))
        inputs = self._pack(request.inputs)
        # One bytes argument (the C pickler): Ray's own argument serialisation costs more.
        payload = pickle.dumps((key, inputs, fields, storage, self.offload_limit, fmt), protocol=5)
        ref = self._submit(0, opts, payload)
        ctx = request.context
        try:
            result = await self._results.wait(ref)
        except asyncio.CancelledError:  # a timeout or an abort: stop the work too
            import ray

            ray.cancel(ref, force=True)
            raise
        except Exception as e:
            where = f"{ctx.action_id}, attempt {ctx.attempt + 1}"
            return ActionOutcome(error=ray_failure(e, task.id.name, where))
        return await self._outcome(result, ctx)

    async def run_items(
        self, task: Any, context: ActionContext, items: Sequence[Item]
    ) -> list[ItemResult]:
        """Map items of ``task`` in one Ray task (see ``flytelike.backends.ItemBackend``);
        each result carries what the item printed on the worker."""
        n = len(items)
        if n == 0:
            return []
        first = items[0][1]
        fixed = {
            k: v
            for k, v in first.items()
            if isinstance(v, Literal) and all(it[1][k] is v for it in items)
        }
        lists = {k: [it[1][k] for it in items] for k in first if k not in fixed}
        ids = [(aid, attempt) for aid, _, attempt in items]
        got = await self.run_item_columns(task, context, ids, fixed, lists)
        errors, logs, columns = got.errors, got.logs, got.outputs.items()
        return [
            (
                None if k in errors else {name: col[k] for name, col in columns},
                errors.get(k),
                logs.get(k),
            )
            for k in range(n)
        ]

    async def run_item_columns(
        self,
        task: Any,
        context: ActionContext,
        ids: Sequence[tuple[str, int]],
        fixed: Mapping[str, Any],
        lists: Mapping[str, Sequence[Any]],
    ) -> ItemColumns:
        """``run_items`` with the batch as columns (``ItemBackend``): one Ray task."""
        n = len(ids)
        if n == 0:
            return ItemColumns({})
        if self._in_driver(task):
            return await asyncio.to_thread(
                self._columns_in_driver, task, context, ids, fixed, lists
            )
        try:
            key, opts, fields, (storage, fmt) = self._prepare(task, context)
        except RayBackendError as e:
            return ItemColumns({}, dict.fromkeys(range(n), config_error(e)))
        packed = {k: pack_values(v) for k, v in lists.items()}
        payload = pickle.dumps(
            (
                key,
                fields,
                self._pack(dict(fixed)),
                packed,
                ids if type(ids) is ItemIds else list(ids),  # (made on the worker)
                storage,
                self.offload_limit,
                fmt,
            ),
            protocol=5,
        )
        ref = self._submit(1, opts, payload)
        try:
            outs, errs, printed = pickle.loads(await self._results.wait(ref))
            if any(type(v) is str for v in outs.values()):
                columns = await asyncio.to_thread(
                    lambda: {name: list(unpack_values(data)) for name, data in outs.items()}
                )
            else:
                columns = {name: list(unpack_values(data)) for name, data in outs.items()}
        except asyncio.CancelledError:
            import ray

            ray.cancel(ref, force=True)
            raise
        except Exception as e:
            where = f"{n} map items from {ids[0][0]}"
            return ItemColumns({}, dict.fromkeys(range(n), ray_failure(e, task.id.name, where)))
        got = ItemColumns(columns)
        if any(errs):
            got.errors = {k: unpack_error(e) for k, e in enumerate(errs) if e is not None}
        if any(printed):
            got.logs = {k: ActionLog(p[0], p[1], *ids[k]) for k, p in enumerate(printed) if p}
        return got

    def _columns_in_driver(
        self,
        task: Any,
        context: ActionContext,
        ids: Sequence[tuple[str, int]],
        fixed: Mapping[str, Any],
        lists: Mapping[str, Sequence[Any]],
    ) -> ItemColumns:
        runner = self._local_backend().inline_runner(task, context)
        got, outs = ItemColumns({}), list[dict[str, Any] | None]()
        with runner.bound():
            for k, (aid, attempt) in enumerate(ids):
                values = {**fixed, **{name: col[k] for name, col in lists.items()}}
                out, err = runner.item(aid, values, attempt)
                outs.append(out)
                if err is not None:
                    got.errors[k] = err
        names = next((list(o) for o in outs if o is not None), [])
        got.outputs = {m: [o[m] if o is not None else None for o in outs] for m in names}
        return got

    def close(self) -> None:
        """Forget per-run state and remove the templates this backend put in the cluster's
        key-value store; Ray itself stays up until the process exits (one per process), so a
        later backend reuses it without a new start-up."""
        if self._local is not None:
            self._local.close()
            self._local = None
        if self._published:
            import ray

            if ray.is_initialized():
                from ray.experimental import internal_kv

                for key in self._published:
                    with contextlib.suppress(Exception):
                        internal_kv._internal_kv_del(key.encode(), namespace=KV_NAMESPACE)
            self._published.clear()
        self._templates.clear()
        self._optioned.clear()
        self._driver.clear()
        self._memo.clear()
        self._runs.clear()
        self._checked.clear()

    def __repr__(self) -> str:
        where = self.address or os.environ.get("RAY_ADDRESS") or "local"
        return f"RayBackend(address={where!r}, item_batch_size={self.item_batch_size})"
