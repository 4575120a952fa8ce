"""Tasks that partition their output by the execution date and name it after the execution and
the task, as scheduled flytekit jobs do; also inside a map_task."""

import datetime
import typing

import flytekit
from flytekit import map_task, task, workflow


@task
def partition_key(region: str) -> str:
    ctx = flytekit.current_context()
    day = ctx.execution_date
    assert day.tzinfo is not None
    assert abs((datetime.datetime.now(datetime.timezone.utc) - day).total_seconds()) < 600
    assert ctx.task_id is not None
    assert ctx.execution_id.name
    return f"{region}/{day:%Y/%m/%d}"


@task
def per_region(region: str) -> int:
    return flytekit.current_context().execution_date.year


@workflow
def daily(regions: typing.List[str]) -> typing.Tuple[str, typing.List[int]]:
    return partition_key(region=regions[0]), map_task(per_region)(region=regions)


if __name__ == "__main__":
    key, years = daily(regions=["eu", "us"])
    today = datetime.datetime.now(datetime.timezone.utc)
    assert key.startswith("eu/") and key.count("/") == 3, key
    assert all(abs(y - today.year) <= 1 for y in years), years
    print("OK")
