"""A cron launch plan with an ``offset``: daily at 09:00 UTC, shifted by 1 h 30 min."""

from __future__ import annotations

import datetime as dt

from flytelike import CronSchedule, LaunchPlan, task, workflow


@task
def offset_stamp(when: dt.datetime) -> str:
    return f"offset@{when.isoformat()}"


@workflow
def offset_wf(kickoff: dt.datetime) -> str:
    return offset_stamp(when=kickoff)


offset_daily = LaunchPlan.get_or_create(
    offset_wf,
    name="sched_offset_daily",
    schedule=CronSchedule(schedule="0 9 * * *", kickoff_time_input_arg="kickoff", offset="PT1H30M"),
)
