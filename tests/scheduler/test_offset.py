"""``CronSchedule(offset=)``: each cron time is shifted by the ISO 8601 duration, in the firing
time, the kickoff time input, the run name and the upcoming times."""

from __future__ import annotations

import datetime as dt

import pytest

from flytelike import CronSchedule
from flytelike.engine import Engine
from flytelike.errors import DefinitionError
from flytelike.scheduler import FakeClock, Scheduler, find_entries, upcoming

from . import sched_offset

T0 = dt.datetime(2026, 1, 5, 0, 0, tzinfo=dt.UTC)


def utc(day: int, h: int, m: int = 0) -> dt.datetime:
    return dt.datetime(2026, 1, day, h, m, tzinfo=dt.UTC)


def test_an_offset_shifts_every_firing_and_the_kickoff_time(engine: Engine) -> None:
    (entry,) = find_entries(sched_offset, T0)
    assert entry.rule == "cron 0 9 * * * (UTC) + PT1H30M"
    firings = Scheduler([entry], clock=FakeClock(T0), until=utc(7, 0)).serve()
    assert [f.when for f in firings] == [utc(5, 10, 30), utc(6, 10, 30)]
    assert [f.outcome for f in firings] == ["SUCCEEDED"] * 2
    assert firings[0].run_name == "sched-offset-daily-20260105T103000Z"
    assert engine.get_run(firings[0].run_name).outputs() == "offset@2026-01-05T10:30:00+00:00"


def test_upcoming_times_between_the_cron_time_and_the_shifted_time() -> None:
    (entry,) = find_entries(sched_offset, T0)
    # at 10:00 the 09:00 cron time has passed but its shifted firing (10:30) has not
    assert upcoming([entry], utc(5, 10), 2) == [[utc(5, 10, 30), utc(6, 10, 30)]]
    assert entry.next_after(utc(5, 10, 30)) == utc(6, 10, 30)


def test_a_negative_offset_fires_before_the_cron_time() -> None:
    from flytelike.scheduler._entries import _cron_next

    nxt = _cron_next("0 0 * * *", None, CronSchedule("0 0 * * *", offset="-PT5M").offset_delta)
    assert nxt(T0) == utc(5, 23, 55)


@pytest.mark.parametrize("offset", ["1h", "P1M", "soon", "PT"])
def test_an_offset_must_be_an_iso_8601_duration(offset: str) -> None:
    with pytest.raises(DefinitionError, match="offset must be an ISO 8601 duration"):
        CronSchedule(schedule="0 9 * * *", offset=offset)
