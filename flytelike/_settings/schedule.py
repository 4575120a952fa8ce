"""Launch plan schedules (``CronSchedule``, ``FixedRate``) and notifications, validated.

Cron expressions have five fields (minute hour day-of-month month day-of-week) or are one of the
aliases (``@daily``, ``hourly``, ...), parsed by ``flytelike._settings.cron``. The documented rule
about ``*`` in both day fields is not enforced: the documentation's own examples break it.
``flytelike schedule serve`` (``flytelike.scheduler``) fires them.
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
from typing import Any

from flytelike.errors import DefinitionError
from flytelike.ir import Notification as NotificationIR
from flytelike.ir import Schedule, WorkflowPhase


def validate_cron(expr: str) -> str:
    """The expression (aliases expanded) or ``DefinitionError`` naming the bad field."""
    from flytelike._settings.cron import CronExpr

    return CronExpr.parse(expr).text


def _offset(offset: str | None) -> _dt.timedelta:
    """``CronSchedule``'s ``offset``: an ISO 8601 duration (``PT30M``, ``P1DT2H``, ``-PT5M``) added
    to each cron time; ``DefinitionError`` for anything else (years and months have no length)."""
    if not offset:
        return _dt.timedelta(0)
    # (the duration parser lives in typesystem, which has no public face for it)
    from typesystem._json import parse_duration

    try:
        if not isinstance(offset, str) or not re.fullmatch(r"-?P.+", offset.strip(), re.I):
            raise ValueError(offset)
        return parse_duration(offset)
    except ValueError:
        raise DefinitionError(
            f"CronSchedule: offset must be an ISO 8601 duration (PT30M, P1DT2H, -PT5M), got "
            f"{offset!r}"
        ) from None


class CronExpression:
    """A cron schedule's expression and offset, as flytekit's ``CronSchedule.cron_schedule``."""

    def __init__(self, schedule: str, offset: str | None) -> None:
        self.schedule, self.offset = schedule, offset

    def __repr__(self) -> str:
        return f"CronExpression(schedule={self.schedule!r}, offset={self.offset!r})"


class RateUnit(enum.IntEnum):
    """The unit of a fixed rate (flytekit's ``Schedule.FixedRateUnit`` numbering)."""

    MINUTE = 0
    HOUR = 1
    DAY = 2


class Rate:
    """A fixed rate as flytekit shows it (``FixedRate.rate``): ``value`` in the largest ``unit``
    (day, hour, minute) that divides the duration."""

    def __init__(self, minutes: int) -> None:
        if minutes % (24 * 60) == 0:
            self.value, self.unit = minutes // (24 * 60), RateUnit.DAY
        elif minutes % 60 == 0:
            self.value, self.unit = minutes // 60, RateUnit.HOUR
        else:
            self.value, self.unit = minutes, RateUnit.MINUTE

    def __repr__(self) -> str:
        return f"Rate(value={self.value}, unit={self.unit.name})"


class CronSchedule:
    """``CronSchedule(schedule="0 9 * * *", kickoff_time_input_arg=None, offset=None)``.

    ``offset`` (ISO 8601 duration) shifts every firing: the run starts at the cron time plus the
    offset, and that shifted time is the kickoff time input.
    """

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
        self.offset_delta = _offset(offset)

    @property
    def cron_schedule(self) -> CronExpression:
        """flytekit's view of the schedule: ``.schedule`` (the expression) and ``.offset``."""
        return CronExpression(self.schedule, self.offset)

    rate = None  # (flytekit's: a cron schedule has no fixed rate)

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

    @property
    def rate(self) -> Rate:
        """flytekit's view of the duration: ``.value`` and ``.unit`` (``RateUnit``)."""
        return Rate(int(self.duration.total_seconds()) // 60)

    cron_schedule = None  # (flytekit's: a fixed rate has no cron expression)

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


class _Targets:
    """flytekit's view of a notification: the one of ``email``/``slack``/``pager_duty`` it is
    holds its recipients (``.recipients_email``), the others are None."""

    kind: str
    recipients_email: list[str]

    email = property(lambda self: self._target("email"))
    slack = property(lambda self: self._target("slack"))
    pager_duty = property(lambda self: self._target("pagerduty"))

    def _target(self, kind: str) -> EmailNotification | None:
        return EmailNotification(self.recipients_email) if self.kind == kind else None


class _Notification(_Targets):
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


class Notification(_Targets):
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
