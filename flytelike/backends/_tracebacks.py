"""Tracebacks as a user reads them: the frames of their own code, without flytelike's.

A task that raises, or a module that fails at import, gives a traceback whose frames are mostly
not the user's: the backend and engine that called the task, or click and importlib around an
import. ``user_traceback`` formats an exception (with its causes and contexts, and the members
of exception groups) keeping only the frames outside the *library* directories: flytelike's and
typesystem's packages, and for imports also importlib's and click's. Standard-library frames the
user's code went through (``json``, ``contextlib``, ...) stay: they are part of what their code
did. When no user frame is left at all, the error came from the library itself: a flytelike or
typesystem error is shown as its message (it names what failed and where), anything else with
every frame (it is a bug worth reporting in full).

What does not live here: turning an attempt's exception into an ``ExecutionError`` (the local
backend), rendering errors on the command line (``flytelike.cli``).
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterator

_ROOTS: list[tuple[str, ...]] = []


def _library_roots() -> tuple[str, ...]:
    """The directories of flytelike's and typesystem's packages (computed on first use)."""
    if not _ROOTS:
        import typesystem

        here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # flytelike/
        ts = os.path.dirname(os.path.abspath(typesystem.__file__))
        _ROOTS.append((here + os.sep, ts + os.sep))
    return _ROOTS[0]


def _import_roots() -> tuple[str, ...]:
    """The library roots plus importlib's and click's (the frames around an import)."""
    if len(_ROOTS) < 2:
        import importlib

        import click

        extra = tuple(
            os.path.dirname(os.path.abspath(m.__file__ or "")) + os.sep for m in (importlib, click)
        )
        _library_roots()
        _ROOTS.append(_ROOTS[0] + extra)
    return _ROOTS[1]


def is_library_frame(filename: str, roots: tuple[str, ...] | None = None) -> bool:
    """Whether ``filename`` (a frame's) belongs to the library rather than to the user."""
    if filename.startswith("<frozen "):
        return True
    return os.path.abspath(filename).startswith(roots or _library_roots())


def _chain(te: traceback.TracebackException) -> Iterator[traceback.TracebackException]:
    """``te`` and every exception it carries (cause, context, group members), once each."""
    seen: set[int] = set()
    todo = [te]
    while todo:
        t = todo.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        yield t
        todo.extend(x for x in (t.__cause__, t.__context__) if x is not None)
        todo.extend(getattr(t, "exceptions", None) or ())


def _is_ours(exc: BaseException) -> bool:
    from flytelike.errors import FlytelikeError
    from typesystem.errors import TypeSystemError

    return isinstance(exc, FlytelikeError | TypeSystemError)


def user_traceback(exc: BaseException, *, imports: bool = False) -> str:
    """``exc`` formatted as Python would, keeping only the user's frames (see the module
    docstring); ``imports``: also drop importlib's and click's frames."""
    roots = _import_roots() if imports else _library_roots()
    te = traceback.TracebackException.from_exception(exc)
    kept = 0
    for t in _chain(te):
        mine = [f for f in t.stack if not is_library_frame(f.filename, roots)]
        kept += len(mine)
        t.stack[:] = mine
    if kept == 0:
        if _is_ours(exc):
            return "".join(traceback.format_exception_only(exc))
        return "".join(traceback.format_exception(exc))
    return "".join(te.format())


def user_frame(exc: BaseException, *, imports: bool = False) -> traceback.FrameSummary | None:
    """The innermost frame of the user's code in ``exc``'s traceback (``None``: none there)."""
    roots = _import_roots() if imports else _library_roots()
    found = None
    for f in traceback.extract_tb(exc.__traceback__):
        if not is_library_frame(f.filename, roots):
            found = f
    return found
