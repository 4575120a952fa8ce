"""What tasks print: ``sys.stdout``/``sys.stderr`` captured per attempt, and shown live.

``install()`` replaces ``sys.stdout`` and ``sys.stderr`` once with dispatchers (the engine calls
it when a run starts; ``flytelike run`` before it imports the user's module). A write reaching a
dispatcher while a task runs (``current_context()`` is an action's) goes to that attempt's
``Capture``, found through the context the backend already sets, so there is no swap per action
and an attempt that prints nothing costs nothing. Any other write passes straight through.

A ``Capture`` keeps what its attempt wrote, in order and tagged by stream, bounded to the last
``LOG_LIMIT`` characters (it counts what it cut), and forwards it to the terminal (the stream
the dispatcher replaced) a complete line at a time, under one lock: lines of concurrent actions
never mix mid-line. A line still open when the attempt ends is forwarded then, ended by a
newline. The engine takes an attempt's capture when the attempt returns (``take``) and stores it;
writes that come later (a sync body outliving its timeout) still reach the terminal.

Not captured: writes from threads the task starts itself (they do not inherit its context),
bytes written to ``sys.stdout.buffer`` or to file descriptors directly (subprocesses, C
extensions), and logging handlers created before ``install()`` (they hold the old stream).

What does not live here: storing captures (``flytelike.engine``), the ``ActionLog`` record
(``_protocol``).
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections import deque
from typing import IO, Any, Protocol

from flytelike.backends._protocol import ActionLog
from flytelike.backends._runtime import _CURRENT, ExecutionContext

LOG_LIMIT = 1 << 20  # characters kept per attempt (its last ones)
MAX_OPEN = 4096  # captures not yet taken; beyond that the oldest are dropped (orphans)
STREAMS = ("stdout", "stderr")


class Writable(Protocol):
    def write(self, text: str, /) -> int: ...


# Open captures by (run name, action id, attempt): what the engine takes.
OPEN: dict[tuple[str, str, int], Capture] = {}
# Where complete lines go instead of the dispatchers' own streams (e.g. above a live display).
_TARGETS: list[Writable | None] = [None, None]
_TERMINAL = threading.RLock()
_EMITTING = threading.local()


class Capture:
    """One attempt's output: what it wrote (bounded) and its unfinished terminal lines."""

    __slots__ = ("closed", "dropped", "key", "lock", "partial", "pieces", "real", "size")

    def __init__(self, key: tuple[str, str, int]) -> None:
        self.key = key
        self.pieces: deque[tuple[int, str]] = deque()
        self.size = 0
        self.dropped = 0
        self.partial = ["", ""]
        self.real: list[IO[str] | None] = [None, None]
        self.lock = threading.Lock()
        self.closed = False

    def write(self, index: int, text: str, real: IO[str]) -> int:
        if not text:
            return 0
        with self.lock:
            if self.closed:  # a write after the attempt ended: to the terminal only
                lines = text
            else:
                self.pieces.append((index, text))
                self.size += len(text)
                if self.size > LOG_LIMIT:
                    self._trim()
                cut = text.rfind("\n")
                if cut < 0:
                    self.partial[index] += text
                    self.real[index] = real
                    return len(text)
                lines = self.partial[index] + text[: cut + 1]
                self.partial[index] = text[cut + 1 :]
                self.real[index] = real
        if lines:
            _emit(index, lines, real)
        return len(text)

    def _trim(self) -> None:
        pieces = self.pieces
        while self.size > LOG_LIMIT:
            index, text = pieces.popleft()
            over = self.size - LOG_LIMIT
            if over >= len(text):
                self.size -= len(text)
                self.dropped += len(text)
            else:
                pieces.appendleft((index, text[over:]))
                self.size -= over
                self.dropped += over

    def close(self) -> ActionLog | None:
        """Stop recording; forward unfinished lines; what was recorded (``None``: nothing)."""
        with self.lock:
            self.closed = True
            rest, self.partial = self.partial, ["", ""]
            pieces, self.pieces = self.pieces, deque()
        for index in (0, 1):
            stream = self.real[index]
            if rest[index] and stream is not None:
                _emit(index, rest[index] + "\n", stream)
        if not pieces:
            return None
        chunks: list[tuple[str, str]] = []
        parts: list[str] = []
        current = pieces[0][0]
        for index, text in pieces:
            if index != current:
                chunks.append((STREAMS[current], "".join(parts)))
                parts = []
                current = index
            parts.append(text)
        chunks.append((STREAMS[current], "".join(parts)))
        return ActionLog(tuple(chunks), self.dropped, self.key[1], self.key[2])


