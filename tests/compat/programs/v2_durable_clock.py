"""A task that waits with flyte's durable clock (sync and async forms): the times it reads are
the clock's, and the sleeps last at least as long as asked."""

import asyncio
import time

import flyte
import flyte.durable

env = flyte.TaskEnvironment(name="durable_clock")


@env.task
def sync_wait(seconds: float) -> float:
    start = flyte.durable.time()
    flyte.durable.sleep(seconds)
    return flyte.durable.time() - start


@env.task
async def async_wait(seconds: float) -> float:
    start = await flyte.durable.time.aio()
    day = await flyte.durable.now.aio()
    assert day.year >= 2024
    await flyte.durable.sleep.aio(seconds)
    waited = (await flyte.durable.time.aio()) - start
    return waited + await sync_wait.aio(seconds)


if __name__ == "__main__":
    flyte.init()
    before = time.time()
    run = flyte.run(async_wait, seconds=0.2)
    assert run.outputs()[0] >= 0.4, run.outputs()
    assert time.time() - before >= 0.4
    assert asyncio.run(flyte.durable.time.aio()) >= before
    print("OK")
