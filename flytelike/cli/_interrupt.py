"""Ctrl-C (SIGINT) and SIGTERM during ``flytelike run`` and ``flytelike resume``.

``Interrupts(run_name)`` is a context manager around the run, in the main thread. The first SIGINT
or SIGTERM aborts the run through the engine's own abort machinery (as ``flytelike runs abort``
would): async actions are cancelled, sync bodies running in threads are stopped (``_stop``), sync
bodies with a timeout have their worker process killed, and the run and its unfinished actions are
recorded ``ABORTED``. The command then prints one line naming the resume command and exits with
128 + the signal number (130 for SIGINT, 143 for SIGTERM). A second SIGINT or SIGTERM exits at
once with the same code; the run is left as the store last recorded it, and can be resumed too.

A helper thread acts on the signals, not a Python signal handler: a process-directed signal may
be taken by any thread, and a Python handler runs only once the main thread is back in Python
code, which a sync body blocked in C (``time.sleep``) on the main thread may never be. The
wakeup fd (``signal.set_wakeup_fd``) tells the helper thread at once. A sync body that the main
thread runs in place and that is blocked in a C call is then woken by ``WAKE_SIGNAL``, sent to
the main thread itself (``set_main_wake`` of the backends), whose handler raises the stop there.

What does not live here: printing a run's outcome (``_run.finish``), the abort itself
(``flytelike.engine._abort``).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from types import FrameType, TracebackType
from typing import Any

from flytelike.backends import running_bodies, set_main_wake, wake_handler

WAKE_SIGNAL = signal.SIGUSR2
_HANDLED = (signal.SIGINT, signal.SIGTERM)


def resume_hint(run_name: str, signum: int) -> str:
    return (
        f"Run {run_name} aborted ({signal.Signals(signum).name}); "
        f"resume with: flytelike resume {run_name}"
    )


class Interrupts:
    """Turns SIGINT/SIGTERM into an abort of run ``run_name`` while the block runs; see the
    module docstring. Does nothing outside the main thread (signal handlers are set there)."""

    def __init__(self, run_name: str) -> None:
        self.run_name = run_name
        self.signum: int | None = None
        self._pipe: tuple[int, int] | None = None
        self._saved: dict[int, Any] = {}
        self._saved_fd = -1

    def __enter__(self) -> Interrupts:
        if threading.current_thread() is not threading.main_thread():
            return self
        # A process-directed signal may be delivered to any thread, and a Python handler runs
        # only once the main thread gets back to Python code (not while a body sleeps in C):
        # the wakeup fd tells the helper thread at once, whichever thread took the signal.
        r, w = os.pipe()
        os.set_blocking(w, False)
        self._pipe = (r, w)
        self._saved_fd = signal.set_wakeup_fd(w, warn_on_full_buffer=False)
        for sig in _HANDLED:
            self._saved[sig] = signal.signal(sig, _noted)
        self._saved[WAKE_SIGNAL] = signal.signal(WAKE_SIGNAL, wake_handler)
        set_main_wake(WAKE_SIGNAL)
        threading.Thread(
            target=self._serve, args=(r,), name="flytelike-interrupt", daemon=True
        ).start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._pipe is None:
            return
        set_main_wake(None)
        signal.set_wakeup_fd(self._saved_fd)
        for sig, old in self._saved.items():
            signal.signal(sig, old)
        self._saved.clear()
        w = self._pipe[1]
        self._pipe = None
        os.write(w, b"\0")  # (ends the helper thread, which closes the pipe)

    # ------------------------------------------------------------------ in the helper thread
    def _serve(self, r: int) -> None:
        w = -1 if self._pipe is None else self._pipe[1]
        try:
            while True:
                for signum in os.read(r, 64):
                    if signum == 0:
                        return
                    if signum not in _HANDLED:
                        continue
                    if self.signum is not None:
                        _exit_now(self.run_name, signum)
                    self.signum = signum
                    self._abort(signum)
        finally:
            os.close(r)
            if w >= 0:
                os.close(w)

    def _abort(self, signum: int) -> None:
        from flytelike.engine import abort_state, request_abort

        reason = f"interrupted by {signal.Signals(signum).name}"
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline:  # (the run may not have registered yet)
            st = abort_state(self.run_name)
            if st is not None:
                request_abort(st, None, reason)
                return
            time.sleep(0.01)

    # ------------------------------------------------------------------ after the block
    def exit_if_aborted(self, run: Any, engine: Any) -> None:
        """When the run was interrupted and did not succeed: print the resume hint and exit
        128 + the signal number. (An interrupt that came as the run succeeded changes nothing.)"""
        signum = self.signum
        if signum is None or run.phase.value == "SUCCEEDED":
            return
        print(resume_hint(self.run_name, signum), file=sys.stderr, flush=True)
        code = 128 + signum
        engine.store.flush()
        if running_bodies():
            # A body blocked in a C call still holds a worker thread, which interpreter shutdown
            # would wait for: leave without waiting (everything is recorded and flushed).
            sys.stdout.flush()
            os._exit(code)
        sys.exit(code)


def _noted(signum: int, frame: FrameType | None) -> None:
    """The Python-level handler of SIGINT/SIGTERM: the helper thread acts on them (``_serve``),
    this only keeps Python from raising ``KeyboardInterrupt`` or dying."""


def _exit_now(run_name: str, signum: int) -> None:
    """The second interrupt: leave at once, whatever the main thread is doing."""
    for child in multiprocessing.active_children():  # (worker processes of sync bodies)
        child.kill()
    text = (
        f"Run {run_name} interrupted again; exiting now. Resume with: flytelike resume {run_name}\n"
    )
    os.write(2, text.encode())
    os._exit(128 + signum)
