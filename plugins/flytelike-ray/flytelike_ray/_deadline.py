"""A task's timeout in a Ray worker, counted from the start of its body.

The driver's engine does not count the timeout around the Ray task: it waits ``timeout`` plus
the backend's ``timeout_grace`` (queueing behind other work, a worker starting cold, transport),
so a 1 s task queued for 10 s still gets its 1 s. The worker counts the ``timeout`` itself, from
the moment it has the task's function (its module imported) to the end of the attempt. When it
runs out, the body gets ``TaskBodyStopped`` (``flytelike.backends.stop_action``): raised at its next
bytecode, and out of a blocking call (``time.sleep``, a socket read) through ``WAKE_SIGNAL``,
whose handler the worker installs in its main thread (where Ray runs a task). The attempt is
then a timed-out error, as the engine reports one. A body that still does not end (a C call that
ignores signals) is ended by the driver with ``ray.cancel(force=True)`` when the grace runs out.

What does not live here: running the attempt (``_worker``).
"""

from __future__ import annotations

import os
import signal
import threading
from types import TracebackType

from flytelike.backends import (
    USER,
    ActionContext,
    ExecutionError,
    set_main_wake,
    stop_action,
    wake_handler,
)

WAKE_SIGNAL = signal.SIGUSR2  # (unused by Ray's workers; the same one ``flytelike run`` uses)
_POLL = 0.02  # how often a stop is tried again while the body is outside its window
_INSTALLED: list[bool] = []


def install_wake() -> None:
    """Let a stop interrupt a blocking call of the main thread (once per worker process; only
    the main thread can install a signal handler)."""
    if _INSTALLED or threading.current_thread() is not threading.main_thread():
        return
    signal.signal(WAKE_SIGNAL, wake_handler)
    set_main_wake(WAKE_SIGNAL)
    _INSTALLED.append(True)


class Deadline:
    """``with Deadline(context): ...`` stops the body of ``context``'s action when
    ``context.timeout`` seconds have passed since entering; ``fired`` says whether they did."""

    def __init__(self, context: ActionContext) -> None:
        self.context = context
        self.fired = False
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Deadline:
        if self.context.timeout:
            install_wake()
            self._thread = threading.Thread(target=self._watch, name="flytelike-deadline")
            self._thread.daemon = True
            self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()

    def _watch(self) -> None:
        c = self.context
        assert c.timeout is not None
        if self._done.wait(c.timeout):
            return
        self.fired = True
        # Until the body's window is open (inputs still being read) or the attempt has ended.
        while not stop_action(c.run_name, c.action_id, c.attempt):
            if self._done.wait(_POLL):
                return

    def error(self, task: str) -> ExecutionError:
        """The timed-out error of the attempt (retried as the engine retries a timeout)."""
        c = self.context
        assert c.timeout is not None
        return ExecutionError(
            USER,
            f"task `{task}` ({c.action_id}) timed out after {c.timeout:g}s (attempt "
            f"{c.attempt + 1}; counted from the start of its body on Ray worker pid "
            f"{os.getpid()})",
            "TimeoutError",
            recoverable=True,
            timed_out=True,
        )
