"""flyte 2's ``flyte.remote.TimeFilter`` and the filters of ``Run.listall``/``Action.listall``
(flyte 2.12's parameters), over the local run store."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta

import pytest

import flytelike as flyte
import flytelike.remote as remote

env = flyte.TaskEnvironment(name="filters")


@env.task
async def leaf(x: int) -> int:
    return x + 1


@env.task
async def root(x: int) -> int:
    return await leaf(x) + await leaf(x)


@env.task
async def held() -> bool:
    cond = await flyte.new_condition.aio("hold", data_type=bool)
    return bool(await cond.wait.aio())


def test_runs_filtered_by_creation_time_task_and_phase() -> None:
    first = flyte.run(leaf, 1)
    time.sleep(0.05)
    middle = datetime.now()
    time.sleep(0.05)
    second = flyte.run(root, 2)
    after = [r.name for r in remote.Run.listall(created_at=remote.TimeFilter(after=middle))]
    before = [r.name for r in remote.Run.listall(created_at=remote.TimeFilter(before=middle))]
    assert (after, before) == ([second.name], [first.name])
    updated = remote.TimeFilter(after=middle - timedelta(seconds=0.04))
    assert [r.name for r in remote.Run.listall(updated_at=updated)][-1] == second.name
    assert [r.name for r in remote.Run.listall(task_name="filters.leaf")] == [first.name]
    done = flyte.models.ActionPhase.SUCCEEDED
    assert len(list(remote.Run.listall(in_phase=(done,)))) == 2
    assert list(remote.Run.listall(in_phase=("failed",))) == []
    assert list(remote.Run.listall(project="elsewhere")) == []
    with pytest.raises(ValueError, match="'finished' is not a phase"):
        remote.Run.listall(in_phase=("finished",))
    with pytest.raises(TypeError, match=r"expected a datetime\.datetime"):
        remote.TimeFilter(after="yesterday")  # type: ignore[arg-type]
    with pytest.raises(remote.NotSupportedLocallyError, match="record no labels"):
        remote.Run.listall(with_labels={"team": "ml"})


def test_actions_filtered_by_parent_and_phase_and_listed_async() -> None:
    run = flyte.run(root, 3)
    [top] = remote.Action.listall(run.name, parent_name="")
    children = list(remote.Action.listall(run.name, parent_name=top.name))
    assert [a.task_name for a in children] == ["filters.leaf", "filters.leaf"]
    done = list(remote.Action.listall(run.name, in_phase=("succeeded",)))
    assert len(done) == 3
    future = remote.TimeFilter(after=datetime.now() + timedelta(hours=1))
    assert list(remote.Action.listall(run.name, created_at=future)) == []

    async def names() -> tuple[list[str], list[str]]:
        actions = [a.name async for a in remote.Action.listall.aio(run.name)]
        return actions, [r.name async for r in remote.Run.listall.aio()]

    assert asyncio.run(names()) == ([top.name] + [a.name for a in children], [run.name])


def test_paused_actions_only_lists_runs_waiting_for_a_human() -> None:
    done = flyte.run(leaf, 0)
    waiting = flyte.run(held, wait=False)
    deadline = time.monotonic() + 20
    while remote.Condition.get("hold", run_name=waiting.name) is None:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    paused = [r.name for r in remote.Run.listall(paused_actions_only=True)]
    assert paused == [waiting.name] and done.name not in paused
    waiting.signal("hold", True)
    waiting.wait()
    assert list(remote.Run.listall(paused_actions_only=True)) == []
