"""The built-in ``local`` backend: runs task actions in this process (or a process pool).

- sync tasks run in a thread pool (``max_workers``); async tasks run on the engine's event loop;
- a sync attempt with a timeout runs in a worker process forked for it, killed when the attempt
  is cancelled (timeout, abort), so a body that never returns is really stopped (``_worker``;
  ``isolate_timeouts=False`` keeps it in a thread);
- a sync body running in a thread is stopped with an asynchronous exception when its attempt is
  cancelled or its run aborted (``_stop``);
- ``mode="process"`` runs sync tasks in a process pool instead, for CPU-bound Python (a worker
  that dies is a ``SYSTEM`` error, retried by the engine within the system budget);
- ``run_inline`` runs a sync task in the calling thread: the engine uses it when nothing else in
  the run could progress meanwhile.

Each attempt converts its input literals to Python values with the function's annotations, runs
the function with ``current_context()`` set, and converts what it returns back to literals. User
code runs with an empty compile stack (``compiler._stack.isolate``): a compile frame of the
context that started the run is not the task's, so the task's own calls run instead of becoming
nodes of that compile.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from flytelike.backends import _capture as capture
from flytelike.backends import _stop, _worker
from flytelike.backends._functions import FunctionResolutionError, task_function
from flytelike.backends._item_chunks import ChunkRunner, chunk_runner
from flytelike.backends._live import is_mocked
from flytelike.backends._produced import _BUILDER as ARTIFACT_BUILDER
from flytelike.backends._produced import produced, split_artifacts
from flytelike.backends._protocol import (
    SYSTEM,
    USER,
    ActionContext,
    ActionOutcome,
    ActionRequest,
    ExecutionError,
)
from flytelike.backends._runtime import (
    _CURRENT,
    ExecutionContext,
    activate,
    data_context,
    enter,
    leave,
    outputs_scratch,
    render_value,
    restore_variables,
    set_variables,
    variables,
)
from flytelike.backends._secrets import secret_environment
from flytelike.backends._ship import ship_task
from flytelike.backends._tracebacks import user_traceback
from flytelike.compiler import isolate, restore
from flytelike.errors import CodeShippingError, TaskBodyStopped
from typesystem import box, unbox

RECOVERABLE_NAMES = frozenset({"FlyteRecoverableException", "RecoverableException"})


def is_recoverable(exc: BaseException) -> bool:
    """``FlyteRecoverableException`` from flytelike, flytekit or flyte (matched by class name)."""
    return any(c.__name__ in RECOVERABLE_NAMES for c in type(exc).__mro__)


def user_error(exc: BaseException) -> ExecutionError:
    """An exception raised by an attempt, with the traceback of the user's frames only."""
    return ExecutionError(
        kind=USER,
        message=f"{type(exc).__name__}: {exc}",
        error_type=f"{type(exc).__module__}.{type(exc).__qualname__}",
        traceback=user_traceback(exc),
        recoverable=is_recoverable(exc),
        exception=exc,
    )


def _environment(task: Any) -> dict[str, str | None] | None:
    """Set the task's environment (``env_vars``, and the secrets it requests as env vars, from
    the local secret store) for one attempt; returns what ``_restore`` puts back."""
    if not task.environment and not task.secrets:
        return None
    env = dict(task.environment)
    if task.secrets:
        env.update(secret_environment(task))
    return set_variables(env)


_restore = restore_variables


def _decks(
    ctx: ExecutionContext,
    enable_deck: bool,
    kwargs: Any,
    outputs: Any,
    func: Any = None,
    marks: list[float] | None = None,
) -> Any:
    """Write the attempt's decks: with ``enable_deck``, Inputs, Outputs, Source and Timeline
    (from ``marks``: see ``_deck_page.timeline_tab``) before the task's own."""
    if marks:
        marks.append(time.time())  # (the outputs are literals: the attempt's last stage ended)
    if not enable_deck and not ctx.decks:
        return ()
    extra = {}
    if enable_deck:
        extra = {"Inputs": render_value(kwargs), "Outputs": render_value(outputs)}
        from flytelike.backends._deck_page import source_tab, timeline_tab

        source = source_tab(func)
        if source:
            extra["Source"] = source
        if marks:
            extra["Timeline"] = timeline_tab(marks)
    return ctx.write_decks(extra)


def _mocked(tf: Any) -> bool:
    entity = getattr(tf.func, "entity", None)
    return entity is not None and getattr(entity, "mock", None) is not None


def _run_coroutine(coro: Any) -> Any:
    """Run an awaitable to completion from sync code (a thread with no running loop)."""

    async def main() -> Any:
        return await coro

    return asyncio.run(main())


