"""What runs inside a Ray worker: one action (``run_action``), a batch of map items
(``run_items``), and the worker's start-up hook (``setup``).

A request is plain data: the task template (sent to the cluster once per backend through the
object store and cached here by its digest), input literals as msgpack, and the
``ActionContext`` (with the driver's ``FLYTELIKE_*`` variables in ``environment``, applied
around the attempt: a Ray worker runs one task at a time). The attempt itself is the local
backend's (same conversions, ``current_context()``, decks, dynamic tasks), so a task behaves
the same on both backends. Offloaded values go under the context's raw data prefix. A timeout
is counted here, from the start of the body (``_deadline``).

What does not live here: the code-shipping rule (``_code``), the driver side (``_backend``).
"""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any

from flytelike.backends import (
    SYSTEM,
    ActionContext,
    ActionOutcome,
    ActionRequest,
    ExecutionError,
    variables,
)

# The attempt is the local backend's own: a worker runs the task exactly as ``local`` does, and
# what it prints is captured as in the local backend's worker processes (``_capture``).
from flytelike.backends import _capture as capture
from flytelike.backends._functions import task_function
from flytelike.backends._local import InlineRunner, run_sync
from flytelike_ray._deadline import Deadline, install_wake
from flytelike_ray._places import DeckPages, take_decks, worker_context
from flytelike_ray._types import apply as apply_types
from flytelike_ray._wire import (
    ErrorTuple,
    pack_error,
    pack_literals,
    pack_values,
    unpack_literals,
    unpack_values,
)
from typesystem import unbox

_TASKS: dict[str, Any] = {}
_MAX_TASKS = 512

# (stream, text) chunks an attempt printed and how many characters were cut from their start
LogTuple = tuple[tuple[tuple[str, str], ...], int]
Outcome = tuple[dict[str, bytes] | None, ErrorTuple | None, DeckPages, Any, LogTuple | None]

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


def template(key: str, data: bytes | None, holder: list[Any] | None) -> Any:
    """The task template with digest ``key``: from this worker's cache, else unpickled from
    ``data`` (sent inline) or fetched through ``holder`` (``[ObjectRef]``, not resolved by
    Ray, so a large template is fetched once per worker)."""
    task = _TASKS.get(key)
    if task is None:
        if data is None:
            import ray

            assert holder is not None
            data = ray.get(holder[0])
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


def run_action(payload: bytes, holder: list[Any] | None) -> bytes:
    """One attempt of one task action: ``payload`` is the pickled ``(template digest, template
    bytes or None, input literals as msgpack, ActionContext, storage options)``; returns the
    pickled ``(outputs, error, deck pages, dynamic closure, what it printed)``. Pickled here
    (the C pickler) rather than by Ray, whose argument and result serialisation costs more per
    call."""
    return pickle.dumps(_run_action(payload, holder), protocol=5)


def _run_action(payload: bytes, holder: list[Any] | None) -> Outcome:
    try:
        key, data, inputs, sent, storage = pickle.loads(payload)
        task = template(key, data, holder)
        literals = unpack_literals(inputs)
    except Exception as e:
        return None, _system("read the request", e), (), None, None
    capture.install()  # (``setup`` did it, unless a runtime_env of the user's replaced the hook)
    with _variables(sent.environment), worker_context(sent, storage) as context:
        if context.timeout:
            # The clock starts once the function is here (a cold import is not counted); a
            # function that does not resolve is reported by ``run_sync``.
            with contextlib.suppress(Exception):
                task_function(task)
        with Deadline(context) as deadline:
            outcome = run_sync(ActionRequest(task, literals, context))
    if deadline.fired:
        outcome = ActionOutcome(error=deadline.error(task.id.name), decks=outcome.decks)
    printed = capture.take(context.run_name, context.action_id, context.attempt)
    logs = (printed.chunks, printed.dropped) if printed is not None else None
    decks = take_decks(outcome.decks)
    if outcome.error is not None:
        return None, pack_error(_with_hint(outcome.error)), decks, None, logs
    outputs = pack_literals(outcome.outputs or {})
    return outputs, None, decks, outcome.dynamic, logs


ItemsOutcome = tuple[dict[str, bytes], list[ErrorTuple | None]]


def run_items(payload: bytes, holder: list[Any] | None) -> bytes:
    """Map items of one task, one after another. ``payload`` is the pickled ``(template
    digest, template bytes or None, ActionContext, fixed inputs, lists, ids, storage
    options)``: item ``j`` is
    ``ids[j]`` (action id, attempt) with the ``j``-th value of every list in ``lists`` and the
    ``fixed`` inputs. Returns the pickled ``(outputs, errors)``: per output, a ``Collection``
    of the items' values (``None`` where an item failed) and, per item, its error or ``None``."""
    key, data, sent, fixed, lists, ids, storage = pickle.loads(payload)
    with worker_context(sent, storage) as context:
        outcome = _run_items(key, data, holder, context, fixed, lists, ids)
    return pickle.dumps(outcome, protocol=5)


def _run_items(
    key: str,
    data: bytes | None,
    holder: list[Any] | None,
    context: ActionContext,
    fixed: Mapping[str, bytes],
    lists: Mapping[str, bytes],
    ids: list[tuple[str, int]],
) -> ItemsOutcome:
    n = len(ids)
    try:
        task = template(key, data, holder)
        runner = InlineRunner(task, context)
        common = {k: unbox(v) for k, v in unpack_literals(fixed).items()}
        columns = [(k, unpack_values(v)) for k, v in lists.items()]
    except Exception as e:
        err = _system("prepare the map items", e)
        return {}, [err] * n
    names = runner.tf.output_names
    out: dict[str, list[Any]] = {name: [None] * n for name in names}
    errors: list[ErrorTuple | None] = [None] * n
    with _variables(context.environment), runner.bound():
        for j, (aid, attempt) in enumerate(ids):
            values = dict(common)
            for k, col in columns:
                values[k] = col[j]
            outputs, error = runner.item(aid, values, attempt)
            if error is not None:
                errors[j] = pack_error(_with_hint(error))
                continue
            assert outputs is not None
            for name in names:
                out[name][j] = outputs[name]
    return {name: pack_values(vals) for name, vals in out.items()}, errors


def warm(seconds: float) -> int:
    """A trivial task that keeps its worker busy for ``seconds`` (``RayBackend.warmup``): the
    worker has imported flytelike when it returns."""
    import time

    import flytelike.backends._local  # noqa: F401  (what every action needs)

    time.sleep(seconds)
    return os.getpid()
