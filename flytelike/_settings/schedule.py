"""Launch plan schedules (``CronSchedule``, ``FixedRate``) and notifications, validated.

Cron expressions have five fields (minute hour day-of-month month day-of-week) or are one of the
aliases (``@daily``, ``hourly``, ...). The documented rule about ``*`` in both day fields is not
enforced: the documentation's own examples break it.
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
from collections.abc import Sequence
from typing import Any

from flytelike.errors import DefinitionError
from flytelike.ir._model import Notification as NotificationIR
from flytelike.ir._model import Schedule
from flytelike.ir._phases import WorkflowPhase

_ALIASES = {
    "hourly": "0 * * * *", "hours": "0 * * * *", "@hourly": "0 * * * *",
    "daily": "0 0 * * *", "days": "0 0 * * *", "@daily": "0 0 * * *",
    "weekly": "0 0 * * 0", "weeks": "0 0 * * 0", "@weekly": "0 0 * * 0",
    "monthly": "0 0 1 * *", "months": "0 0 1 * *", "@monthly": "0 0 1 * *",
    "annually": "0 0 1 1 *", "@annually": "0 0 1 1 *", "yearly": "0 0 1 1 *",
    "years": "0 0 1 1 *", "@yearly": "0 0 1 1 *",
}  # fmt: skip
_MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
_DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
_FIELDS = (
    ("minute", 0, 59, (), False),
    ("hour", 0, 23, (), False),
    ("day-of-month", 1, 31, (), True),
    ("month", 1, 12, _MONTHS, False),
    ("day-of-week", 0, 6, _DAYS, True),
)


def _value(text: str, lo: int, hi: int, names: Sequence[str]) -> int:
    upper = text.upper()
    if upper in names:
        return list(names).index(upper) + lo
    if not text.isdigit():
        raise ValueError(text)
    number = int(text)
    if not lo <= number <= hi:
        raise ValueError(text)
    return number


def validate_cron(expr: str) -> str:
    """The expression (aliases expanded) or ``DefinitionError`` naming the bad field."""
    text = _ALIASES.get(expr.strip().lower(), expr.strip())
    parts = text.split()
    if len(parts) != 5:
        raise DefinitionError(
            f"cron schedule {expr!r}: expected 5 fields (minute hour day-of-month month "
            f"day-of-week) or an alias like '@daily', got {len(parts)} fields"
        )
    for part, (name, lo, hi, names, question) in zip(parts, _FIELDS, strict=True):
        try:
            for item in part.split(","):
                base, _, step = item.partition("/")
                if step and (not step.isdigit() or int(step) == 0):
                    raise ValueError(step)
                if base in ("*",) or (base == "?" and question):
                    continue
                start, _, end = base.partition("-")
                a = _value(start, lo, hi, names)
                if end and _value(end, lo, hi, names) < a:
                    raise ValueError(base)
        except ValueError:
            raise DefinitionError(
                f"cron schedule {expr!r}: invalid {name} field {part!r} (allowed {lo}-{hi}"
                f"{', names' if names else ''}, and * / , -{' ?' if question else ''})"
            ) from None
    return text


class CronSchedule:
    """``CronSchedule(schedule="0 9 * * *", kickoff_time_input_arg=None, offset=None)``."""

    def __init__(
        self,
        schedule: str | None = None,
        kickoff_time_input_arg: str | None = None,
        offset: str | None = None,
        cron_expression: str | None = None,
    ) -> None:
        if cron_expression is not None:
            raise DefinitionError(
                "CronSchedule: cron_expression is deprecated; use schedule='...' (5 fields)"
            )
        if not schedule:
            raise DefinitionError("CronSchedule: give schedule='<cron expression>'")
        self.schedule = schedule
        self.cron = validate_cron(schedule)
        self.kickoff_time_input_arg = kickoff_time_input_arg
        self.offset = offset

    def to_ir(self) -> Schedule:
        return Schedule(
            cron=self.cron,
            kickoff_time_input_arg=self.kickoff_time_input_arg or "",
            offset=self.offset or "",
        )


class FixedRate:
    """``FixedRate(duration=timedelta(minutes=10), kickoff_time_input_arg=None)``.

    Flyte v2 spelling (for ``Trigger``): ``FixedRate(60)`` / ``FixedRate(interval_minutes=60,
    start_time=datetime(...))``, an int number of minutes.
    """

    def __init__(
        self,
        duration: _dt.timedelta | int | None = None,
        kickoff_time_input_arg: str | None = None,
        *,
        interval_minutes: int | None = None,
        start_time: _dt.datetime | None = None,
    ) -> None:
        if interval_minutes is not None:
            if duration is not None:
                raise DefinitionError("FixedRate: give duration= or interval_minutes=, not both")
            duration = interval_minutes
        if isinstance(duration, int) and not isinstance(duration, bool):
            duration = _dt.timedelta(minutes=duration)
        if not isinstance(duration, _dt.timedelta):
            raise DefinitionError(
                "FixedRate: duration must be a datetime.timedelta (or v2's interval_minutes, an "
                f"int), got {duration!r}"
            )
        if start_time is not None and not isinstance(start_time, _dt.datetime):
            raise DefinitionError(f"FixedRate: start_time must be a datetime, got {start_time!r}")
        self.start_time = start_time
        seconds = int(duration.total_seconds())
        if seconds < 60 or duration.total_seconds() % 60:
            raise DefinitionError(
                "FixedRate: Granularity of less than a minute is not supported; use whole minutes"
            )
        self.duration = duration
        self.kickoff_time_input_arg = kickoff_time_input_arg

    def to_ir(self) -> Schedule:
        return Schedule(
            rate_seconds=int(self.duration.total_seconds()),
            kickoff_time_input_arg=self.kickoff_time_input_arg or "",
        )


# flytekit's name for the workflow (run) phase enum.
WorkflowExecutionPhase = WorkflowPhase


def _phases(phases: Any) -> tuple[str, ...]:
    out = []
    for p in phases:
        if isinstance(p, WorkflowExecutionPhase):
            out.append(p.value)
        elif (
            isinstance(p, str)
            and re.sub("[^A-Z_]", "", p.upper()) in WorkflowExecutionPhase.__members__
        ):
            out.append(re.sub("[^A-Z_]", "", p.upper()))
        else:
            raise DefinitionError(
                f"notification phase {p!r} is not a WorkflowExecutionPhase (e.g. SUCCEEDED, "
                "FAILED, ABORTED, TIMED_OUT)"
            )
    return tuple(out)


class _Notification:
    kind = ""

    def __init__(self, phases: list[Any], recipients_email: list[str]) -> None:
        self.phases = _phases(phases)
        self.recipients_email = list(recipients_email)

    def to_ir(self) -> NotificationIR:
        return NotificationIR(self.kind, self.phases, tuple(self.recipients_email))


class Email(_Notification):
    kind = "email"


class Slack(_Notification):
    kind = "slack"


class PagerDuty(_Notification):
    kind = "pagerduty"


class EmailNotification:
    def __init__(self, recipients_email: list[str]) -> None:
        self.recipients_email = list(recipients_email)


class SlackNotification(EmailNotification):
    pass


class PagerDutyNotification(EmailNotification):
    pass


class Notification:
    """``Notification(phases=["SUCCEEDED"], email=EmailNotification([...]))`` form."""

    def __init__(
        self,
        phases: list[Any],
        email: EmailNotification | None = None,
        slack: SlackNotification | None = None,
        pager_duty: PagerDutyNotification | None = None,
    ) -> None:
        given = [
            (k, v) for k, v in (("email", email), ("slack", slack), ("pagerduty", pager_duty)) if v
        ]
        if len(given) != 1:
            raise DefinitionError("Notification: give exactly one of email=, slack=, pager_duty=")
        self.kind, target = given[0]
        self.phases = _phases(phases)
        self.recipients_email = target.recipients_email

    def to_ir(self) -> NotificationIR:
        return NotificationIR(self.kind, self.phases, tuple(self.recipients_email))


class ConcurrencyLimitBehavior(enum.Enum):
    SKIP = "SKIP"


class ConcurrencyPolicy:
    def __init__(
        self,
        max_concurrency: int,
        behavior: ConcurrencyLimitBehavior = ConcurrencyLimitBehavior.SKIP,
    ) -> None:
        if not isinstance(max_concurrency, int) or max_concurrency < 1:
            raise DefinitionError("ConcurrencyPolicy: max_concurrency must be an int >= 1")
        if behavior is not ConcurrencyLimitBehavior.SKIP:
            raise DefinitionError(
                "ConcurrencyPolicy: only ConcurrencyLimitBehavior.SKIP is supported"
            )
        self.max_concurrency = max_concurrency
        self.behavior = behavior
