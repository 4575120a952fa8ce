"""What a script prints when an error from ``flytelike.run`` is left uncaught (as flyte does).

flyte replaces ``sys.excepthook`` so that an uncaught exception prints
``Filtered traceback (most recent call last):`` and the error line ``RuntimeUserError: <the
task's message>`` on stdout, with the traceback's frames (its own internals left out) on stderr.
flytelike does the same, but installs the hook only when a v2 run is started (``flytelike.run``,
``with_runcontext(...).run``), never at import, and only over Python's default hook (an IDE's,
IPython's or another tool's hook is left alone). Frames inside the flytelike and typesystem
packages are left out; the task's own error (the exception's cause) is shown first on stderr,
where it was raised, as flyte logs it; the exception's notes (the run name and how to inspect or resume it) go
to stderr after the error line. With the ``flytelike`` logger at DEBUG the full traceback is
printed instead.

What does not live here: how the CLI renders a failed run (``flytelike.cli``).
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from types import TracebackType

_INSTALLED: list[bool] = []


def _library_dirs() -> tuple[str, ...]:
    import typesystem

    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # flytelike/
    return here + os.sep, os.path.dirname(os.path.abspath(typesystem.__file__)) + os.sep


def filtered_hook(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    """Print ``exc`` as a local flyte run does (see the module docstring)."""
    from flytelike.backends import logger

    if logger.getEffectiveLevel() <= logging.DEBUG:
        sys.__excepthook__(exc_type, exc, tb)
        return
    cause = exc.__cause__
    if cause is not None and cause.__traceback__ is not None:
        # The task's own error, where it was raised (flyte logs it when the task fails).
        print("Task failed with error (most recent call last):", file=sys.stderr)
        traceback.print_list(_user_frames(cause.__traceback__), file=sys.stderr)
        print(f"{type(cause).__name__}: {cause}", file=sys.stderr, flush=True)
    print("Filtered traceback (most recent call last):", flush=True)
    traceback.print_list(_user_frames(tb), file=sys.stderr)
    sys.stderr.flush()
    print(f"{exc_type.__name__}: {exc}\n", flush=True)
    for note in getattr(exc, "__notes__", ()):
        print(note, file=sys.stderr)


def _user_frames(tb: TracebackType | None) -> list[traceback.FrameSummary]:
    library = _library_dirs()
    return [
        f
        for f in traceback.extract_tb(tb)
        if not os.path.abspath(f.filename).startswith(library)
        and not f.filename.startswith("<frozen ")
    ]


def install() -> None:
    """Install ``filtered_hook`` as ``sys.excepthook`` unless another hook than Python's default
    is in place (idempotent)."""
    if _INSTALLED:
        return
    _INSTALLED.append(True)
    if sys.excepthook is sys.__excepthook__:
        sys.excepthook = filtered_hook
