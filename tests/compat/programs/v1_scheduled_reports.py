"""A scheduled reporting workflow: an ImageSpec whose packages are imported under
`is_container()`, a task with a deck naming its fields, a workflow body that prints its
promises while it compiles, and launch plans whose settings the program reads back."""

from datetime import datetime, timedelta

from flytekit import (
    CronSchedule,
    Email,
    FixedRate,
    ImageSpec,
    Labels,
    LaunchPlan,
    WorkflowExecutionPhase,
    task,
    workflow,
)
from flytekit.deck import DeckField

image = ImageSpec(name="reports", packages=["tabulate"], registry="ghcr.io/example")

if image.is_container():  # true in a local run: the program's imports happen here
    import json as codec


@task(container_image=image, enable_deck=True, deck_fields=(DeckField.INPUT, DeckField.OUTPUT))
def summarise(day: datetime, totals: list[int]) -> str:
    return codec.dumps({"day": day.strftime("%Y-%m-%d"), "sum": sum(totals)})


@task
def load(day: datetime) -> list[int]:
    return [day.day, day.month]


@workflow
def daily_report(day: datetime, region: str = "eu") -> str:
    totals = load(day=day)
    print("compiling:", totals)
    return summarise(day=day, totals=totals)


nightly = LaunchPlan.get_or_create(
    daily_report,
    name="nightly_report",
    default_inputs={"region": "us"},
    schedule=CronSchedule(schedule="0 3 * * *", kickoff_time_input_arg="day"),
    notifications=[
        Email(phases=[WorkflowExecutionPhase.FAILED], recipients_email=["ops@example.com"])
    ],
    labels=Labels({"team": "reports"}),
    max_parallelism=4,
)
hourly = LaunchPlan.get_or_create(
    daily_report,
    name="hourly_report",
    fixed_inputs={"region": "eu"},
    schedule=FixedRate(duration=timedelta(hours=1)),
)

if __name__ == "__main__":
    assert daily_report(day=datetime(2024, 3, 9)) == '{"day": "2024-03-09", "sum": 12}'
    assert nightly(day=datetime(2024, 1, 2)) == '{"day": "2024-01-02", "sum": 3}'
    assert nightly.schedule.kickoff_time_input_arg == "day"
    assert len(nightly.notifications) == 1 and nightly.notifications[0].phases
    assert nightly.labels.values == {"team": "reports"}
    assert nightly.max_parallelism == 4
    assert hourly.saved_inputs == {"region": "eu"} and hourly.raw_fixed_inputs == {"region": "eu"}
    assert hourly.schedule is not None and hourly.schedule.kickoff_time_input_arg is None
    assert nightly.annotations is None and nightly.should_auto_activate is False
    print("OK")
