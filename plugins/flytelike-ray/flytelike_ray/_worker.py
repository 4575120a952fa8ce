"""What runs inside a Ray worker: one action (``run_action``), a batch of map items
(``run_items``), and the worker's start-up hook (``setup``).

A request is plain data: the task template's key (the template itself is put in the cluster's
key-value store once per backend by the driver, fetched by a worker the first time it meets the
key and cached here), input literals as msgpack (or the URI of a large one), and the
``ActionContext`` (with the driver's ``FLYTELIKE_*`` variables in ``environment``, applied
around the attempt: a Ray worker runs one task at a time). The attempt itself is the local
backend's (same conversions, ``current_context()``, decks, dynamic tasks), so a task behaves
the same on both backends. Offloaded values (files, directories, dataframes, and outputs over
the request's offload limit) go under the run's raw data prefix (``_places``). A timeout is
counted here, from the start of the body (``_deadline``).

What does not live here: the code-shipping rule (``_code``), the driver side (``_backend``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pickle
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

from flytelike.backends import (
    SYSTEM,
    ActionContext,
    ActionOutcome,
    ActionRequest,
    ExecutionError,
    InlineRunner,
    ItemIds,
    enter,
    leave,
    run_sync,
    task_function,
    variables,
)

# The attempt is the local backend's own: a worker runs the task exactly as ``local`` does, and
# what it prints is captured as in the local backend's worker processes (``_capture``).
from flytelike.backends import _capture as capture
from flytelike_ray._deadline import Deadline, install_wake
from flytelike_ray._places import (
    DeckPages,
    data_scope,
    outputs_uri,
    put_large,
    scratch_dir,
    take_decks,
    worker_data,
)
from flytelike_ray._types import apply as apply_types
from flytelike_ray._wire import (
    ErrorTuple,
    pack_error,
    pack_values,
    unpack_literals,
    unpack_values,
)
from typesystem import to_msgpack, unbox

_TASKS: dict[str, Any] = {}
_MAX_TASKS = 512
# A request carries its ActionContext as these fields' values (``_backend._prepare``).
_FIELDS = tuple(f.name for f in dataclasses.fields(ActionContext))
_RUN_NAME = _FIELDS.index("run_name")
_RUN_DIR = _FIELDS.index("run_dir")

# (stream, text) chunks an attempt printed and how many characters were cut from their start
LogTuple = tuple[tuple[tuple[str, str], ...], int]
# (outputs, error, decks, dynamic, printed, artifacts to publish: ``ActionOutcome.artifacts``)
Outcome = tuple[
    dict[str, bytes | str] | None, ErrorTuple | None, DeckPages, Any, LogTuple | None, Any
]

_HINT = (
    " (on a Ray worker, pid {pid}: the module must be installed there or be under the code "
    "root the backend shipped as the job's working_dir; see flytelike_ray._code)"
)


def setup() -> None:
    """Ray's ``worker_process_setup_hook``: when the worker starts, not on its first action,
    import flytelike (this module does), load the type plugins of installed distributions and
    put the print capture in front of ``sys.stdout``/``sys.stderr``."""
    import typesystem

    typesystem.default_registry().load_plugins()
    capture.install()
    install_wake()


KV_NAMESPACE = "flytelike"  # (Ray's key-value store: where the driver puts task templates)


def template(key: str) -> Any:
    """The task template stored under ``key`` in the cluster's key-value store: from this
    worker's cache, else fetched once and unpickled (with the driver's run-time type
    registrations, applied before the task is used)."""
    task = _TASKS.get(key)
    if task is None:
        from ray.experimental import internal_kv

        data = internal_kv._internal_kv_get(key.encode(), namespace=KV_NAMESPACE)
        if data is None:
            raise LookupError(
                f"task template {key} is not in the Ray cluster's key-value store (the driver "
                "that sent it closed its backend)"
            )
        task, registrations = pickle.loads(data)
        apply_types(registrations)  # (the driver's run-time type registrations, before use)
        if len(_TASKS) >= _MAX_TASKS:
            _TASKS.clear()
        _TASKS[key] = task
    return task


def _variables(pairs: tuple[tuple[str, str], ...]) -> AbstractContextManager[None]:
    """The driver's variables (``ActionContext.environment``) set around one request; the
    task's own ``environment`` and secrets are set by the attempt itself, inside."""
    return variables(dict(pairs))


def _system(what: str, e: BaseException) -> ErrorTuple:
    err = ExecutionError(
        SYSTEM,
        f"Ray worker (pid {os.getpid()}) could not {what}: {type(e).__name__}: {e}",
        f"{type(e).__module__}.{type(e).__qualname__}",
    )
    return pack_error(err)


