"""flyte 2's ``flyte.remote.Trigger``/``TriggerDetails``: the triggers of the deployed tasks, with
their schedule, next firing times and state; create/update/delete need a trigger service."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import flytelike as flyte
import flytelike.remote as remote
from flytelike._v2 import init as _init
from flytelike.engine import Engine

CLOCK = """
import datetime as dt
import flytelike as flyte

env = flyte.TaskEnvironment(name="clock")


@env.task(
    triggers=[
        flyte.Trigger("morning", flyte.Cron("0 9 * * *"), inputs={"when": flyte.TriggerTime}),
        flyte.Trigger.hourly("when", name="off", auto_activate=False),
    ]
)
async def tick(when: dt.datetime) -> str:
    return when.isoformat()


@env.task
async def plain() -> int:
    return 1
"""


@pytest.fixture
def clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    monkeypatch.setattr(_init, "_CONFIG", [])
    (tmp_path / "clock_envs.py").write_text(CLOCK)
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("clock_envs", None)
    import clock_envs

    yield clock_envs
    sys.modules.pop("clock_envs", None)


def test_listall_get_and_details_of_deployed_triggers(clock: object, engine: Engine) -> None:
    assert list(remote.Trigger.listall()) == []
    flyte.deploy(clock.env, version="v1")  # type: ignore[attr-defined]
    got = list(remote.Trigger.listall())
    assert [(t.task_name, t.name, t.is_active) for t in got] == [
        ("clock.tick", "morning", True), ("clock.tick", "off", False),
    ]  # fmt: skip
    assert isinstance(got[0].automation_spec, flyte.Cron)
    assert list(remote.Trigger.listall(task_name="clock.plain")) == []
    assert list(remote.Trigger.listall(task_version="v0")) == []
    assert len(list(remote.Trigger.listall(limit=1))) == 1

    details = remote.Trigger.get(name="morning", task_name="clock.tick")
    assert isinstance(details, remote.TriggerDetails)
    assert (details.name, details.task_name, details.task_version) == (
        "morning",
        "clock.tick",
        "v1",
    )
    assert details.rule == "cron 0 9 * * * (UTC)" and details.status == "active"
    assert details.trigger.name == "morning"
    start = dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)
    assert details.next_times(2, after=start) == [
        dt.datetime(2026, 1, 6, 9, tzinfo=dt.UTC), dt.datetime(2026, 1, 7, 9, tzinfo=dt.UTC),
    ]  # fmt: skip
    off = asyncio.run(remote.TriggerDetails.get.aio(name="off", task_name="clock.tick"))
    assert not off.is_active and off.status == "inactive (auto_activate=False)"
    assert off.next_times(3) == []
    # (a coroutine, as flyte's Trigger.get_details)
    assert asyncio.run(got[0].get_details()).rule == details.rule

    with pytest.raises(remote.EntityNotFoundError, match=r"'nope' of task 'clock\.tick'"):
        remote.Trigger.get(name="nope", task_name="clock.tick")


@pytest.mark.parametrize("verb", ["create", "update", "delete"])
def test_changing_a_trigger_needs_a_trigger_service(verb: str) -> None:
    with pytest.raises(remote.NotSupportedLocallyError, match=f"Trigger.{verb} needs a cluster"):
        getattr(remote.Trigger, verb)("morning", task_name="clock.tick")