_PLAIN_RESULTS = frozenset({int, float, str, bool, type(None), tuple, list, dict, bytes})


def _attempt(
    tf: Any,
    task: Any,
    ctx: ExecutionContext,
    enable_deck: bool,
    inputs: Any,
    keep_exception: bool = True,
    fn: Any = None,
    bare: bool = False,
) -> ActionOutcome | dict[str, Any]:
    """Convert the inputs, call the function (``fn``, else the task's), convert what it
    returns: one attempt, with ``ctx`` already active and no compile active (``isolate``).
    ``bare``: a success with no decks and no artifacts comes back as its outputs alone."""
    outside = isolate()
    marks = [time.time()] if enable_deck else None  # (the deck's Timeline tab)
    try:
        kwargs = tf.to_python(inputs)
        if task.kind == "dynamic" and not _mocked(tf):
            from flytelike.backends._dynamic import build_dynamic

            return ActionOutcome(outputs={}, dynamic=build_dynamic(task, kwargs, tf))
        if marks is not None:
            marks.append(time.time())
        result = _stop.call(ctx, fn or tf.func, kwargs)  # (``_stop`` can stop it there)
        if type(result) not in _PLAIN_RESULTS and inspect.isawaitable(result):
            result = _run_coroutine(result)
        if marks is not None:
            marks.append(time.time())
        declared = None
        if ARTIFACT_BUILDER:  # (only once flytelike.artifacts is loaded: a hot path)
            result, declared = split_artifacts(tf, result)
        outputs: dict[str, Any]
        if ctx._workdir is None:  # (no working directory: no scratch directory to move from)
            outputs = tf.to_literals(result)
            artifacts = produced(tf, declared, outputs, ctx.action) if declared else None
        else:
            with outputs_scratch(ctx):
                outputs = tf.to_literals(result)
                artifacts = produced(tf, declared, outputs, ctx.action) if declared else None
        decks = (
            _decks(ctx, enable_deck, kwargs, result, fn or tf.func, marks)
            if enable_deck or ctx._decks
            else ()
        )
    except BaseException as e:
        if isinstance(e, KeyboardInterrupt | SystemExit):
            raise
        if isinstance(e, TaskBodyStopped):
            _stop.leave(_stop.bodies(), ctx)
        err = user_error(e)
        if not keep_exception:
            err = ExecutionError(
                err.kind, err.message, err.error_type, err.traceback, err.recoverable
            )
        return ActionOutcome(error=err)
    finally:
        if outside is not None:  # (a compile was active: ``isolate`` emptied its stack)
            restore(outside)
    if bare and artifacts is None and not decks:
        return outputs
    return ActionOutcome(outputs=outputs, decks=decks, artifacts=artifacts)


def run_sync(request: ActionRequest, *, keep_exception: bool = True) -> ActionOutcome:
    """One attempt of a sync task in the calling thread."""
    task = request.task
    action = request.context
    ctx = ExecutionContext(action, task.id.name, task.kind)
    saved = _environment(task)
    # (``activate``, spelled out: this runs once per task action)
    prefix = action.raw_data_prefix
    tokens = enter(ctx, data_context(prefix) if prefix else None)
    try:
        try:
            tf = task_function(task)
        except Exception as e:
            return ActionOutcome(error=user_error(e))
        return _attempt(tf, task, ctx, action.enable_deck, request.inputs, keep_exception)  # type: ignore[return-value]
    finally:
        leave(ctx, tokens)
        if saved is not None:
            _restore(saved)


