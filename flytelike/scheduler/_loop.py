"""The scheduler loop: fires each entry at its times, each firing a recorded run.

``Scheduler(entries, clock=...).serve()`` waits for the earliest next firing time, starts the run
in a thread of its own (so a long run does not delay other schedules) and computes that entry's
next time. A firing's run is named ``<entry>-<time>`` (``nightly-20261204T000000Z``): a time
whose run already exists in the run store is not fired again, so restarting the scheduler over
the same period fires nothing twice.

**Missed firings.** Times before ``start`` (default: the clock's now) are not fired; an earlier
``start`` backfills: its times are due at once, fired in order. When the scheduler falls behind (the machine slept, a clock jumped), every
missed time is fired once, in order, with its own time as the input (``missed="all"``, what
Flyte's scheduler does when it catches up); ``missed="latest"`` fires only the most recent
missed time of each entry and reports the others as skipped.

**Artifact triggers.** With ``catalog`` (``flytelike.artifacts.CatalogWatch()``: what ``flytelike
schedule serve`` passes), an ``OnArtifact`` entry polls the artifact catalog every ``poll``
(clock time; by each version's sequence number) and fires one run per new matching version,
created at or after ``start``, named ``<entry>-v<sequence>`` (so a restart fires no version
twice); its ``when`` is the version's creation time. A version whose inputs cannot be bound
(a missing partition) is reported as skipped. Without ``catalog`` such entries are not fired.

Clocks: ``SystemClock(speed=1.0)`` is wall time (``speed`` > 1 makes time pass faster from the
moment the clock is made, for demos and tests); ``FakeClock`` is moved by the loop itself, so a test runs a day of
schedules at once. ``stop()`` (from another thread, or Ctrl-C in the CLI) ends the loop; runs
still running are aborted by ``abort_running()``.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from flytelike.errors import ConfigurationError
from flytelike.scheduler._entries import Entry

Report = Callable[[str], None]


class Clock(Protocol):
    def now(self) -> _dt.datetime: ...

    def wait_until(self, moment: _dt.datetime, stop: threading.Event) -> None:
        """Return at ``moment`` or when ``stop`` is set, whichever comes first."""


class SystemClock:
    """Wall time; with ``speed`` > 1 it runs that many times faster from the moment it is made."""

    def __init__(self, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ConfigurationError(f"scheduler: speed must be > 0, got {speed}")
        self.start = _dt.datetime.now(_dt.UTC)
        self.speed = speed
        self._t0 = time.monotonic()

    def now(self) -> _dt.datetime:
        return self.start + _dt.timedelta(seconds=(time.monotonic() - self._t0) * self.speed)

    def wait_until(self, moment: _dt.datetime, stop: threading.Event) -> None:
        while not stop.is_set():
            left = (moment - self.now()).total_seconds() / self.speed
            if left <= 0:
                return
            stop.wait(min(left, 0.5))  # (short waits: Ctrl-C is seen at once)


class FakeClock:
    """A clock that jumps to the time the loop waits for."""

    def __init__(self, start: _dt.datetime) -> None:
        self.time = start

    def now(self) -> _dt.datetime:
        return self.time

    def wait_until(self, moment: _dt.datetime, stop: threading.Event) -> None:
        self.time = max(self.time, moment)


@dataclasses.dataclass
class Firing:
    entry: Entry
    when: _dt.datetime
    run_name: str
    outcome: str = ""  # "SUCCEEDED", "FAILED: ...", "skipped: ..."


def run_name(entry: Entry, when: _dt.datetime) -> str:
    return f"{entry.slug}-{when.astimezone(_dt.UTC):%Y%m%dT%H%M%SZ}"


def launch_run(entry: Entry, when: _dt.datetime, name: str) -> str:
    """Run ``entry`` for ``when`` as run ``name`` and wait; returns the run's phase. A trigger
    with ``env_vars`` runs in a process of its own that has them (``_child``): they are the
    run's, never the scheduler's."""
    from flytelike.scheduler._child import launch_in_child, run_here

    if entry.run_settings.get("env_vars"):
        return launch_in_child(entry, when, name)
    return run_here(entry, when, name)


def _run_exists(name: str) -> bool:
    from flytelike.engine import RunNotFoundError, get_run

    try:
        get_run(name)
    except RunNotFoundError:
        return False
    return True


class Scheduler:
    """Fires ``entries`` (see the module docstring)."""

    def __init__(
        self,
        entries: list[Entry],
        *,
        clock: Clock,
        start: _dt.datetime | None = None,
        until: _dt.datetime | None = None,
        max_runs: int | None = None,
        missed: str = "all",
        report: Report = lambda line: None,
        launch: Callable[[Entry, _dt.datetime, str], str] = launch_run,
        exists: Callable[[str], bool] = _run_exists,
        catalog: Any = None,
        poll: _dt.timedelta = _dt.timedelta(seconds=1),
    ) -> None:
        if missed not in ("all", "latest"):
            raise ConfigurationError(f"scheduler: missed must be 'all' or 'latest', got {missed!r}")
        if max_runs is not None and max_runs < 1:
            raise ConfigurationError(f"scheduler: max_runs must be >= 1, got {max_runs}")
        self.entries = [
            e for e in entries if e.active and (e.artifact is None or catalog is not None)
        ]
        self.catalog = catalog
        self.poll = poll
        self._seen: dict[int, int] = {}  # an artifact entry's last sequence number polled
        self.clock = clock
        self.start = start
        self.until = until
        self.max_runs = max_runs
        self.missed = missed
        self.report = report
        self.launch = launch
        self.exists = exists
        self.firings: list[Firing] = []
        self._stop = threading.Event()
        self._threads: dict[str, tuple[threading.Thread, Entry]] = {}
        self._lock = threading.Lock()

    def stop(self) -> None:
        self._stop.set()

    def running(self) -> list[str]:
        with self._lock:
            return [n for n, (t, _) in self._threads.items() if t.is_alive()]

    def abort_running(self, reason: str = "scheduler stopped", wait: float = 10.0) -> list[str]:
        """Abort the runs still running (recorded ABORTED); returns their names. A firing whose
        thread has started but whose run is not recorded yet cannot be aborted at once: it is
        tried again until its run exists or its thread ends (at most ``wait`` seconds), since
        it would otherwise run to its end, keeping the scheduler's process alive."""
        from flytelike.engine import EngineError, abort

        names = self.running()
        pending = list(names)
        deadline = time.monotonic() + wait
        while pending:
            left = []
            for name in pending:
                try:
                    abort(name, reason=reason)
                except EngineError:  # (not recorded yet, or it ended meanwhile)
                    if name in self.running() and time.monotonic() < deadline:
                        left.append(name)
            pending = left
            if pending:
                time.sleep(0.05)
        return names

    def join(self, timeout: float | None = None) -> None:
        with self._lock:
            threads = [t for t, _ in self._threads.values()]
        for t in threads:
            t.join(timeout)

    # ------------------------------------------------------------------ loop
    def serve(self) -> list[Firing]:
        """Fire until ``until``, ``max_runs`` firings, ``stop()``, or nothing left to fire;
        then wait for the runs started; returns the firings."""
        start = self.start or self.clock.now()
        tick = _dt.timedelta(microseconds=1)
        upcoming = {
            id(e): start if e.artifact is not None else e.next_after(start - tick)
            for e in self.entries
        }
        fired = 0
        while not self._stop.is_set():
            due = [(t, i, e) for i, e in enumerate(self.entries) if (t := upcoming[id(e)])]
            if not due:
                self.report("nothing left to fire")
                break
            when, _, entry = min(due, key=lambda d: (d[0], d[1]))
            if self.until is not None and when > self.until:
                break
            self.clock.wait_until(when, self._stop)
            if self._stop.is_set() or self.clock.now() < when:
                continue
            if entry.artifact is not None:  # (a poll of the artifact catalog)
                upcoming[id(entry)] = max(when, self.clock.now()) + self.poll
                for bound, at, name in self._new_versions(entry, start):
                    if self._fire(bound, at, name):
                        fired += 1
                        if self.max_runs is not None and fired >= self.max_runs:
                            self._stop.set()
                            break
                continue
            nxt = entry.next_after(when)
            if self.missed == "latest":
                while nxt is not None and nxt <= self.clock.now():
                    self._record(Firing(entry, when, run_name(entry, when), "skipped: missed"))
                    when, nxt = nxt, entry.next_after(nxt)
            upcoming[id(entry)] = nxt
            if self._fire(entry, when):
                fired += 1
                if self.max_runs is not None and fired >= self.max_runs:
                    break
        self.join()
        return self.firings

    def _record(self, firing: Firing) -> None:
        self.firings.append(firing)
        if firing.outcome.startswith("skipped"):
            self.report(f"{firing.entry.name} at {_iso(firing.when)}: {firing.outcome}")

    def _new_versions(
        self, entry: Entry, start: _dt.datetime
    ) -> list[tuple[Entry, _dt.datetime, str]]:
        """The firings of the versions of ``entry``'s artifact new since the last poll (on
        the first, those created at or after ``start``), with the trigger's inputs bound."""
        first = id(entry) not in self._seen
        last, found = self.catalog.new_versions(entry.artifact, self._seen.get(id(entry), 0))
        self._seen[id(entry)] = last
        out = []
        for seq, created, version in found:
            if first and created < start:
                continue
            name = f"{entry.slug}-v{seq}"
            try:
                inputs = self.catalog.bind(version, entry)
            except Exception as e:
                self._record(Firing(entry, created, name, f"skipped: {e}"))
                continue
            bound = dataclasses.replace(entry, inputs={**entry.inputs, **inputs})
            out.append((bound, created, name))
        return out

    def _fire(self, entry: Entry, when: _dt.datetime, name: str | None = None) -> bool:
        name = name or run_name(entry, when)
        if self.exists(name):
            self._record(Firing(entry, when, name, "skipped: already fired (run exists)"))
            return False
        limit = entry.max_concurrency
        with self._lock:
            busy = sum(1 for t, e in self._threads.values() if e is entry and t.is_alive())
        if limit is not None and busy >= limit:
            self._record(Firing(entry, when, name, f"skipped: {busy} run(s) running, "
                                                    f"max_concurrency={limit}"))  # fmt: skip
            return False
        firing = Firing(entry, when, name)
        self.firings.append(firing)
        self.report(f"{entry.name} at {_iso(when)}: run {name}")
        thread = threading.Thread(target=self._run, args=(firing,), name=f"schedule-{name}")
        with self._lock:
            self._threads[name] = (thread, entry)
        thread.start()
        return True

    def _run(self, firing: Firing) -> None:
        from flytelike.errors import ActionAbortedError

        try:
            firing.outcome = self.launch(firing.entry, firing.when, firing.run_name)
        except ActionAbortedError:
            firing.outcome = "ABORTED"
        except Exception as e:  # (a failed run: reported, the scheduler goes on)
            firing.outcome = f"FAILED: {type(e).__name__}: {e}"
        self.report(f"run {firing.run_name}: {firing.outcome}")


def _iso(moment: _dt.datetime) -> str:
    return moment.astimezone(_dt.UTC).isoformat().replace("+00:00", "Z")


def upcoming(entries: list[Entry], start: _dt.datetime, count: int) -> list[list[Any]]:
    """The first ``count`` firing times of each entry from ``start`` on (``[]`` when it never
    fires)."""
    out = []
    for entry in entries:
        times: list[Any] = []
        moment = start - _dt.timedelta(microseconds=1)
        while len(times) < count:
            nxt = entry.next_after(moment)
            if nxt is None:
                break
            times.append(nxt)
            moment = nxt
        out.append(times)
    return out
