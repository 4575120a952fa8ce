"""A flytekit 1.x module whose workflow bodies print what their nodes return while they compile
(print(p) and print(f"{p}")), with launch plans on a cron and a fixed-rate schedule, then runs
the workflows locally."""

from datetime import datetime, timedelta

from flytekit import CronSchedule, FixedRate, LaunchPlan, task, workflow


@task
def stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%d")


@task
def cheer(who: str) -> str:
    return f"well done, {who}"


@workflow
def daily(kickoff: datetime) -> str:
    day = stamp(when=kickoff)
    print(day)
    return day


@workflow
def nudge(who: str) -> str:
    msg = cheer(who=who)
    print(f"{msg}")
    return msg


daily_lp = LaunchPlan.get_or_create(
    name="daily_stamp",
    workflow=daily,
    schedule=CronSchedule(schedule="0 6 * * *", kickoff_time_input_arg="kickoff"),
)
nudge_lp = LaunchPlan.get_or_create(
    name="hourly_nudge",
    workflow=nudge,
    schedule=FixedRate(duration=timedelta(hours=1)),
    fixed_inputs={"who": "team"},
)

if __name__ == "__main__":
    assert daily(kickoff=datetime(2024, 3, 9, 6)) == "2024-03-09"
    assert nudge(who="ana") == "well done, ana"
    assert nudge_lp() == "well done, team"
    assert daily_lp(kickoff=datetime(2024, 1, 2)) == "2024-01-02"
    print("OK")
