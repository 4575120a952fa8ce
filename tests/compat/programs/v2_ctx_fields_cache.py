"""A flyte 2 program that reads its task context (action, raw data path, plugin data, checkpoint
paths) inside tasks launched as concurrent runs, and caches a task with flyte's positional
Cache("auto", "<version>")."""

import asyncio

import flyte

env = flyte.TaskEnvironment(name="ctx_cache")
CALLS = []


@env.task(cache=flyte.Cache("auto", "2.0"))
async def scale(x: int) -> int:
    CALLS.append(x)
    return x * 10


@env.task
async def inspect(x: int) -> str:
    c = flyte.ctx()
    assert c.action is not None and c.raw_data_path is not None
    assert c.data == {} and c["missing"] is None
    paths = c.checkpoint_paths
    assert paths is not None and paths.checkpoint_path
    return f"{x}:{await scale(x)}"


async def launch() -> list[str]:
    runs = await asyncio.gather(flyte.run.aio(inspect, x=1), flyte.run.aio(inspect, x=2))
    return [r.outputs()[0] for r in runs]


if __name__ == "__main__":
    flyte.init()
    assert sorted(asyncio.run(launch())) == ["1:10", "2:20"]
    assert flyte.run(scale, x=1).outputs()[0] == 10
    assert sorted(CALLS) == [1, 2], CALLS  # the third call was a cache hit
    print("OK")
