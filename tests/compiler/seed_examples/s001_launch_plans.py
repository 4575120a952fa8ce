# ruff: noqa  (verbatim documentation code: its style is the documentation's)
"""001 L2627-2822, L2920-3124: launch plans, schedules, notifications.

Erratum 2 (stray `@`) and erratum 10 (an f-string of promises inside a workflow) are fixed: the
string is built by a task.
"""

from datetime import datetime, timedelta

import flytelike as union
from flytelike import (
    Annotations,
    AuthRole,
    CronSchedule,
    Email,
    EmailNotification,
    FixedRate,
    Labels,
    LaunchPlan,
    Notification,
    PagerDuty,
    RawOutputDataConfig,
    Slack,
    WorkflowExecutionPhase,
)


@union.task
def describe(a: int, b: str) -> str:
    return f"Result: {a} and {b}"


@union.workflow
def my_workflow(a: int, b: str) -> str:
    return describe(a=a, b=b)


# Create a default launch plan
default_lp = union.LaunchPlan.get_or_create(workflow=my_workflow)

# Create a named launch plan
named_lp = union.LaunchPlan.get_or_create(workflow=my_workflow, name="my_custom_launch_plan")

# Launch plan with default inputs
lp_with_defaults = union.LaunchPlan.get_or_create(
    workflow=my_workflow, name="with_defaults", default_inputs={"a": 42, "b": "default_value"}
)

# Launch plan with fixed inputs
lp_with_fixed = union.LaunchPlan.get_or_create(
    workflow=my_workflow,
    name="with_fixed",
    fixed_inputs={"a": 100},  # 'a' will always be 100, only 'b' can be specified
)

# Combining default and fixed inputs
lp_combined = union.LaunchPlan.get_or_create(
    workflow=my_workflow,
    name="combined_inputs",
    default_inputs={"b": "default_string"},
    fixed_inputs={"a": 200},
)

comprehensive_lp = LaunchPlan.get_or_create(
    workflow=my_workflow,
    name="comprehensive_example",
    default_inputs={"b": "configurable"},
    fixed_inputs={"a": 42},
    schedule=CronSchedule(schedule="0 9 * * *"),  # Daily at 9 AM UTC
    notifications=[
        Notification(
            phases=["SUCCEEDED", "FAILED"],
            email=EmailNotification(recipients_email=["team@example.com"]),
        )
    ],
    labels=Labels({"env": "production", "team": "data"}),
    annotations=Annotations({"description": "Daily data processing"}),
    max_parallelism=20,
    overwrite_cache=False,
    auto_activate=True,
    auth_role=AuthRole(assumable_iam_role="arn:aws:iam::12345678:role/workflow-role"),
    raw_output_data_config=RawOutputDataConfig(
        output_location_prefix="s3://results-bucket/daily-run/"
    ),
)


@union.task
def my_task(a: int, b: int, c: int) -> int:
    return a + b + c


@union.workflow
def sum_workflow(a: int, b: int, c: int) -> int:
    return my_task(a=a, b=b, c=c)


fixed_rate_lp = union.LaunchPlan.get_or_create(
    workflow=sum_workflow,
    name="my_workflow_fixed_rate_lp",
    fixed_inputs={"a": 3},
    default_inputs={"b": 4, "c": 5},
    schedule=FixedRate(duration=timedelta(minutes=10)),
)

cron_lp = union.LaunchPlan.get_or_create(
    workflow=sum_workflow,
    name="my_workflow_cron_lp",
    fixed_inputs={"a": 3},
    default_inputs={"b": 4, "c": 5},
    schedule=CronSchedule(schedule="*/10 * * * *"),
)


@union.task
def add_numbers(a: int, b: int, c: int) -> int:
    return a + b + c


@union.task
def generate_message(s: int, kickoff_time: datetime) -> str:
    return f"sum: {s} at {kickoff_time}"


@union.workflow
def kickoff_workflow(a: int, b: int, c: int, kickoff_time: datetime) -> str:
    return generate_message(
        add_numbers(a, b, c),
        kickoff_time,
    )


notified_lp = union.LaunchPlan.get_or_create(
    workflow=kickoff_workflow,
    name="my_workflow_custom_lp",
    fixed_inputs={"a": 3},
    default_inputs={"b": 4, "c": 5},
    notifications=[
        Email(
            phases=[WorkflowExecutionPhase.FAILED],
            recipients_email=["me@example.com", "you@example.com"],
        ),
        PagerDuty(
            phases=[WorkflowExecutionPhase.SUCCEEDED],
            recipients_email=["myboss@example.com"],
        ),
        Slack(
            phases=[
                WorkflowExecutionPhase.SUCCEEDED,
                WorkflowExecutionPhase.ABORTED,
                WorkflowExecutionPhase.TIMED_OUT,
            ],
            recipients_email=["your_slack_channel_email"],
        ),
    ],
)

scheduled_lp = union.LaunchPlan.get_or_create(
    workflow=kickoff_workflow,
    name="my_workflow_scheduled_lp",
    fixed_inputs={"a": 3},
    default_inputs={"b": 4, "c": 5},
    schedule=FixedRate(duration=timedelta(minutes=10), kickoff_time_input_arg="kickoff_time"),
)
