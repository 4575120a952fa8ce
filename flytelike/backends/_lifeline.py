"""Child processes that die with the process that started them (Linux).

A served app whose ``command`` runs as a child process (``AppEnvironment(command=...)``, a
``ConnectorEnvironment``'s ``python -m flytelike.connectors --port P``) is stopped by
``AppHandle.stop()``, and the script of a ``ContainerTask`` or shell task run locally is killed
when its action stops; when the process that started them is killed (SIGKILL, an OOM kill)
nothing stops them, and they would live on (an app holding its port). On Linux, ``popen``
starts the child with a parent-death signal (``prctl(PR_SET_PDEATHSIG, SIGKILL)``, set through
ctypes in the child between ``fork`` and ``exec``): the kernel kills the child as soon as its
parent ends, however it ends.

Linux sends that signal when the *thread* that forked the child ends, not the process; so every
such child is started from one daemon thread that lives as long as the process
(``_Spawner``), never from the caller's thread (a task body's or a request's thread that ends
would take the app with it). The signal reaches the process the command starts; processes that
one starts in turn are its own to stop (a command that is a shell script should ``exec`` its
server). Elsewhere (macOS, Windows) ``popen`` is ``subprocess.Popen``, as before. The face
exports ``popen`` as ``flytelike.backends.lifeline_popen``.
"""

from __future__ import annotations

import ctypes
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

PR_SET_PDEATHSIG = 1


def _prctl() -> Callable[..., int] | None:
    """libc's ``prctl``, looked up before any fork (a child must not load libraries), or
    ``None`` off Linux or when libc does not have it."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    fn.restype = ctypes.c_int
    return fn


PRCTL = _prctl()


def _die_with_parent(parent: int, prctl: Callable[..., int]) -> Callable[[], None]:
    def hook() -> None:  # (in the child, after fork: nothing but two system calls)
        prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        if os.getppid() != parent:  # the parent ended before the signal was set
            os._exit(1)

    return hook


class _Spawner:
    """One daemon thread, started on first use, that makes every child (see the docstring)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def run(self, make: Callable[[], Any]) -> Any:
        with self._lock:
            if self._thread is None or self._pid != os.getpid():  # (none yet, or forked since)
                self._queue = queue.SimpleQueue()
                self._thread = threading.Thread(
                    target=self._serve, args=(self._queue,), name="flytelike-spawner", daemon=True
                )
                self._thread.start()
                self._pid = os.getpid()
            done: Future[Any] = Future()
            self._queue.put((make, done))
        return done.result()

    @staticmethod
    def _serve(jobs: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]]]) -> None:
        while True:
            make, done = jobs.get()
            try:
                done.set_result(make())
            except BaseException as e:
                done.set_exception(e)


_SPAWNER = _Spawner()


def popen(args: list[str], **kwargs: Any) -> subprocess.Popen[Any]:
    """``subprocess.Popen(args, **kwargs)``; on Linux the child is killed when this process
    ends (see the module docstring)."""
    prctl = PRCTL
    if prctl is None:
        return subprocess.Popen(args, **kwargs)
    hook = _die_with_parent(os.getpid(), prctl)
    made: subprocess.Popen[Any] = _SPAWNER.run(
        lambda: subprocess.Popen(args, preexec_fn=hook, **kwargs)
    )
    return made