class _Passthrough:
    """The capture of a context that is not an action's (``current_context()`` outside a task)."""

    __slots__ = ()

    def write(self, index: int, text: str, real: IO[str]) -> int:
        return _forward(index, text, real)


_PASS = _Passthrough()


def _forward(index: int, text: str, real: IO[str]) -> int:
    target = _TARGETS[index]
    if target is None or getattr(_EMITTING, "on", False):
        return real.write(text)
    _emit(index, text, real)
    return len(text)


def _emit(index: int, text: str, real: IO[str]) -> None:
    """Write ``text`` (whole lines) to the terminal in one piece."""
    target = _TARGETS[index]
    with _TERMINAL:
        if getattr(_EMITTING, "on", False):  # the target wrote back to a dispatcher
            real.write(text)
            return
        _EMITTING.on = True
        try:
            (target if target is not None else real).write(text)
        finally:
            _EMITTING.on = False


def _open(ctx: ExecutionContext) -> Any:
    item = ctx._item
    if item is not None:
        key = (ctx._base.run_name, item[0], item[1])
    else:
        action = ctx._action
        if action is None or action.action_id == "adhoc":
            ctx._capture = _PASS
            return _PASS
        key = (action.run_name, action.action_id, action.attempt)
    cap = OPEN.get(key)
    if cap is None:
        if len(OPEN) >= MAX_OPEN:  # never taken (e.g. an engine that went away): forget
            with contextlib.suppress(RuntimeError, KeyError, StopIteration):
                OPEN.pop(next(iter(OPEN))).closed = True
        cap = OPEN[key] = Capture(key)
    ctx._capture = cap
    return cap


class Dispatcher:
    """Stands in for ``sys.stdout`` or ``sys.stderr``: writes made by a running task go to its
    attempt's capture, all others to the stream it replaced (``real``)."""

    def __init__(self, real: IO[str], index: int) -> None:
        self.real = real
        self.index = index

    def write(self, text: str) -> int:
        ctx = _CURRENT.get()
        if ctx is None:
            if _TARGETS[self.index] is None:
                return self.real.write(text)
            return _forward(self.index, text, self.real)
        cap = ctx._capture
        if cap is None:
            cap = _open(ctx)
        if type(text) is not str:
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        return cap.write(self.index, text, self.real)  # type: ignore[no-any-return]

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.real.flush()

    def __getattr__(self, name: str) -> Any:  # encoding, fileno, isatty, buffer, ...
        return getattr(self.real, name)

    def __repr__(self) -> str:
        return f"<flytelike capture of {self.real!r}>"


def install() -> None:
    """Put dispatchers in front of ``sys.stdout``/``sys.stderr`` unless they are there already
    (cheap: the engine calls it at the start of every run)."""
    out, err = sys.stdout, sys.stderr
    if out is not None and type(out) is not Dispatcher:
        sys.stdout = Dispatcher(out, 0)
    if err is not None and type(err) is not Dispatcher:
        sys.stderr = Dispatcher(err, 1)


def real_stream(stream: Any) -> Any:
    """The stream behind a dispatcher (``stream`` itself if it is not one)."""
    while type(stream) is Dispatcher:
        stream = stream.real
    return stream


def redirect_terminal(stdout: Writable | None, stderr: Writable | None) -> None:
    """Send complete lines, and writes made outside tasks, to ``stdout``/``stderr`` instead of
    the dispatchers' streams (``None``: back to them); e.g. above a live progress display."""
    with _TERMINAL:
        _TARGETS[0] = stdout
        _TARGETS[1] = stderr


def take(run_name: str, action_id: str, attempt: int) -> ActionLog | None:
    """End the capture of an attempt (forwarding its unfinished lines); what it wrote, or
    ``None`` when it wrote nothing."""
    if not OPEN:
        return None
    cap = OPEN.pop((run_name, action_id, attempt), None)
    return cap.close() if cap is not None else None
