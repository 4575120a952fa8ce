"""Tasks that read their context: the action, the run's start time (given by the run context),
whether they run on a cluster, the distributed-training ranks (none here) and the custom
context, in a parent and a child."""

from datetime import datetime, timezone

import flyte

env = flyte.TaskEnvironment(name="context_reader")

START = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


@env.task
async def child(tag: str) -> str:
    c = flyte.ctx()
    assert c.run_start_time == START, c.run_start_time
    assert c.task_action is not None and c.task_action.run_name == c.action.run_name
    return f"{tag}:{c.custom_context.get('team')}:{c.rank}:{c.world_size}"


@env.task
async def parent() -> list[str]:
    c = flyte.ctx()
    assert not c.is_in_cluster()
    assert c.run_start_time.year == 2024
    return [await child("a"), await child("b")]


if __name__ == "__main__":
    flyte.init()
    run = flyte.with_runcontext(custom_context={"team": "ml"}, run_start_time=START).run(parent)
    assert run.outputs()[0] == ["a:ml:None:None", "b:ml:None:None"], run.outputs()
    print("OK")
