"""A flytekit program that reads its launch plans' schedules and notifications back (as a
deployment script or a test of one does): cron expression and offset, fixed rate in its largest
unit, and who an email or Slack notification goes to."""

from datetime import datetime, timedelta

from flytekit import (
    CronSchedule,
    Email,
    FixedRate,
    LaunchPlan,
    Slack,
    WorkflowExecutionPhase,
    task,
    workflow,
)


@task
def report(day: datetime) -> str:
    return day.strftime("%Y-%m-%d")


@workflow
def daily(day: datetime) -> str:
    return report(day=day)


nightly = LaunchPlan.get_or_create(
    daily,
    name="daily_nightly",
    schedule=CronSchedule(schedule="0 2 * * *", kickoff_time_input_arg="day", offset="PT5M"),
    notifications=[
        Email(phases=[WorkflowExecutionPhase.FAILED], recipients_email=["ops@example.com"]),
        Slack(phases=[WorkflowExecutionPhase.SUCCEEDED], recipients_email=["#reports"]),
    ],
)
every_90 = LaunchPlan.get_or_create(
    daily,
    name="daily_every_90",
    schedule=FixedRate(duration=timedelta(minutes=90), kickoff_time_input_arg="day"),
)

if __name__ == "__main__":
    cron = nightly.schedule
    assert cron.cron_schedule.schedule == "0 2 * * *"
    assert cron.cron_schedule.offset == "PT5M"
    assert cron.rate is None and cron.kickoff_time_input_arg == "day"
    rates = [FixedRate(duration=d).rate for d in (timedelta(hours=2), timedelta(days=1))]
    assert [(r.value, int(r.unit)) for r in rates] == [(2, 1), (1, 2)]
    rate = every_90.schedule.rate
    assert (rate.value, int(rate.unit)) == (90, 0) and every_90.schedule.cron_schedule is None
    email, slack = nightly.notifications
    assert email.email.recipients_email == ["ops@example.com"] and email.slack is None
    assert slack.slack.recipients_email == ["#reports"] and slack.pager_duty is None
    assert daily(day=datetime(2026, 12, 5)) == "2026-12-05"
    print("OK")
