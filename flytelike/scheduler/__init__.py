"""A local scheduler: fires launch plan schedules and v2 task triggers as recorded runs.

``find_entries(module, start)`` lists what a module schedules (``Entry``); ``Scheduler(entries,
clock=...).serve()`` fires them (``flytelike schedule serve FILE`` is its command line);
``upcoming`` gives the next firing times (``flytelike schedule list FILE``). Clocks:
``SystemClock`` (wall time, optionally sped up) and ``FakeClock`` (for tests). See ``_entries``
for what fires when and with which inputs, and ``_loop`` for the missed-firing policy.
"""

from __future__ import annotations

from flytelike.scheduler._entries import Entry, find_entries
from flytelike.scheduler._loop import (
    Clock,
    FakeClock,
    Firing,
    Scheduler,
    SystemClock,
    launch_run,
    run_name,
    upcoming,
)

__all__ = [
    "Clock",
    "Entry",
    "FakeClock",
    "Firing",
    "Scheduler",
    "SystemClock",
    "find_entries",
    "launch_run",
    "run_name",
    "upcoming",
]