class InlineRunner:
    """Runs attempts of one sync task in the calling thread, one action after another (map
    items): the function, its conversions and the data context are resolved once, and each
    attempt only gets its own ``current_context()`` (id, attempt, working directory, decks).

    The caller is expected to have no running event loop in this thread (the engine hides its
    loop around a stretch of items, see ``hidden_loop``)."""

    __slots__ = (
        "base",
        "data",
        "decoders",
        "encoder",
        "env",
        "fn",
        "make_ctx",
        "task",
        "tf",
    )

    def __init__(self, task: Any, base: ActionContext, own_start: bool = False) -> None:
        self.task = task
        self.base = base
        self.env = bool(task.environment or task.secrets)  # (``_environment`` has work to do)
        tf = self.tf = task_function(task)
        plain = getattr(tf.func, "plain", None)
        self.fn = (plain() if plain is not None else tf.func) or tf.func
        self.data = data_context(base.raw_data_prefix) if base.raw_data_prefix else None
        # (``own_start``: each attempt's ``execution_date`` is its own start, as for an action
        # run alone; map items share their map's)
        self.make_ctx = ExecutionContext.item_factory(base, tf.name, task.kind, own_start)
        # Item-level conversions (``TypeTransformer.decode``/``encode``: container items, where
        # primitives stay unboxed), for ``item``.
        self.decoders = [(n, tr.decode, t) for n, (tr, t) in tf.in_conv.items()]
        single = tf.single
        self.encoder = (single[0], single[1].encode, single[2]) if single is not None else None

    @contextmanager
    def bound(self) -> Iterator[None]:
        """Around a stretch of calls in one thread: the run's data context, set once."""
        if self.data is None:
            yield
            return
        tokens = enter(None, self.data)
        try:
            yield
        finally:
            leave(None, tokens)

    def once(self, action_id: str, inputs: Mapping[str, Any], attempt: int) -> ActionOutcome:
        """One attempt (as calling the runner) with the run's data context set around it alone:
        for a caller outside a stretch (``bound``)."""
        if self.data is None:
            return self.bare(action_id, inputs, attempt, False)  # type: ignore[return-value]
        tokens = enter(None, self.data)
        try:
            return self.bare(action_id, inputs, attempt, False)  # type: ignore[return-value]
        finally:
            leave(None, tokens)

    def __call__(self, action_id: str, inputs: Mapping[str, Any], attempt: int) -> ActionOutcome:
        return self.bare(action_id, inputs, attempt, False)  # type: ignore[return-value]

    def bare(
        self, action_id: str, inputs: Mapping[str, Any], attempt: int, bare: bool = True
    ) -> ActionOutcome | dict[str, Any]:
        """Like calling the runner, but an attempt that succeeds with nothing to report beside
        its outputs (no decks, no artifacts) returns the outputs alone, as a new dict, without
        an ``ActionOutcome`` (the engine's in-place chain, ``_inplace``)."""
        task = self.task
        ctx = self.make_ctx(action_id, attempt)
        saved = _environment(task) if self.env else None
        token = _CURRENT.set(ctx)  # (the data context is set once per stretch: ``bound``)
        try:  # (arguments by position: keywords cost a chained task ~900 instructions)
            return _attempt(self.tf, task, ctx, self.base.enable_deck, inputs, True, self.fn, bare)
        finally:
            _CURRENT.reset(token)
            if ctx._workdir is not None:
                ctx.cleanup()
            if saved is not None:
                _restore(saved)

    def chunks(self) -> ChunkRunner | None:
        """Runs first attempts of this task's map items a chunk at a time (``_item_chunks``);
        ``None`` when its items must run one by one (``item``)."""
        return chunk_runner(self, user_error, (_environment, _restore), _decks)

    def item(
        self, action_id: str, values: Mapping[str, Any], attempt: int
    ) -> tuple[dict[str, Any] | None, ExecutionError | None]:
        """Like calling the runner, with item values in and out (as stored in a list literal:
        primitives unboxed) and ``(outputs, error)`` instead of an ``ActionOutcome``; for map
        items, whose values come from and go to list literals. Decks are written as usual but
        not returned (map items do not record decks)."""
        task = self.task
        tf = self.tf
        ctx = self.make_ctx(action_id, attempt)
        saved = _environment(task)
        token = _CURRENT.set(ctx)
        outside = isolate()
        enable = self.base.enable_deck
        marks = [time.time()] if enable else None  # (the deck's Timeline tab)
        try:
            try:
                kwargs = {name: dec(values[name], t) for name, dec, t in self.decoders}
            except Exception:  # the general conversion reports it (input name, task)
                kwargs = tf.to_python({k: box(v) for k, v in values.items()})
            if marks is not None:
                marks.append(time.time())
            result = _stop.call(ctx, self.fn, kwargs)  # (an abort can stop it there)
            if type(result) not in _PLAIN_RESULTS and inspect.isawaitable(result):
                result = _run_coroutine(result)
            if marks is not None:
                marks.append(time.time())
            declared = None
            if ARTIFACT_BUILDER:  # (only once flytelike.artifacts is loaded: a hot path)
                result, declared = split_artifacts(tf, result)
            enc = None if declared else self.encoder
            outputs = None
            if enc is not None:
                try:
                    outputs = {enc[0]: enc[1](result, enc[2])}
                except Exception:
                    outputs = None
            if outputs is None:
                with outputs_scratch(ctx):
                    literals = tf.to_literals(result)
                    if declared:  # (a map item's attempt has succeeded once its outputs convert)
                        produced(tf, declared, literals, ctx.action).publish()
                    outputs = {k: unbox(v) for k, v in literals.items()}
            if enable or ctx._decks:
                _decks(ctx, enable, kwargs, result, tf.func, marks)
        except BaseException as e:
            if isinstance(e, KeyboardInterrupt | SystemExit):
                raise
            if isinstance(e, TaskBodyStopped):
                _stop.leave(_stop.bodies(), ctx)
            return None, user_error(e)
        finally:
            restore(outside)
            _CURRENT.reset(token)
            if ctx._workdir is not None:
                ctx.cleanup()
            if saved is not None:
                _restore(saved)
        return outputs, None