def _with_hint(err: ExecutionError) -> ExecutionError:
    if not err.error_type.endswith(("FunctionResolutionError", "LocalExecutionError")):
        return err
    hint = _HINT.format(pid=os.getpid())
    return ExecutionError(
        err.kind,
        err.message + hint,
        err.error_type,
        err.traceback,
        err.recoverable,
        err.timed_out,
        err.exception,
    )


def run_action(payload: bytes) -> bytes:
    """One attempt of one task action: ``payload`` is the pickled ``(template key, inputs,
    ActionContext fields, storage options, offload limit, frame format)``, each input msgpack
    bytes or a blob URI; returns the pickled ``(outputs, error, deck pages, dynamic closure,
    what it printed)``, each output msgpack bytes or, over the offload limit, the URI of the
    blob the worker wrote.
    Pickled here (the C pickler) rather than by Ray, whose argument and result serialisation
    costs more per call."""
    return pickle.dumps(_run_action(payload), protocol=5)


def _context(fields: Sequence[Any]) -> ActionContext:
    """The request's ``ActionContext`` with a scratch ``run_dir`` on this machine."""
    values = list(fields)
    values[_RUN_DIR] = scratch_dir(values[_RUN_NAME])
    return ActionContext(*values)


def _run_action(payload: bytes) -> Outcome:
    try:
        key, inputs, fields, storage, limit, fmt = pickle.loads(payload)
        context = _context(fields)
        task = template(key)
    except Exception as e:
        return None, _system("read the request", e), (), None, None, None
    capture.install()  # (``setup`` did it, unless a runtime_env of the user's replaced the hook)
    if context.environment:  # (the driver's variables, around the data context as well)
        with _variables(context.environment):
            return _in_data(task, context, inputs, limit, storage, fmt)
    return _in_data(task, context, inputs, limit, storage, fmt)


def _in_data(
    task: Any,
    context: ActionContext,
    inputs: Mapping[str, bytes | str],
    limit: int,
    storage: Mapping[str, Mapping[str, Any]],
    fmt: str,
) -> Outcome:
    """The attempt inside the worker's data context for it (``worker_data``)."""
    data = worker_data(context, storage, fmt)
    if data is None:
        return _attempt(task, context, inputs, limit)
    tokens = enter(None, data)
    try:
        return _attempt(task, context, inputs, limit)
    finally:
        leave(None, tokens)


def _attempt(
    task: Any, context: ActionContext, inputs: Mapping[str, bytes | str], limit: int
) -> Outcome:
    try:
        literals = unpack_literals(inputs)
    except Exception as e:
        return None, _system("read the inputs", e), (), None, None, None
    if context.timeout:
        # The clock starts once the function is here (a cold import is not counted); a
        # function that does not resolve is reported by ``run_sync``.
        with contextlib.suppress(Exception):
            task_function(task)
        with Deadline(context) as deadline:
            outcome = run_sync(ActionRequest(task, literals, context))
        if deadline.fired:
            outcome = ActionOutcome(error=deadline.error(task.id.name), decks=outcome.decks)
    else:
        outcome = run_sync(ActionRequest(task, literals, context))
    printed = capture.take(context.run_name, context.action_id, context.attempt)
    logs = (printed.chunks, printed.dropped) if printed is not None else None
    decks = take_decks(outcome.decks)
    if outcome.error is not None:
        return None, pack_error(_with_hint(outcome.error)), decks, None, logs, None
    try:
        outputs = _put_outputs(outcome.outputs or {}, context, limit)
    except Exception as e:
        return None, _system("write its large outputs", e), decks, None, logs, None
    return outputs, None, decks, outcome.dynamic, logs, outcome.artifacts


def _put_outputs(
    outputs: Mapping[str, Any], context: ActionContext, limit: int
) -> dict[str, bytes | str]:
    """Output literals as msgpack, those over ``limit`` bytes written under the run's
    location and sent as their URI."""
    encoded = {k: to_msgpack(v) for k, v in outputs.items()}
    where = outputs_uri(context) if limit and any(len(v) > limit for v in encoded.values()) else ""
    if not where:
        return dict(encoded)
    return {k: put_large(v, f"{where}/{k}.msgpack", limit) for k, v in encoded.items()}


ItemsOutcome = tuple[dict[str, bytes | str], list[ErrorTuple | None], list[LogTuple | None]]


def run_items(payload: bytes) -> bytes:
    """Map items of one task, one after another. ``payload`` is the pickled ``(template key,
    ActionContext fields, fixed inputs, lists, ids, storage options, offload limit, frame
    format)``: item ``j`` is ``ids[j]`` (action id, attempt) with the ``j``-th value of every
    list in ``lists`` and the ``fixed`` inputs. Returns the pickled ``(outputs, errors, printed)``: per output, a
    ``Collection`` of the items' values (``None`` where an item failed; a blob URI when over the
    offload limit) and, per item, its error or ``None`` and what it printed or ``None``."""
    key, fields, fixed, lists, ids, storage, limit, fmt = pickle.loads(payload)
    context = _context(fields)
    capture.install()
    with data_scope(context, storage, fmt):
        outcome = _run_items(key, context, fixed, lists, ids, limit)
    return pickle.dumps(outcome, protocol=5)


