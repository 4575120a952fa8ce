"""A flyte 2 program whose task has two triggers of the same name (one a placeholder while
the schedule is decided) with an email notification to a redacted recipient; a local run uses
neither the triggers nor the notifications."""

import flyte
import flyte.notify
from flyte.models import ActionPhase

alert = flyte.notify.Email(on_phase=ActionPhase.FAILED, recipients=["<EMAIL>"])

env = flyte.TaskEnvironment(name="reports")


@env.task(
    triggers=(
        flyte.Trigger("nightly", flyte.Cron("0 2 * * *"), notifications=alert),
        flyte.Trigger("nightly", flyte.Cron("0 3 * * *"), auto_activate=False),
    )
)
async def report(day: str = "monday") -> str:
    return f"report for {day}"


if __name__ == "__main__":
    flyte.init()
    out = flyte.run(report, day="tuesday").outputs()[0]
    assert out == "report for tuesday", out
    assert [t.name for t in report.triggers] == ["nightly", "nightly"]
    print("OK")
