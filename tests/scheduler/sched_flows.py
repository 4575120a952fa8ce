"""Schedules the scheduler tests fire: launch plans (cron, fixed rate, a concurrency policy) and
v2 task triggers (a time zone, a fixed rate from a start time, inactive, on an artifact)."""

from __future__ import annotations

import datetime as dt
import time

import flytelike as fl
from flytelike import (
    ConcurrencyPolicy,
    CronSchedule,
    FixedRate,
    LaunchPlan,
    task,
    workflow,
)


@task
def stamp(when: dt.datetime, label: str) -> str:
    return f"{label}@{when.isoformat()}"


@workflow
def stamp_wf(kickoff: dt.datetime, label: str = "lp") -> str:
    return stamp(when=kickoff, label=label)


@task
def nap(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


@workflow
def nap_wf(seconds: float = 0.0) -> float:
    return nap(seconds=seconds)


two_hourly = LaunchPlan.get_or_create(
    stamp_wf,
    name="sched_two_hourly",
    schedule=CronSchedule(schedule="0 */2 * * *", kickoff_time_input_arg="kickoff"),
)
every_ten = LaunchPlan.get_or_create(
    stamp_wf,
    name="sched_every_ten",
    default_inputs={"label": "ten"},
    schedule=FixedRate(duration=dt.timedelta(minutes=10), kickoff_time_input_arg="kickoff"),
)
one_at_a_time = LaunchPlan.get_or_create(
    nap_wf,
    name="sched_one_at_a_time",
    schedule=FixedRate(duration=dt.timedelta(minutes=1)),
    concurrency=ConcurrencyPolicy(max_concurrency=1),
)

env = fl.TaskEnvironment("sched_env")


@env.task(
    triggers=[
        fl.Trigger(
            "paris_morning",
            fl.Cron("0 9 * * 1-5", timezone="Europe/Paris"),
            inputs={"when": fl.TriggerTime, "label": "paris"},
            custom_context={"source": "trigger"},
        ),
        fl.Trigger(
            "every_half_hour",
            fl.FixedRate(30, start_time=dt.datetime(2026, 1, 1, 0, 15, tzinfo=dt.UTC)),
            inputs={"when": fl.TriggerTime, "label": "half"},
        ),
        fl.Trigger.hourly("when", name="off", inputs={"label": "off"}, auto_activate=False),
        fl.Trigger("on_data", fl.OnArtifact("dataset"), inputs={"when": fl.TriggerTime}),
    ]
)
def report(when: dt.datetime, label: str = "x") -> str:
    return f"{label}@{when.isoformat()}|{fl.get_custom_context().get('source', '-')}"
