"""flyte 2's ``flyte.remote.TimeFilter``: a time range that ``Run.listall`` and
``Action.listall`` filter on (``created_at=``, ``updated_at=``), here over the local store's
timestamps.

``TimeFilter(after=None, before=None)``: ``after`` is inclusive, ``before`` exclusive, as
flyte's. Both are ``datetime``s; a naive one is local time (flyte converts with
``astimezone``, which reads a naive datetime the same way). A run's or action's update time is
the last time it was recorded: ended, else started, else created.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass


@dataclass(frozen=True)
class TimeFilter:
    """Entries at or after ``after`` and before ``before`` (either may be ``None``)."""

    after: _dt.datetime | None = None
    before: _dt.datetime | None = None

    def __post_init__(self) -> None:
        for name in ("after", "before"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, _dt.datetime):
                raise TypeError(
                    f"TimeFilter({name}=...): expected a datetime.datetime, got "
                    f"{type(value).__name__} {value!r}"
                )

    def matches(self, timestamp: float | None) -> bool:
        """Whether ``timestamp`` (seconds since the epoch; ``None``: never recorded) is in the
        range."""
        if timestamp is None:
            return self.after is None and self.before is None
        if self.after is not None and timestamp < self.after.timestamp():
            return False
        return self.before is None or timestamp < self.before.timestamp()


def check(value: object, where: str) -> TimeFilter | None:
    """``value`` when it is a ``TimeFilter`` or ``None``; ``TypeError`` naming ``where`` else."""
    if value is None or isinstance(value, TimeFilter):
        return value
    raise TypeError(
        f"{where}: expected flytelike.remote.TimeFilter(after=..., before=...), got "
        f"{type(value).__name__}"
    )
