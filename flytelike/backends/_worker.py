"""Sync task bodies with a timeout: run where they can be stopped when the attempt is cancelled.

A sync body may never return (``while True: pass``, a call blocked in C such as
``time.sleep(1000)``), and a thread cannot be killed. So ``LocalBackend`` runs each attempt of a
sync task that has a timeout in a process forked for that attempt (``run_in_worker``): the request
is inherited through ``fork``, the outcome comes back through a pipe, and when the engine cancels
the attempt (its timeout, an abort, Ctrl-C of ``flytelike run``) the process is killed
(``SIGKILL``, with the processes its body started: the worker leads a process group of its
own) and reaped before the cancellation completes. Forking costs a few milliseconds per
attempt; tasks without a timeout never come here.

What a body in a worker process sees, unlike one in a thread of the driver: changes it makes to
module globals stay in the worker; v2 tasks it calls run as plain calls there (not as recorded
child actions: give a parent that calls tasks an ``async`` body, or no timeout); its exception
comes back as the object when it pickles (else as type, message and traceback). What it prints is captured as in the
backend's process mode.

Where ``fork`` is not used (not Linux: macOS's system libraries are not fork-safe; a ``memory://``
raw data prefix, which a child's writes would not reach; ``LocalBackend(isolate_timeouts=False)``),
the body runs in a daemon thread of its own (``run_in_thread``) and cancelling the attempt stops it
with ``_stop``: pure-Python work stops at once; a call blocked in C is abandoned (it raises when
it returns, and the thread keeps no process alive).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import warnings
from collections.abc import Callable
from typing import Any

from flytelike.backends import _stop
from flytelike.backends._protocol import SYSTEM, ActionOutcome, ActionRequest, ExecutionError

# Called in a worker process after its attempt, before it exits (``at_child_exit``).
_CHILD_EXIT: list[Callable[[], None]] = []
# Set in a worker process (it runs one attempt, then exits): ``in_worker_process``.
_IN_WORKER: list[bool] = []


def in_worker_process() -> bool:
    """Whether this process is a worker of ``run_in_worker`` (whose whole process group is
    killed when its attempt is cancelled, so the processes a body starts need not be)."""
    return bool(_IN_WORKER)


def at_child_exit(fn: Callable[[], None]) -> None:
    """Have ``fn`` called in every worker process after its attempt (e.g. to flush a run store
    that a direct call inside the body opened there: a worker exits with ``os._exit``)."""
    if fn not in _CHILD_EXIT:
        _CHILD_EXIT.append(fn)


def can_fork(request: ActionRequest) -> bool:
    """Whether ``run_in_worker`` can run this attempt (see the module docstring)."""
    return sys.platform.startswith("linux") and not request.context.raw_data_prefix.startswith(
        "memory://"
    )


def _describe(request: ActionRequest) -> str:
    c = request.context
    return f"task `{request.task.id.name}` ({c.action_id}, attempt {c.attempt + 1})"


def _child(
    writer: Any, request: ActionRequest, attempt: Callable[[ActionRequest], ActionOutcome]
) -> None:
    # Ctrl-C is the driver's to handle: it decides what happens to this process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _own_group(0)
    _IN_WORKER.append(True)
    for sig in (signal.SIGTERM, *_stop._WAKE):
        signal.signal(sig, signal.SIG_DFL)
    _stop.set_main_wake(None)
    signal.set_wakeup_fd(-1)  # (``flytelike run``'s, inherited: the driver's helper reads it)
    asyncio._set_running_loop(None)  # (forked from inside the driver's loop: not running here)
    asyncio.set_event_loop(None)
    try:
        outcome = attempt(request)
    except BaseException as e:
        outcome = _failed(request, "failed", e)
    for fn in _CHILD_EXIT:
        fn()
    try:
        writer.send(_portable(outcome))
    except Exception as e:  # (outputs that cannot be pickled)
        writer.send(_failed(request, "finished, but could not send its outcome back", e))
    writer.close()
    sys.stdout.flush()
    sys.stderr.flush()
    # Not multiprocessing's own exit, which would wait for threads the body left running.
    os._exit(0)


def _portable(outcome: ActionOutcome) -> ActionOutcome:
    """``outcome`` with its exception object only if that survives a pickle round trip (the
    driver re-raises it from direct calls, as when the body runs in a thread there)."""
    err = outcome.error
    if err is None or err.exception is None:
        return outcome
    try:
        pickle.loads(pickle.dumps(err.exception))
    except Exception:
        return dataclasses.replace(outcome, error=dataclasses.replace(err, exception=None))
    return outcome


def _failed(request: ActionRequest, what: str, e: BaseException) -> ActionOutcome:
    text = f"the worker process of {_describe(request)} {what}: {type(e).__name__}: {e}"
    return ActionOutcome(error=ExecutionError(SYSTEM, text, type(e).__name__))


async def run_in_worker(
    request: ActionRequest, attempt: Callable[[ActionRequest], ActionOutcome]
) -> ActionOutcome:
    """Run ``attempt(request)`` (a sync attempt, returning an ``ActionOutcome``) in a forked
    worker process; cancelling this coroutine kills the process."""
    mp = multiprocessing.get_context("fork")
    reader, writer = mp.Pipe(duplex=False)
    proc = mp.Process(
        target=_child,
        args=(writer, request, attempt),
        name=f"flytelike-{request.context.run_name}-{request.context.action_id}",
    )
    with warnings.catch_warnings():
        # Python 3.12+ warns that forking a multi-threaded process may deadlock the child. The
        # child runs one attempt and exits; the locks it needs (imports, logging, this package's
        # registries) are reset after a fork, and it never touches the driver's run store.
        warnings.simplefilter("ignore", DeprecationWarning)
        proc.start()
    pid = proc.pid or 0
    _own_group(pid)  # (also here: the child may not have run its own call yet)
    writer.close()
    loop = asyncio.get_running_loop()
    # Readable: the outcome came (or the pipe closed); the sentinel: the process ended.
    ready: asyncio.Future[None] = loop.create_future()
    try:
        fds = (reader.fileno(), proc.sentinel)
        for fd in fds:
            loop.add_reader(fd, _set_ready, ready)
        try:
            await ready
        finally:
            for fd in fds:
                loop.remove_reader(fd)
        if reader.poll():
            with contextlib.suppress(EOFError, OSError):
                outcome: ActionOutcome = reader.recv()
                return outcome
        proc.join(5)
        return ActionOutcome(
            error=ExecutionError(
                SYSTEM,
                f"the worker process of {_describe(request)} exited with code "
                f"{proc.exitcode} before sending its outcome (killed, or out of memory?)",
                "WorkerProcessDied",
            )
        )
    finally:
        if ready.done() and not ready.cancelled():
            proc.join(0.5)  # (it exits right after sending)
        if proc.is_alive():  # (cancelled: the timeout, an abort, Ctrl-C)
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                proc.kill()
        proc.join()
        reader.close()


def _own_group(pid: int) -> None:
    """Make the worker ``pid`` (0: this process) the leader of a process group of its own, so
    that killing the group at a cancellation also kills the processes its body started (a shell
    task's script, a ``subprocess.run`` in a task) rather than leaving them running."""
    with contextlib.suppress(OSError):
        os.setpgid(pid, pid if pid else 0)


def _set_ready(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)


async def run_in_thread(
    request: ActionRequest, attempt: Callable[[ActionRequest], ActionOutcome]
) -> ActionOutcome:
    """Run ``attempt(request)`` in a daemon thread of its own; cancelling this coroutine stops
    the body with ``_stop`` (and never waits for it)."""
    loop = asyncio.get_running_loop()
    fut: asyncio.Future[ActionOutcome] = loop.create_future()

    def target() -> None:
        try:
            result: Any = attempt(request)
        except BaseException as e:
            result = e
        with contextlib.suppress(RuntimeError):  # (the loop has closed: nobody waits any more)
            loop.call_soon_threadsafe(_settle, fut, result)

    c = request.context
    threading.Thread(target=target, name=f"flytelike-{c.action_id}", daemon=True).start()
    try:
        return await fut
    except asyncio.CancelledError:
        _stop.stop(c.run_name, c.action_id, c.attempt)
        raise


def _settle(fut: asyncio.Future[ActionOutcome], result: Any) -> None:
    if fut.done():
        return
    if isinstance(result, BaseException):
        fut.set_exception(result)
    else:
        fut.set_result(result)
