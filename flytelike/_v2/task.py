"""``V2Task``: what ``@env.task`` makes (a ``PythonFunctionTask`` with Flyte v2 call semantics).

Contracts (ARCHITECTURE "Two authoring styles, one core"):

- Same task object and IR as ``@task`` (kind ``python``); v2-only settings travel in the
  template's ``custom`` entries (``v2.*`` keys, JSON values).
- Called outside a running task (and outside a v1 workflow body) it is a **plain function call**:
  no conversion, no caching; an ``async def`` task returns a coroutine.
- Called inside a running task it is a **child action** with type conversion at the boundary.
  When the run is live in this process (``flytelike.run``, ``Engine.run``) the call is recorded
  as action ``<caller>/c<n>`` through ``engine.child_call``: cache, retries, timeouts, mocks and
  the run's parallelism apply, and the caller's custom context and group go with it. Otherwise
  (no live run, e.g. a task body run by hand) the body runs in-process with conversion only.
  An async task returns an awaitable; a sync task blocks and returns the value (a sync body's
  child runs on a helper event loop of the run while the caller blocks: ``engine._children``
  ``call_blocking``). As in flyte 2.12, a sync task called without ``.aio`` from async code
  raises ``SyncTaskCallInAsyncContextError`` (blocking would park the caller's event loop); use
  ``await t.aio(...)``. Exceptions from the child reach the caller as flyte converts them
  (``child_error``): ``flytelike.errors.RuntimeUserError`` whose message is the child's message
  and whose ``code`` is the original class name; ``MemoryError`` -> ``OOMError``; conversion
  failures -> ``RuntimeDataValidationError``; a timeout -> ``TaskTimeoutError``. Calling a task
  inside ``@trace`` raises ``TraceDoesNotAllowNestedTasksError``.
- ``t.aio(...)`` always returns an awaitable; ``t.forward(...)`` runs the body in-process without
  an action or conversion; ``t.override(...)`` returns a new task and never changes ``t``.
- Inside a v1 workflow body a V2Task behaves as a v1 task (adds a node).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from typing import Any

from flytelike._entities.calls import run_in_place, run_in_place_async
from flytelike._entities.kit_attributes import view
from flytelike._entities.task import PythonFunctionTask
from flytelike._settings.task import TaskSettings
from flytelike._v2 import context as _context
from flytelike.compiler import compiling, map_arguments
from flytelike.errors import (
    ActionAbortedError,
    BaseRuntimeError,
    LocalExecutionError,
    OOMError,
    RestrictedTypeError,
    RetriesExhaustedError,
    RuntimeDataValidationError,
    RuntimeUserError,
    SyncTaskCallInAsyncContextError,
    TaskInterruptedError,
    TaskTimeoutError,
    TraceDoesNotAllowNestedTasksError,
)
from flytelike.ir import TaskTemplate, replace, with_version

# User errors that keep their class across an action boundary: flyte rebuilds these from the
# error's code; any other ``RuntimeUserError`` subclass (``NonRecoverableError``, ``CustomError``,
# ``SyncTaskCallInAsyncContextError``, ...) arrives as a plain ``RuntimeUserError`` with its code.
_KEPT_USER_ERRORS: tuple[type[RuntimeUserError], ...] = (
    OOMError,
    TaskTimeoutError,
    TaskInterruptedError,
    RetriesExhaustedError,
    ActionAbortedError,
    RuntimeDataValidationError,
    RestrictedTypeError,
)


def child_error(task_name: str, e: BaseException) -> BaseException:
    """The exception a parent (or ``flyte.run``) sees when a child action raised ``e``: the
    child's message unchanged, ``code`` the original class name, as flyte reports it."""
    if isinstance(e, RuntimeUserError) and not isinstance(e, _KEPT_USER_ERRORS):
        if type(e) is RuntimeUserError:
            return e
        plain = RuntimeUserError(e.code, str(e), worker=e.worker or task_name)
        plain.__cause__ = e
        return plain
    if isinstance(e, BaseRuntimeError):
        return e
    if isinstance(e, LocalExecutionError) and getattr(e, "phase", "") == "TIMED_OUT":
        timed_out = TaskTimeoutError(f"{task_name}: {e}", worker=task_name)
        timed_out.__cause__ = e
        return timed_out
    import typesystem

    cls: type[RuntimeUserError] = RuntimeUserError
    if isinstance(e, MemoryError):
        cls = OOMError
    elif isinstance(e, typesystem.TypeSystemError):
        cls = RuntimeDataValidationError
    err = cls(type(e).__name__, str(e), worker=task_name)
    err.__cause__ = e
    return err


