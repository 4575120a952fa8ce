"""The live progress display of ``flytelike run`` and ``flytelike resume`` (on stderr, with rich).

``ProgressState`` folds the engine's ``PhaseEvent``s into counts, running nodes, map progress and
the last failure; ``render(state, now)`` turns it into a rich renderable and does nothing else;
``Progress`` decides whether to show anything and drives a transient ``rich.live.Live``. What
happens to a run (its outputs, its final phase line) is printed elsewhere, in ``_run.py``.

rich is imported only once a display is actually shown, so importing this module stays cheap.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from flytelike.engine import ATTEMPT_EVENT as ATTEMPT
from flytelike.engine import NODE_EVENT as NODE
from flytelike.engine import RUN_EVENT as RUN
from flytelike.engine import PhaseEvent

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.live import Live

DELAY = 0.5
"""Seconds a run must last before the display appears: quick runs show nothing."""
MAX_ROWS = 15
_MAP_MESSAGE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s+items\b")
_RUNNING = ("RUNNING", "DYNAMIC_RUNNING")
# The order of the per-phase counts; any other phase is appended after these.
_COUNT_ORDER = ("RUNNING", "DYNAMIC_RUNNING", "QUEUED", "SUCCEEDED", "RECOVERED", "SKIPPED")
_FAILED = ("FAILED", "TIMED_OUT", "ABORTED")


@dataclass(slots=True)
class NodeRow:
    """A running node. ``attempt`` is 0-based, as in the events; ``done``/``total`` only for
    map nodes that report item progress."""

    node_id: str
    task: str
    started: float
    attempt: int = 0
    done: int | None = None
    total: int | None = None


@dataclass(slots=True)
class ProgressState:
    """What the display knows about one run. Not thread-safe by itself: ``Progress`` guards it."""

    run_name: str = ""
    started: float = 0.0
    run_phase: str = ""
    phases: dict[str, str] = field(default_factory=dict)
    running: dict[str, NodeRow] = field(default_factory=dict)
    retries: int = 0
    last_failure: str = ""

    def apply(self, event: PhaseEvent, now: float) -> None:
        """Fold one event in; ``now`` is when it arrived (on the display's clock)."""
        if event.run_name and not self.run_name:
            self.run_name = event.run_name
        phase = str(event.phase)
        if event.kind == RUN:
            self.run_phase = phase
        elif event.kind == NODE and event.node_id:
            self._node(event, phase, now)
        elif event.kind == ATTEMPT and event.node_id:
            row = self.running.get(event.node_id)
            if row is not None:
                row.attempt = max(row.attempt, event.attempt)
            if phase == "RETRYABLE_FAILED":
                self.retries += 1
                self._failure(event, "will retry")

    def _node(self, event: PhaseEvent, phase: str, now: float) -> None:
        aid = event.node_id
        self.phases[aid] = phase
        if phase not in _RUNNING:
            self.running.pop(aid, None)
            if phase in _FAILED:
                self._failure(event, phase.lower())
            return
        row = self.running.get(aid)
        if row is None:
            row = self.running[aid] = NodeRow(aid, event.task_id, now)
        m = _MAP_MESSAGE.match(event.message)
        if m is not None:
            row.done, row.total = int(m.group(1)), int(m.group(2))

    def _failure(self, event: PhaseEvent, what: str) -> None:
        message = " ".join(event.message.split()) or "(no message)"
        task = f" ({event.task_id})" if event.task_id else ""
        self.last_failure = f"{event.node_id}{task} {what}: {message}"

    def counts(self) -> list[tuple[str, int]]:
        tally: dict[str, int] = {}
        for phase in self.phases.values():
            tally[phase] = tally.get(phase, 0) + 1
        order = [*_COUNT_ORDER, *_FAILED]
        known = [(p, tally[p]) for p in order if p in tally]
        return known + sorted((p, n) for p, n in tally.items() if p not in order)


def elapsed(seconds: float) -> str:
    """``4.2s``, ``3m05s``, ``1h02m``."""
    seconds = max(seconds, 0.0)
    if seconds < 60:
        return f"{seconds:.1f}s"
    m, s = divmod(int(seconds), 60)
    if m < 60:
        return f"{m}m{s:02d}s"
    h, m = divmod(m, 60)
    return f"{h}h{m:02d}m"


def render(state: ProgressState, now: float, max_rows: int = MAX_ROWS) -> RenderableType:
    """The display for ``state`` at time ``now`` (a pure function: no I/O, no clock)."""
    from rich.console import Group
    from rich.progress_bar import ProgressBar
    from rich.table import Table
    from rich.text import Text

    head = Text()
    head.append(f"run {state.run_name or '...'}", style="bold")
    head.append(f"  {state.run_phase or 'STARTING'}  {elapsed(now - state.started)}")
    parts = [f"{n} {p.lower().replace('_', ' ')}" for p, n in state.counts()]
    if state.retries:
        parts.append(f"{state.retries} retried")
    if parts:
        head.append("  " + " · ".join(parts), style="dim")
    out: list[RenderableType] = [head]
    if state.running:
        grid = Table.grid(padding=(0, 2))
        for _ in range(5):
            grid.add_column(no_wrap=True)
        rows = list(state.running.values())
        for row in rows[:max_rows]:
            attempt = f"attempt {row.attempt + 1}" if row.attempt > 0 else ""
            bar: RenderableType = ""
            if row.total is not None and row.done is not None:
                done = min(row.done, row.total)
                bar = Table.grid(padding=(0, 1))
                bar.add_row(
                    ProgressBar(total=max(row.total, 1), completed=done, width=20),
                    f"{row.done}/{row.total}",
                )
            grid.add_row(f"  {row.node_id}", row.task, elapsed(now - row.started), attempt, bar)
        out.append(grid)
        if len(rows) > max_rows:
            out.append(Text(f"  ... and {len(rows) - max_rows} more running", style="dim"))
    if state.last_failure:
        out.append(
            Text(
                f"last failure: {state.last_failure}",
                style="red",
                no_wrap=True,
                overflow="ellipsis",
            )
        )
    return Group(*out)


def _mode(environ: Mapping[str, str]) -> str:
    """``always``, ``never`` or ``auto`` (show on a terminal after ``DELAY``)."""
    if environ.get("FLYTELIKE_NO_PROGRESS"):
        return "never"
    mode = (environ.get("FLYTELIKE_PROGRESS") or "auto").strip().lower()
    if mode not in ("always", "never", "auto"):
        from flytelike.errors import ConfigurationError

        raise ConfigurationError(
            f"environment variable FLYTELIKE_PROGRESS={environ['FLYTELIKE_PROGRESS']!r} is not "
            "valid: expected always, never or auto; fix or unset it (`unset FLYTELIKE_PROGRESS`)"
        )
    return mode


def _isatty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except ValueError:  # a closed stream
        return False


class Progress:
    """A transient live display of a run's progress on ``stream`` (default stderr).

    Shown only on a terminal, only without ``FLYTELIKE_NO_PROGRESS``, and only once the run has
    lasted ``delay`` seconds; ``FLYTELIKE_PROGRESS=always`` shows it anyway, at once (tests use
    it). Use as a context manager around the run, with ``callback`` as the run's ``on_event``:
    events arrive on the engine's thread and rich refreshes from its own, so the state is
    guarded by a lock.
    """

    def __init__(
        self,
        run_name: str = "",
        *,
        stream: IO[str] | None = None,
        environ: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        delay: float = DELAY,
        tick: float = 0.05,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        mode = _mode(os.environ if environ is None else environ)
        self.enabled = mode == "always" or (mode == "auto" and _isatty(self.stream))
        self.forced = mode == "always"
        self.delay = 0.0 if self.forced else delay
        self.clock = clock
        self.tick = tick
        self.state = ProgressState(run_name=run_name, started=clock())
        self.live: Live | None = None
        self._lock = threading.Lock()  # guards state
        self._live_lock = threading.Lock()  # guards starting and stopping the Live
        self._closed = False
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None
        # rich proxies the run's terminal output goes through while the display shows
        self._proxies: tuple[Any, Any] | None = None

    @property
    def callback(self) -> Callable[[PhaseEvent], None] | None:
        """The ``on_event`` callback, or None when nothing will be shown (no events needed)."""
        return self.on_event if self.enabled else None

    def on_event(self, event: PhaseEvent) -> None:
        with self._lock:
            self.state.apply(event, self.clock())

    def renderable(self) -> RenderableType:
        with self._lock:
            return render(self.state, self.clock())

    def maybe_show(self) -> bool:
        """Start the display if it is enabled and the run has lasted long enough."""
        if not self.enabled:
            return False
        with self._live_lock:
            if self.live is not None or self._closed:
                return self.live is not None
            if self.clock() - self.state.started < self.delay:
                return False
            from rich.console import Console
            from rich.live import Live

            from flytelike.backends import CaptureDispatcher, real_stream, redirect_terminal

            stream = real_stream(self.stream)
            console = Console(file=stream, force_terminal=True if self.forced else None)
            # Prints from tasks go above the display only when stdout is that terminal too;
            # otherwise they would land on stderr instead of where stdout is redirected.
            above = _isatty(sys.stdout)
            # When the run's output is captured (``_capture``), the capture's terminal writes
            # are what goes above the display: rich must not replace sys.stdout/sys.stderr.
            captured = isinstance(sys.stderr, CaptureDispatcher)
            live = Live(
                get_renderable=self.renderable,
                console=console,
                refresh_per_second=8,
                transient=True,
                redirect_stdout=above and not captured,
                redirect_stderr=not captured,
            )
            live.start()
            if captured and console.is_terminal:
                from rich.file_proxy import FileProxy

                out = real_stream(sys.stdout)
                self._proxies = (
                    FileProxy(console, out) if above else None,
                    FileProxy(console, stream),
                )
                redirect_terminal(*self._proxies)
            self.live = live
            return True

    def _poll(self) -> None:
        # Import rich now, while the delay runs: importing it later, against a run that keeps
        # the GIL busy, could hold the display back for seconds.
        import rich.console
        import rich.live  # noqa: F401

        while not self._stop.wait(self.tick):
            if self.maybe_show():
                return

    def __enter__(self) -> Progress:
        if self.enabled and not self.maybe_show():
            self._poller = threading.Thread(
                target=self._poll, name="flytelike-progress", daemon=True
            )
            self._poller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._poller is not None:
            self._poller.join()
        with self._live_lock:
            self._closed = True
            if self._proxies is not None:
                from flytelike.backends import redirect_terminal

                redirect_terminal(None, None)
                for proxy in self._proxies:
                    if proxy is not None:
                        proxy.flush()
            if self.live is not None:
                self.live.stop()
