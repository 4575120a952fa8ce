"""Cron expressions: parsed once into the set of allowed values per field, and the next firing
time after a moment (``CronExpr.next_after``).

Our own small parser, not ``croniter``: the grammar Flyte accepts is small (five fields, ``*``,
``?``, ``,``, ``-``, ``/``, month and weekday names, and Flyte's aliases such as ``@daily`` and
``hourly``) and is validated where schedules are defined, with errors naming the bad field; one
parser for validation and for firing means a schedule that was accepted fires as it was read.
``croniter`` accepts more (seconds and year fields, ``L``, ``W``, ``#``, ``H``) that Flyte
rejects, so it would have needed this validator anyway, and it would be a dependency of every
user who defines a schedule.

Semantics are those of Vixie cron: when both day-of-month and day-of-week are restricted, a day
matching either fires; weekdays are 0-6 from Sunday. Times are wall-clock times in the
expression's time zone (UTC unless given): a wall time skipped by a daylight-saving jump does not
fire that day, and a repeated one fires once (its first occurrence).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import zoneinfo
from collections.abc import Sequence

from flytelike.errors import DefinitionError

ALIASES = {
    "hourly": "0 * * * *", "hours": "0 * * * *", "@hourly": "0 * * * *",
    "daily": "0 0 * * *", "days": "0 0 * * *", "@daily": "0 0 * * *",
    "weekly": "0 0 * * 0", "weeks": "0 0 * * 0", "@weekly": "0 0 * * 0",
    "monthly": "0 0 1 * *", "months": "0 0 1 * *", "@monthly": "0 0 1 * *",
    "annually": "0 0 1 1 *", "@annually": "0 0 1 1 *", "yearly": "0 0 1 1 *",
    "years": "0 0 1 1 *", "@yearly": "0 0 1 1 *",
}  # fmt: skip
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
# (name, lowest, highest, value names, whether "?" is allowed)
_FIELDS = (
    ("minute", 0, 59, (), False),
    ("hour", 0, 23, (), False),
    ("day-of-month", 1, 31, (), True),
    ("month", 1, 12, _MONTHS, False),
    ("day-of-week", 0, 6, _DAYS, True),
)
_SEARCH_YEARS = 8  # (every valid day-of-month/month pair occurs within 8 years: Feb 29)


def _value(text: str, lo: int, hi: int, names: Sequence[str]) -> int:
    upper = text.upper()
    if upper in names:
        return names.index(upper) + lo
    if not text.isdigit() or not lo <= int(text) <= hi:
        raise ValueError(text)
    return int(text)


def _field(part: str, lo: int, hi: int, names: Sequence[str], question: bool) -> frozenset[int]:
    """The values ``part`` allows (``ValueError`` when it is not valid)."""
    out: set[int] = set()
    for item in part.split(","):
        base, slash, step_text = item.partition("/")
        if slash and (not step_text.isdigit() or int(step_text) == 0):
            raise ValueError(step_text)
        step = int(step_text) if slash else 1
        if base == "*" or (base == "?" and question):
            start, end = lo, hi
        else:
            first, dash, last = base.partition("-")
            start = _value(first, lo, hi, names)
            end = _value(last, lo, hi, names) if dash else (hi if slash else start)
            if end < start:
                raise ValueError(base)
        out.update(range(start, end + 1, step))
    return frozenset(out)


@dataclasses.dataclass(frozen=True)
class CronExpr:
    """A parsed five-field expression: the allowed values of each field."""

    text: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]
    any_day: bool  # day-of-month is * or ?
    any_weekday: bool  # day-of-week is * or ?

    @classmethod
    def parse(cls, expr: str) -> CronExpr:
        """``expr`` (or an alias) parsed; ``DefinitionError`` naming the bad field."""
        text = ALIASES.get(expr.strip().lower(), expr.strip())
        parts = text.split()
        if len(parts) != 5:
            raise DefinitionError(
                f"cron schedule {expr!r}: expected 5 fields (minute hour day-of-month month "
                f"day-of-week) or an alias like '@daily', got {len(parts)} fields"
            )
        sets = []
        for part, (name, lo, hi, names, question) in zip(parts, _FIELDS, strict=True):
            try:
                sets.append(_field(part, lo, hi, names, question))
            except ValueError:
                raise DefinitionError(
                    f"cron schedule {expr!r}: invalid {name} field {part!r} (allowed {lo}-{hi}"
                    f"{', names' if names else ''}, and * / , -{' ?' if question else ''})"
                ) from None
        unrestricted = ("*", "?")
        minutes, hours, days, months, weekdays = sets
        return cls(
            text, minutes, hours, days, months, weekdays,
            any_day=parts[2] in unrestricted, any_weekday=parts[4] in unrestricted,
        )  # fmt: skip

    def _day_matches(self, day: _dt.date) -> bool:
        weekday = (day.weekday() + 1) % 7  # (Python: Monday=0; cron: Sunday=0)
        dom, dow = day.day in self.days, weekday in self.weekdays
        if self.any_day or self.any_weekday:
            return dom and dow
        return dom or dow

    def next_after(self, moment: _dt.datetime, tz: _dt.tzinfo = _dt.UTC) -> _dt.datetime:
        """The first firing time strictly after ``moment`` (aware), as an aware UTC datetime."""
        local = moment.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)
        t = local + _dt.timedelta(minutes=1)
        limit = local.replace(year=local.year + _SEARCH_YEARS, day=1)
        while t < limit:
            if t.month not in self.months:
                t = (t.replace(day=1, hour=0, minute=0) + _dt.timedelta(days=32)).replace(day=1)
            elif not self._day_matches(t.date()):
                t = t.replace(hour=0, minute=0) + _dt.timedelta(days=1)
            elif t.hour not in self.hours:
                t = t.replace(minute=0) + _dt.timedelta(hours=1)
            elif t.minute not in self.minutes:
                t += _dt.timedelta(minutes=1)
            else:
                aware = t.replace(tzinfo=tz)
                back = aware.astimezone(_dt.UTC).astimezone(tz).replace(tzinfo=None)
                # (not a wall time skipped by a daylight-saving jump, nor the first of a
                # repeated hour when ``moment`` is in the second)
                if back == t and aware > moment:
                    return aware.astimezone(_dt.UTC)
                t += _dt.timedelta(minutes=1)
        raise DefinitionError(
            f"cron schedule {self.text!r} never fires (no matching day within {_SEARCH_YEARS} "
            "years, e.g. 30 February); fix the day-of-month or month field"
        )


def timezone(name: str | None) -> _dt.tzinfo:
    """The zone ``name`` (UTC for ``None``)."""
    return _dt.UTC if name is None else zoneinfo.ZoneInfo(name)
