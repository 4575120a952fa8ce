"""Durations given as settings, and the one rule for every ``timeout=``.

Every setting that takes a duration (``@task(timeout=)``, ``@env.task(timeout=)``,
``.with_overrides(timeout=)``, ``task.override(timeout=)``, ``Timeout(...)``, gate durations,
reuse and backoff durations) reads it with ``to_timedelta``/``to_seconds``: a
``datetime.timedelta``, an int or float number of seconds, or a duration string (``"1h30m"``,
``"90"``, ``"1:30"`` (90 s, as pyflyte reads it), ISO ``"PT1H"`` or ``"P1W"``; a flytelike
extension, upstream takes no strings). Negative and non-finite values are errors.

Timeouts follow flytekit, whose ``@task(timeout=0)`` default means "no timeout":

- ``timeout_seconds``: ``None``, ``0``, ``timedelta(0)`` and ``"0s"`` all mean no timeout and give
  ``None``; anything else gives its seconds (``> 0``). This is ``TaskMetadata.timeout``.
- ``override_timeout``: in ``NodeOverrides.timeout`` ``None`` means "not overridden, the task's
  timeout applies", so an override that asks for no timeout (``0``, or ``None`` which clears it,
  as in flytekit's ``with_overrides``) is stored as ``NO_TIMEOUT`` (``0.0``).
- ``node_timeout``: the timeout a node runs with (``None``: none), from the two fields; the
  engine reads it only through this function.

What does not live here: parsing duration strings (``typesystem._json.parse_duration``).
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any

from flytelike.errors import DefinitionError, FlytelikeError

# (typesystem's private module: the one list of spellings its parser reads, not on its face)
from typesystem._durations import DURATION_FORMS

NO_TIMEOUT = 0.0
"""``NodeOverrides.timeout`` of a node whose override removes the task's timeout."""

_SPELLINGS = f"a datetime.timedelta, int or float seconds, or a duration string: {DURATION_FORMS}"


def to_seconds(value: Any, what: str, *, error: type[FlytelikeError] = DefinitionError) -> float:
    """``value`` as seconds ``>= 0``; ``error(...)`` naming ``what`` (where and which setting)
    when it is not a duration, negative or not finite."""
    seconds: float | None = None
    if isinstance(value, _dt.timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str):
        from typesystem._json import parse_duration  # (typesystem's parser: off its face)

        try:
            seconds = parse_duration(value).total_seconds()
        except (ValueError, TypeError, OverflowError):
            seconds = None
    if seconds is None:
        raise error(f"{what}: expected {_SPELLINGS}, got {value!r}")
    if not math.isfinite(seconds):
        raise error(f"{what}: must be a finite duration, got {value!r}")
    if seconds < 0:
        raise error(f"{what}: must be >= 0, got {value!r}")
    return seconds


def to_timedelta(
    value: Any,
    what: str,
    *,
    allow_zero: bool = True,
    error: type[FlytelikeError] = DefinitionError,
) -> _dt.timedelta:
    """``value`` as a ``timedelta`` (a ``timedelta`` given is returned as is); with
    ``allow_zero=False`` a zero duration is an error too."""
    seconds = to_seconds(value, what, error=error)
    if not seconds and not allow_zero:
        raise error(f"{what}: must be positive, got {value!r}")
    return value if isinstance(value, _dt.timedelta) else _dt.timedelta(seconds=seconds)


def timeout_seconds(
    value: Any, what: str, *, error: type[FlytelikeError] = DefinitionError
) -> float | None:
    """A ``timeout=`` setting as seconds ``> 0``, or ``None`` for no timeout (``None``, ``0``,
    ``timedelta(0)``, ``"0s"``)."""
    if value is None:
        return None
    return to_seconds(value, f"{what}: timeout", error=error) or None


def override_timeout(
    value: Any, what: str, *, error: type[FlytelikeError] = DefinitionError
) -> float:
    """A ``with_overrides(timeout=...)`` value for ``NodeOverrides.timeout``: its seconds, or
    ``NO_TIMEOUT`` when it asks for no timeout (``None`` clears the task's, as does ``0``)."""
    seconds = timeout_seconds(value, what, error=error)
    return NO_TIMEOUT if seconds is None else seconds


def node_timeout(task_timeout: float | None, override: float | None) -> float | None:
    """The timeout a node runs with, in seconds, or ``None`` for none: the override when there
    is one (``NO_TIMEOUT``: none), else the task's."""
    if override is None:
        return task_timeout or None
    return override or None