def _run_items(
    key: str,
    context: ActionContext,
    fixed: Mapping[str, bytes | str],
    lists: Mapping[str, bytes | str],
    ids: Sequence[tuple[str, int]],  # (a list, or the engine's ItemIds)
    limit: int,
) -> ItemsOutcome:
    n = len(ids)
    try:
        task = template(key)
        runner = InlineRunner(task, context)
        common = {k: unbox(v) for k, v in unpack_literals(fixed).items()}
        columns = [(k, unpack_values(v)) for k, v in lists.items()]
    except Exception as e:
        err = _system("prepare the map items", e)
        return {}, [err] * n, [None] * n
    names = runner.tf.output_names
    out: dict[str, list[Any]] = {name: [None] * n for name in names}
    errors: list[ErrorTuple | None] = [None] * n
    printed: list[LogTuple | None] = [None] * n
    run_name = context.run_name
    with _variables(context.environment), runner.bound():
        ran = _as_chunk(runner, ids, common, columns, out, errors, printed, run_name)
        for j in range(ran, n):  # (one by one: later attempts, or what a chunk cannot run)
            aid, attempt = ids[j]
            values = dict(common)
            for k, col in columns:
                values[k] = col[j]
            outputs, error = runner.item(aid, values, attempt)
            if capture.OPEN:  # (some item printed: this one?)
                log = capture.take(run_name, aid, attempt)
                if log is not None:
                    printed[j] = (log.chunks, log.dropped)
            if error is not None:
                errors[j] = pack_error(_with_hint(error))
                continue
            assert outputs is not None
            for name in names:
                out[name][j] = outputs[name]
    where = outputs_uri(context)
    try:
        packed = {
            name: put_large(
                pack_values(vals), f"{where}/items-{ids[0][0]}-{ids[0][1]}-{name}.msgpack", limit
            )
            if where
            else pack_values(vals)
            for name, vals in out.items()
        }
    except Exception as e:
        err = _system("write the map items' large outputs", e)
        return {}, [err] * n, printed
    return packed, errors, printed


class _Shifted(Sequence[Any]):
    """A batch's column read at its items' indices in the map (``ChunkRunner.run`` takes
    ``values[start:stop]`` and ``values[start + k]``)."""

    __slots__ = ("col", "offset")

    def __init__(self, col: Sequence[Any], offset: int) -> None:
        self.col = col
        self.offset = offset

    def __len__(self) -> int:
        return self.offset + len(self.col)

    def __getitem__(self, k: Any) -> Any:
        if isinstance(k, slice):
            return self.col[k.start - self.offset : k.stop - self.offset]
        return self.col[k - self.offset]


def _as_chunk(
    runner: InlineRunner,
    ids: Sequence[tuple[str, int]],
    common: dict[str, Any],
    columns: Sequence[tuple[str, Sequence[Any]]],
    out: dict[str, list[Any]],
    errors: list[ErrorTuple | None],
    printed: list[LogTuple | None],
    run_name: str,
) -> int:
    """Run a batch of first attempts of consecutive items as one chunk, as the local backend
    runs them in place (``InlineRunner.chunks``: what the items share is set up once, each
    still sees its own action); the number of items it ran (0: none, run them one by one)."""
    if type(ids) is not ItemIds or ids.attempts != 0 or type(ids.indices) is not range:
        return 0
    indices = ids.indices
    chunks = runner.chunks() if indices.step == 1 and len(indices) > 1 else None
    if chunks is None:
        return 0
    start = indices.start
    shifted = [(k, _Shifted(col, start)) for k, col in columns]
    got = chunks.run(ids.map_id, start, start + len(indices), common, shifted)
    if got is None:
        return 0
    out[got.name][: got.count] = got.outputs
    for k, error in got.errors.items():
        errors[k] = pack_error(_with_hint(error))
    if capture.OPEN:
        for k in got.printed:
            log = capture.take(run_name, f"{ids.map_id}[{start + k}]", 0)
            if log is not None:
                printed[k] = (log.chunks, log.dropped)
    return got.count


def warm(seconds: float) -> int:
    """A trivial task that keeps its worker busy for ``seconds`` (``RayBackend.warmup``): the
    worker has imported flytelike when it returns."""
    import time

    import flytelike.backends._local  # noqa: F401  (what every action needs)

    time.sleep(seconds)
    return os.getpid()
