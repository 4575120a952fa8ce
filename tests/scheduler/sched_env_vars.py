"""A v2 task trigger with ``env_vars``: the run it fires (the root task and the task it calls)
sees them; the scheduler's process does not."""

from __future__ import annotations

import datetime as dt
import os
import time

import flytelike as fl

env = fl.TaskEnvironment("sched_env_vars")


@env.task
def env_seen() -> str:
    return os.environ.get("SCHED_TRIGGER_VAR", "-")


@env.task(
    triggers=fl.Trigger(
        "with_env",
        fl.FixedRate(60),
        inputs={"when": fl.TriggerTime},
        env_vars={"SCHED_TRIGGER_VAR": "from-trigger"},
        custom_context={"source": "trigger"},
    )
)
def env_report(when: dt.datetime) -> str:
    time.sleep(0.3)  # (long enough for the test to look at the scheduler's environment)
    source = fl.get_custom_context().get("source", "-")
    return f"{os.environ.get('SCHED_TRIGGER_VAR', '-')}|{env_seen()}|{source}|{when:%H:%M}"
