"""Stopping a sync task body that runs in a thread of this process: ``stop(run, action)``.

The local backend calls a sync body inside a *window* (``call``: around the call of the user's
function and nothing else), so this module knows which thread runs which action's
body. ``stop`` raises ``TaskBodyStopped`` in that thread with ``PyThreadState_SetAsyncExc``: the
interpreter raises it at the body's next bytecode boundary, which stops pure-Python work (``while
True: pass``, a loop of computations) within microseconds. A thread blocked inside a C call
(``time.sleep``, a socket read, a long C-extension call) raises it only when that call returns:
nothing of the body runs after it, but the thread stays blocked until then. The main thread is
the exception: when ``flytelike run`` has installed ``wake_handler`` (``set_main_wake``), a stop
aimed at the main thread also sends it that signal, which interrupts the blocking call there.

Why only inside windows: an exception injected anywhere else could land in the engine's own
bookkeeping. ``leave`` takes the thread's lock and withdraws a stop that has not been raised yet,
so once a window is closed nothing can be raised in that thread; ``stop`` injects at most once
per window, under the same lock. The backend catches ``TaskBodyStopped`` like any exception of the
body (``_attempt``); the engine then records the action as what stopped it (``ABORTED`` or
``TIMED_OUT``), whatever the outcome says.

Bodies that must really be killed (a body with a timeout, which may never return) run in a
worker process instead (``_worker``); this module is for bodies that must keep sharing this
process (no timeout: aborts and Ctrl-C) and for platforms without ``fork``.
"""

from __future__ import annotations

import ctypes
import signal
import threading
import weakref
from types import FrameType
from typing import Any

from flytelike.errors import TaskBodyStopped

_SET_ASYNC_EXC = ctypes.pythonapi.PyThreadState_SetAsyncExc


class _Bodies:
    """The open windows of one thread (a stack: a body may call a task that runs in place)."""

    __slots__ = ("__weakref__", "ident", "lock", "stack", "stopped")

    def __init__(self) -> None:
        self.ident = threading.get_ident()
        self.stack: list[Any] = []
        self.stopped: Any = None  # the window a stop was injected for, until it closes
        self.lock = threading.Lock()


_LOCAL = threading.local()
# Every thread's windows, by thread id; an entry goes away with its thread (its locals die).
_THREADS: weakref.WeakValueDictionary[int, _Bodies] = weakref.WeakValueDictionary()
_WAKE: list[int] = []  # the signal that wakes the main thread (``set_main_wake``), if any


def bodies() -> _Bodies:
    """This thread's windows."""
    try:
        return _LOCAL.bodies  # type: ignore[no-any-return]
    except AttributeError:
        b = _LOCAL.bodies = _Bodies()
        _THREADS[b.ident] = b
        return b


def call(ctx: Any, fn: Any, kwargs: dict[str, Any]) -> Any:
    """``fn(**kwargs)``, the body of the action ``ctx`` (an ``ExecutionContext``), in a window.

    ``TaskBodyStopped`` may come out of it, also from the window's closing: a caller that
    catches it must call ``leave(bodies(), ctx)`` in its handler."""
    b = bodies()
    stack = b.stack
    stack.append(ctx)
    try:
        return fn(**kwargs)
    finally:
        # No lock on this path: ``stop`` marks ``stopped`` before it looks at the stack, and we
        # look at ``stopped`` after popping, so one of us sees the other (the GIL orders them).
        stack.pop()
        if b.stopped is not None:
            _withdraw(b, ctx)


def leave(b: _Bodies, ctx: Any) -> None:
    """Close the window of ``ctx`` if it is still open and withdraw a stop aimed at it that was
    not raised yet. Idempotent."""
    with b.lock:
        if b.stack and b.stack[-1] is ctx:
            b.stack.pop()
    _withdraw(b, ctx)


def _withdraw(b: _Bodies, ctx: Any) -> None:
    with b.lock:  # (waits for a ``stop`` that is injecting right now)
        if b.stopped is ctx:
            b.stopped = None
            _SET_ASYNC_EXC(ctypes.c_ulong(b.ident), None)  # (clears a pending one, if any)


def _holds(stack: list[Any], ctx: Any) -> bool:
    return any(c is ctx for c in stack)


def _matches(ctx: Any, run_name: str, action_id: str | None, attempt: int | None) -> bool:
    if ctx.run_name != run_name:
        return False
    if action_id is None:
        return True
    action = ctx.action
    if attempt is not None and action.attempt != attempt:
        return False
    aid: str = action.action_id
    # (its descendants: nodes of a sub-workflow ``a/…``, items of a map ``a[i]``)
    return aid == action_id or aid.startswith((action_id + "/", action_id + "["))


def stop(run_name: str, action_id: str | None = None, attempt: int | None = None) -> list[int]:
    """Raise ``TaskBodyStopped`` in every thread running a sync body of action ``action_id``
    (or of one of its descendants; ``None``: of any action of the run), at most once per body.
    Returns the ids of the threads that were told to stop (the caller may ``join`` them)."""
    told: list[int] = []
    main = threading.main_thread().ident
    for b in list(_THREADS.values()):
        with b.lock:
            if b.stopped is not None:
                continue  # (already told; one stop per window)
            target = next((c for c in b.stack if _matches(c, run_name, action_id, attempt)), None)
            if target is None:
                continue
            b.stopped = target  # before looking again: see ``call``
            if not _holds(b.stack, target):
                b.stopped = None
                continue
            _SET_ASYNC_EXC(ctypes.c_ulong(b.ident), ctypes.py_object(TaskBodyStopped))
        told.append(b.ident)
        if b.ident == main and _WAKE and threading.get_ident() != main:
            signal.pthread_kill(b.ident, _WAKE[0])
    return told


def running() -> int:
    """How many sync bodies are running in threads of this process now."""
    return sum(1 for b in list(_THREADS.values()) if b.stack)


def stuck() -> int:
    """How many bodies were told to stop and have not stopped yet (blocked in a C call)."""
    return sum(1 for b in list(_THREADS.values()) if b.stopped is not None)


def set_main_wake(signum: int | None) -> None:
    """Name the signal whose handler is ``wake_handler`` (installed by the caller, in the main
    thread), or ``None`` to stop sending it."""
    _WAKE[:] = [] if signum is None else [signum]


def wake_handler(signum: int, frame: FrameType | None) -> None:
    """Signal handler for ``set_main_wake``: raises the stop that ``stop`` aimed at the body the
    main thread is running, out of the blocking call that body is in."""
    b = getattr(_LOCAL, "bodies", None)
    if b is not None and b.stopped is not None and _holds(b.stack, b.stopped):
        _SET_ASYNC_EXC(ctypes.c_ulong(b.ident), None)  # (raised here instead)
        raise TaskBodyStopped(f"stopped by the engine (signal {signum})")