def _run_in_subprocess(request: ActionRequest, keep_exception: bool = False) -> ActionOutcome:
    """An attempt in a pool or worker process: what it prints is captured there and sent back
    (with the exception object only when ``keep_exception``: the caller checks it travels); the
    context's ``environment`` (the driver's variables, ``_with_driver_variables``) is set
    around it."""
    capture.install()
    with variables(dict(request.context.environment)):
        outcome = run_sync(request, keep_exception=keep_exception)
    action = request.context
    logs = capture.take(action.run_name, action.action_id, action.attempt)
    return outcome if logs is None else replace(outcome, logs=logs)


def _with_driver_variables(context: ActionContext) -> ActionContext:
    """``context`` carrying the driver's ``FLYTELIKE_*`` variables as they are now: a pool
    process started earlier does not have those set since."""
    env = tuple((k, v) for k, v in os.environ.items() if k.startswith("FLYTELIKE_"))
    return replace(context, environment=(*context.environment, *env)) if env else context


def _run_in_worker(request: ActionRequest) -> ActionOutcome:
    return _run_in_subprocess(request, keep_exception=True)


async def run_async(request: ActionRequest) -> ActionOutcome:
    """One attempt of an async task on the running event loop."""
    task = request.task
    ctx = ExecutionContext(request.context, task.id.name, task.kind)
    saved = _environment(task)
    outside = isolate()
    try:
        with activate(ctx):
            try:
                tf = task_function(task)
                marks = [time.time()] if request.context.enable_deck else None
                kwargs = tf.to_python(request.inputs)
                if marks is not None:
                    marks.append(time.time())
                result = tf.func(**kwargs)
                if inspect.isawaitable(result):
                    result = await result
                if marks is not None:
                    marks.append(time.time())
                result, declared = split_artifacts(tf, result)
                with outputs_scratch(ctx):
                    outputs = tf.to_literals(result)
                    artifacts = produced(tf, declared, outputs, ctx.action) if declared else None
                decks = _decks(ctx, request.context.enable_deck, kwargs, result, tf.func, marks)
            except asyncio.CancelledError:
                raise
            except Exception as e:
                return ActionOutcome(error=user_error(e))
    finally:
        restore(outside)
        if saved is not None:
            _restore(saved)
    return ActionOutcome(outputs=outputs, decks=decks, artifacts=artifacts)


def _cannot_run(request: ActionRequest, e: Exception) -> ExecutionError:
    from flytelike.errors import LocalExecutionError

    task = request.task
    exc = LocalExecutionError(str(e), entity=task.id.name)
    return ExecutionError(
        USER, f"LocalExecutionError: {e}", "flytelike.errors.LocalExecutionError", exception=exc
    )


def _cannot_ship(e: CodeShippingError) -> ExecutionError:
    return ExecutionError(
        USER, f"CodeShippingError: {e}", "flytelike.errors.CodeShippingError", exception=e
    )


