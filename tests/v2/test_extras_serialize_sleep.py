"""flyte 2's ``flyte.extras.SleepTask`` (what ``plugin_config=Sleep()`` makes) and
``serialize``/``serialize_env`` (a task's specification, offline) as a flyte user uses them."""

from __future__ import annotations

import pytest

import flytelike as flyte
from flytelike.errors import DefinitionError
from flytelike.extras import Sleep, SleepTask, serialize, serialize_env
from flytelike.models import SerializationContext
from flytelike.serialization import from_proto_bytes

env = flyte.TaskEnvironment("extras_ser")


@env.task
async def helper(x: int) -> int:
    return x + 1


@env.task
async def main(x: int) -> int:
    return await helper(x) * 2


sleep_env = flyte.TaskEnvironment("extras_sleep", plugin_config=Sleep())


@sleep_env.task
async def nap(seconds: float) -> float:
    return seconds * 2


def test_a_sleep_config_makes_a_sleep_task_that_runs_locally() -> None:
    assert isinstance(nap, SleepTask) and not isinstance(main, SleepTask)
    assert nap.task_type == "core-sleep" and isinstance(nap.plugin_config, Sleep)
    assert flyte.run(nap, seconds=1.5).outputs()[0] == 3.0
    assert isinstance(nap.override(short_name="p"), SleepTask)
    custom = dict(nap.template().custom)
    assert "core-sleep" in custom["v2.plugin_config"]


def test_serialize_is_the_tasks_ir_closure() -> None:
    spec = serialize(main)
    closure = from_proto_bytes(spec.SerializeToString())
    names = sorted(t.id.name for t in closure.tasks)
    assert "extras_ser.main" in names
    assert {t.id.version for t in closure.tasks} == {"serialized"}
    ctx = SerializationContext(version="v7", project="ml", domain="prod")
    stamped = from_proto_bytes(serialize(main, ctx).SerializeToString())
    (task,) = [t for t in stamped.tasks if t.id.name == "extras_ser.main"]
    assert (task.id.version, task.id.project, task.id.domain) == ("v7", "ml", "prod")
    specs = serialize_env(env, ctx)
    assert len(specs) == len(env.tasks) == 2
    with pytest.raises(DefinitionError, match="expected a task"):
        serialize(env)
    with pytest.raises(DefinitionError, match="SerializationContext"):
        serialize(main, {"version": "v1"})
    with pytest.raises(DefinitionError, match="expected a TaskEnvironment"):
        serialize_env(main)
