"""Errors of the user's code on the command line: a few lines by default, everything with ``-v``.

``UserCodeError`` wraps an exception raised by the user's code while the CLI imported their
module or compiled their entity. By default it prints the exception's message and the place in
the user's code it came from (``file:line``, the innermost frame outside flytelike, importlib and
click); a ``SyntaxError`` prints as Python shows it (file, line, caret). With ``-v`` /
``--traceback`` it prints the full traceback. It exits 1.

``failed_run_text`` is what ``flytelike run``/``resume`` print about a run that failed: the
failing node, task, error type and message, the traceback of the user's frames, and the
commands that show more.

What does not live here: choosing the user's frames (``flytelike.backends._tracebacks``).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any, TypeVar

import click

from flytelike.backends import user_frame

VERBOSE_HELP = "on errors, print the full traceback"
F = TypeVar("F", bound=Callable[..., Any])


def verbose_option() -> Callable[[F], F]:
    """The ``-v``/``--traceback`` flag of the commands that import the user's code."""
    return click.option(
        "-v", "--verbose", "--traceback", "verbose", is_flag=True, default=False, help=VERBOSE_HELP
    )


class UserCodeError(click.ClickException):
    """The user's code raised while the CLI was ``doing`` something (e.g. importing a file)."""

    def __init__(self, exc: BaseException, doing: str, verbose: bool = False) -> None:
        self.exc = exc
        self.doing = doing
        self.verbose = verbose
        super().__init__(self._text())

    def _text(self) -> str:
        exc = self.exc
        if self.verbose:
            full = "".join(traceback.format_exception(exc)).rstrip("\n")
            return f"{self.doing} failed:\n{full}"
        hint = f"  ({self.doing}; -v shows the full traceback)"
        if isinstance(exc, SyntaxError):
            shown = "".join(traceback.format_exception_only(exc)).rstrip("\n")
            return f"{self.doing} failed:\n{shown}\n{hint}"
        text = f"{type(exc).__name__}: {exc}"
        frame = user_frame(exc, imports=True)
        if frame is not None:
            code = (frame.line or "").strip()
            text += f"\n  at {frame.filename}:{frame.lineno}, in {frame.name}"
            text += f": {code}" if code else ""
        return f"{text}\n{hint}"


def failed_run_text(run: Any, verbose: bool = False) -> str:
    """What a failed run prints (after ``Error: ``): where and why it failed, the user's
    traceback (every frame with ``verbose``, when the exception is still at hand), and the
    commands that show more."""
    phase = run.phase.value
    err = run.error
    lines = [f"run {run.name} {phase}" + (f" at {err.describe()}" if err is not None else "")]
    exc = None
    live = getattr(run, "_live", None)
    if verbose and live is not None and live.failure is not None:
        exc = live.failure.error.exception
    if exc is not None:
        lines.append("".join(traceback.format_exception(exc)).rstrip("\n"))
    elif err is not None and err.traceback:
        lines.append(err.traceback.rstrip("\n"))
    more = f"flytelike runs get {run.name}"
    if run.logs():
        more += f" (details), flytelike runs logs {run.name} (what its tasks printed)"
    lines.append(f"more: {more}")
    return "\n".join(lines)