def _in_event_loop() -> bool:
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class V2Task(PythonFunctionTask[Any, Any]):
    """A task made by ``@env.task``; see the module docstring for call semantics."""

    untyped_inputs_any = True

    def __init__(
        self,
        func: Callable[..., Any],
        settings: TaskSettings,
        where: str,
        *,
        env: Any,
        name: str,
        options: dict[str, Any],
        custom: dict[str, Any],
    ) -> None:
        super().__init__(func, settings, where)
        self.name = name
        self.env = env
        self.short_name: str = custom.get("short_name") or func.__name__
        self.options = dict(options)
        self.custom = dict(custom)
        self.is_async = inspect.iscoroutinefunction(func)
        self.report = bool(custom.get("report"))

    @property
    def func(self) -> Callable[..., Any]:
        """flyte 2's ``task.func``: the decorated function itself; calling it runs the body as
        plain Python (no task boundary, no conversions), as flyte's own tests do."""
        return self._func

    # ------------------------------------------------------------------ calls
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if compiling():  # inside a v1 workflow body: a node, as @task
            return super().__call__(*args, **kwargs)
        from flytelike.backends import running_action

        if running_action() is None:
            return self._func(*args, **kwargs)
        values = map_arguments(self, args, kwargs) if args or kwargs else {}
        if self.is_async:
            return self._child_async(values)
        if _in_event_loop():
            raise SyncTaskCallInAsyncContextError(
                f"Sync task {self.name!r} was called in a blocking way from async code. This "
                "blocks the event loop and can hang the run. Use "
                f"`await {self._func.__name__}.aio(...)` instead."
            )
        return self._child_sync(values)

    def aio(self, *args: Any, **kwargs: Any) -> Any:
        """An awaitable of the call, for sync and async tasks alike."""
        if self.is_async:
            return self(*args, **kwargs)
        from flytelike.backends import running_action

        if running_action() is None or compiling():

            async def plain() -> Any:
                return self._func(*args, **kwargs)

            return plain()
        import asyncio

        from flytelike.engine import can_child_call

        values = map_arguments(self, args, kwargs) if args or kwargs else {}
        if can_child_call():
            return self._child_action(values)
        return asyncio.to_thread(self._child_sync, values)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Run the body here, without an action or type conversion (async: a coroutine)."""
        return self._func(*args, **kwargs)

    def override(self, **kwargs: Any) -> V2Task:
        """A new task with some settings replaced (chains; the original is unchanged)."""
        return self.env._make(self._func, {**self.options, **kwargs})  # type: ignore[no-any-return]

    # ------------------------------------------------------------------ child actions
    def _check_trace(self) -> None:
        traced = _context._IN_TRACE.get()
        if traced is not None:
            raise TraceDoesNotAllowNestedTasksError(
                "TraceDoesNotAllowNestedTasksError",
                f"task {self.short_name!r} was called inside traced function {traced!r}; "
                "traces are checkpoints inside a task and cannot start actions. Call the task "
                "from the task body instead.",
            )

    async def _child_action(self, values: dict[str, Any]) -> Any:
        """The call as a recorded child action (``engine.child_call``); needs ``can_child_call``."""
        import asyncio

        from flytelike.backends import drop_declarations, hand_declarations
        from flytelike.engine import child_call, next_child_action_id

        self._check_trace()
        child_id = next_child_action_id()
        _context.record_child(child_id)
        # (``artifacts.produces`` around this call: its declarations go to this child only)
        handed = hand_declarations(child_id, bool(self.custom.get("produces_artifacts")), self.name)
        try:
            return await child_call(self, values)
        except asyncio.CancelledError:
            raise
        except Exception as e:
            raise child_error(self.short_name, e) from e
        finally:
            drop_declarations(handed)

    def _child_sync(self, values: dict[str, Any]) -> Any:
        from flytelike.engine import call_blocking, can_call_blocking

        self._check_trace()
        if can_call_blocking():
            return call_blocking(lambda: self._child_action(values))
        token = _context._TASK.set(self.short_name)
        try:
            return run_in_place(self, values, lambda native: self._func(**native))
        except BaseException as e:
            if isinstance(e, KeyboardInterrupt | SystemExit | GeneratorExit):
                raise
            raise child_error(self.short_name, e) from e
        finally:
            _context._TASK.reset(token)

    async def _child_async(self, values: dict[str, Any]) -> Any:
        import asyncio

        from flytelike.engine import can_child_call

        if can_child_call():
            return await self._child_action(values)
        self._check_trace()
        token = _context._TASK.set(self.short_name)
        try:
            return await run_in_place_async(self, values, lambda native: self._func(**native))
        except asyncio.CancelledError:
            raise
        except Exception as e:
            raise child_error(self.short_name, e) from e
        finally:
            _context._TASK.reset(token)

    # ------------------------------------------------------------------ IR
    def template(self) -> TaskTemplate:
        if self._template is None:
            base = super().template()
            extra = tuple(
                (f"v2.{k}", json.dumps(v, sort_keys=True, default=repr))
                for k, v in sorted(self.custom.items())
                if v not in (None, (), [], {}, False, "")
            )
            self._template = with_version(replace(base, custom=base.custom + extra))
        return self._template

    @view
    def interface(self) -> Any:
        """flyte's ``task.interface``: the ``NativeInterface`` (flytekit's is the IR's)."""
        return self.native_interface

    @view
    def task_type(self) -> str:
        return "python"  # (flyte's; flytekit's python tasks say "python-task")

    @property
    def native_interface(self) -> Any:
        """The task's Python interface as flyte describes it
        (``flytelike.models.NativeInterface`` of the task function)."""
        from flytelike._v2.records import NativeInterface

        return NativeInterface.from_callable(self._func)

    @property
    def triggers(self) -> tuple[Any, ...]:
        """The ``Trigger`` objects given to ``@env.task(triggers=...)``, in order, as flyte's
        ``task.triggers`` (the local scheduler fires them: ``flytelike schedule serve``)."""
        given = self.options.get("triggers")
        if given is None:
            return ()
        return tuple(given) if isinstance(given, list | tuple) else (given,)

    def __repr__(self) -> str:
        return f"<V2Task {self.name}>"