class LocalBackend:
    """Runs actions in this process: threads for sync tasks, the event loop for async ones."""

    name = "local"

    def __init__(
        self,
        *,
        mode: str = "thread",
        max_workers: int | None = None,
        isolate_timeouts: bool = True,
    ) -> None:
        if mode not in ("thread", "process"):
            raise ValueError(f"LocalBackend(mode=...) must be 'thread' or 'process', got {mode!r}")
        self.mode = mode
        # Sync attempts with a timeout run in a worker process that can be killed (``_worker``).
        self.isolate_timeouts = isolate_timeouts
        self.max_workers = max_workers or max(32, (os.cpu_count() or 1) * 4)
        self._threads: ThreadPoolExecutor | None = None
        self._processes: ProcessPoolExecutor | None = None

    # ------------------------------------------------------------------ pools
    def _thread_pool(self) -> ThreadPoolExecutor:
        if self._threads is None:
            self._threads = ThreadPoolExecutor(self.max_workers, thread_name_prefix="flytelike")
        return self._threads

    def _process_pool(self) -> ProcessPoolExecutor:
        if self._processes is None:
            import multiprocessing

            # Workers come from a fork server, never forked from this process: its other
            # threads (the store writer, thread pools, output capture) may hold locks at fork
            # time, and a worker forked then can hang on them (seen in the conformance map
            # test). Requests travel pickled, with the task's code by value when needed.
            self._processes = ProcessPoolExecutor(
                min(self.max_workers, os.cpu_count() or 1),
                mp_context=multiprocessing.get_context("forkserver"),
            )
        return self._processes

    @property
    def executor(self) -> Executor:
        """The pool sync work goes to (the engine also uses it for map items)."""
        return self._thread_pool()

    # ------------------------------------------------------------------ protocol
    def _is_async(self, request: ActionRequest) -> bool:
        return task_function(request.task).is_async

    def can_inline(self, request: ActionRequest) -> bool:
        if self.mode != "thread" or request.context.timeout is not None:
            return False
        try:
            return not self._is_async(request)
        except Exception:
            return False

    def run_inline(self, request: ActionRequest) -> ActionOutcome:
        # The engine calls this on its event loop's thread; the body must not see that loop
        # (``hidden_loop``, spelled out: this runs once per task action).
        loop = asyncio._get_running_loop()
        asyncio._set_running_loop(None)
        try:
            return run_sync(request)
        finally:
            asyncio._set_running_loop(loop)

    def inline_runner(
        self, task: Any, context: ActionContext, own_start: bool = False
    ) -> InlineRunner:
        """A callable ``(action_id, inputs, attempt) -> ActionOutcome`` running attempts of
        ``task`` in the calling thread, each as ``context`` with its own id and attempt (and,
        with ``own_start``, its own ``execution_date``)."""
        return InlineRunner(task, context, own_start)

    async def run_action(self, request: ActionRequest) -> ActionOutcome:
        try:
            is_async = self._is_async(request)
        except FunctionResolutionError as e:
            return ActionOutcome(error=_cannot_run(request, e))
        except Exception as e:
            return ActionOutcome(error=user_error(e))
        if is_async:
            return await run_async(request)
        if request.context.timeout is not None:
            if self.isolate_timeouts and _worker.can_fork(request):
                return await _worker.run_in_worker(request, _run_in_worker)
            if self.mode == "thread":
                return await _worker.run_in_thread(request, run_sync)
        loop = asyncio.get_running_loop()
        if self.mode == "process" and not is_mocked(request.task.id):  # (mocks live here)
            try:  # the request leaves this process: its function by value if need be
                context = _with_driver_variables(request.context)
                request = replace(request, task=ship_task(request.task), context=context)
            except CodeShippingError as e:
                return ActionOutcome(error=_cannot_ship(e))
            return await self._in_process_pool(request)
        try:
            return await loop.run_in_executor(self._thread_pool(), run_sync, request)
        except asyncio.CancelledError:  # (aborted, or a sibling failed): stop the body
            c = request.context
            _stop.stop(c.run_name, c.action_id, c.attempt)
            raise

    async def _in_process_pool(self, request: ActionRequest) -> ActionOutcome:
        """The attempt in a pool worker. A worker that dies is a system error (the engine
        retries within the system budget); a worker that cannot be started, because the fork
        server went away (it exits when a pool shut down mid-start hangs up on it, and is
        started again once it is gone), is tried again here with a fresh pool, since the body
        never ran."""
        loop = asyncio.get_running_loop()
        for wait in (0.05, 0.2, 0.5, 1.0, None):
            try:
                return await loop.run_in_executor(self._process_pool(), _run_in_subprocess, request)
            except BrokenProcessPool as e:
                self._drop_processes()
                return ActionOutcome(
                    error=ExecutionError(SYSTEM, f"worker process died: {e}", "BrokenProcessPool")
                )
            except (ConnectionError, EOFError) as e:
                self._drop_processes()
                if wait is None:
                    return ActionOutcome(
                        error=ExecutionError(
                            SYSTEM, f"could not start a worker process: {e!r}", type(e).__name__
                        )
                    )
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _drop_processes(self) -> None:
        pool, self._processes = self._processes, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        if self._threads is not None:
            self._threads.shutdown(wait=False, cancel_futures=True)
            self._threads = None
        if self._processes is not None:
            self._processes.shutdown(wait=False, cancel_futures=True)
            self._processes = None

    def __repr__(self) -> str:
        return f"LocalBackend(mode={self.mode!r}, max_workers={self.max_workers})"
