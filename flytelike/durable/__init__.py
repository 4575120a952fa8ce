"""``flytelike.durable``: flyte 2's clock for tasks that may run again (``flyte.durable``).

A task that is retried or resumed (``flytelike resume``) runs its body again; these replace
``time.time()``, ``datetime.now()`` and ``time.sleep()`` so that the second run sees what the
first saw. Each call is a ``@trace`` of the running action (``flytelike._v2.trace``): the first
run records its value, a later attempt of the same action replays it, call by call in order.

- ``time()`` / ``now()``: the time (``float`` seconds / ``datetime``) of this call in the first
  run that made it.
- ``sleep(seconds)``: sleeps until ``seconds`` after the first run started this sleep (a resumed
  run that already waited long enough returns at once).

Each has the async form flyte has (``await flytelike.durable.sleep.aio(60)``). Outside a task
they are the plain clock.
"""

from __future__ import annotations

import asyncio
import time as _time
from datetime import datetime
from typing import Any

from flytelike._v2.syncify import with_aio
from flytelike._v2.trace import trace

__all__ = ["now", "sleep", "time"]


@trace
def _durable_time() -> float:
    return _time.time()


@trace
def _durable_now() -> datetime:
    return datetime.now()


@trace
def _sleep_start() -> float:
    return _time.time()


def time() -> float:
    """``time.time()``, replayed when the action runs again."""
    return float(_durable_time())


def now() -> datetime:
    """``datetime.now()``, replayed when the action runs again."""
    value: datetime = _durable_now()
    return value


def sleep(seconds: float) -> None:
    """Sleep until ``seconds`` after this sleep first started (see the module docstring)."""
    remaining = _sleep_start() + seconds - _time.time()
    if remaining > 0:
        _time.sleep(remaining)


async def _sleep_aio(seconds: float) -> None:
    remaining = _sleep_start() + seconds - _time.time()
    if remaining > 0:
        await asyncio.sleep(remaining)


def _aio(fn: Any) -> Any:
    return with_aio(fn, thread=False)


_aio(time)
_aio(now)
sleep.aio = _sleep_aio  # type: ignore[attr-defined]
