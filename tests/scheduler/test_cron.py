"""Cron expressions: what each field allows and the next firing time (day-of-month OR
day-of-week, time zones, daylight-saving gaps and repeats, expressions that never fire)."""

from __future__ import annotations

import datetime as dt

import pytest

from flytelike._settings.cron import CronExpr, timezone
from flytelike.errors import DefinitionError

UTC = dt.UTC


def times(expr: str, start: dt.datetime, n: int, tz: str | None = None) -> list[str]:
    cron, out, moment = CronExpr.parse(expr), [], start
    for _ in range(n):
        moment = cron.next_after(moment, timezone(tz))
        out.append(moment.strftime("%a %Y-%m-%d %H:%M"))
    return out


START = dt.datetime(2026, 12, 4, 16, 47, 30, tzinfo=UTC)  # a Friday


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("* * * * *", ["Fri 2026-12-04 16:48", "Fri 2026-12-04 16:49", "Fri 2026-12-04 16:50"]),
        ("*/20 * * * *", ["Fri 2026-12-04 17:00", "Fri 2026-12-04 17:20", "Fri 2026-12-04 17:40"]),
        ("0 9 * * 1-5", ["Mon 2026-12-07 09:00", "Tue 2026-12-08 09:00", "Wed 2026-12-09 09:00"]),
        (
            "0 9 * * MON-FRI",
            ["Mon 2026-12-07 09:00", "Tue 2026-12-08 09:00", "Wed 2026-12-09 09:00"],
        ),
        (
            "15 10-12/2 * * *",
            ["Sat 2026-12-05 10:15", "Sat 2026-12-05 12:15", "Sun 2026-12-06 10:15"],
        ),
        # both day fields restricted: either matches (the 1st and 15th, and Mondays)
        (
            "0 0 1,15 * MON",
            ["Mon 2026-12-07 00:00", "Mon 2026-12-14 00:00", "Tue 2026-12-15 00:00"],
        ),
        (
            "0 0 ? JAN,JUL *",
            ["Fri 2027-01-01 00:00", "Sat 2027-01-02 00:00", "Sun 2027-01-03 00:00"],
        ),
        ("0 0 29 2 *", ["Tue 2028-02-29 00:00", "Sun 2032-02-29 00:00", "Fri 2036-02-29 00:00"]),
        ("@weekly", ["Sun 2026-12-06 00:00", "Sun 2026-12-13 00:00", "Sun 2026-12-20 00:00"]),
        ("hourly", ["Fri 2026-12-04 17:00", "Fri 2026-12-04 18:00", "Fri 2026-12-04 19:00"]),
    ],
)
def test_next_times(expr: str, expected: list[str]) -> None:
    assert times(expr, START, 3) == expected


def test_time_zones_and_daylight_saving() -> None:
    # 09:00 in Paris is 08:00 UTC in winter, 07:00 UTC in summer
    assert times("0 9 * * *", dt.datetime(2026, 3, 27, 12, tzinfo=UTC), 3, "Europe/Paris") == [
        "Sat 2026-03-28 08:00", "Sun 2026-03-29 07:00", "Mon 2026-03-30 07:00",
    ]  # fmt: skip
    # 02:30 does not exist on 29 March in Paris (clocks jump from 02:00 to 03:00): no firing
    assert times("30 2 * * *", dt.datetime(2026, 3, 28, 12, tzinfo=UTC), 2, "Europe/Paris") == [
        "Mon 2026-03-30 00:30", "Tue 2026-03-31 00:30",
    ]  # fmt: skip
    # 02:30 happens twice on 25 October: it fires once
    assert times("30 2 * * *", dt.datetime(2026, 10, 24, 12, tzinfo=UTC), 2, "Europe/Paris") == [
        "Sun 2026-10-25 00:30", "Mon 2026-10-26 01:30",
    ]  # fmt: skip


def test_next_after_is_strictly_after() -> None:
    at = dt.datetime(2026, 12, 4, 17, 0, tzinfo=UTC)
    assert CronExpr.parse("0 * * * *").next_after(at) == at + dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("* * * *", r"expected 5 fields .* got 4 fields"),
        ("60 * * * *", r"invalid minute field '60' \(allowed 0-59"),
        ("* 5-2 * * *", r"invalid hour field '5-2'"),
        ("* * * FOO *", r"invalid month field 'FOO' \(allowed 1-12, names"),
        ("*/0 * * * *", r"invalid minute field '\*/0'"),
        ("? * * * *", r"invalid minute field '\?'"),
        ("* * * * 7", r"invalid day-of-week field '7' \(allowed 0-6, names, and \* / , - \?\)"),
    ],
)
def test_bad_expressions_name_the_field(expr: str, message: str) -> None:
    with pytest.raises(DefinitionError, match=message):
        CronExpr.parse(expr)


def test_an_expression_that_never_fires() -> None:
    with pytest.raises(DefinitionError, match=r"'0 0 30 2 \*' never fires .* e.g. 30 February"):
        CronExpr.parse("0 0 30 2 *").next_after(START)
