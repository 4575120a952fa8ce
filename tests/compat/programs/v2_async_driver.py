"""An async driver script: flyte 2's `.aio` forms of init, run, wait and outputs, runs started
concurrently with asyncio.gather, and `with_runcontext` with the mode given positionally."""

import asyncio

import flyte
import flyte.errors

env = flyte.TaskEnvironment(name="aio_driver")


@env.task
async def double(x: int) -> int:
    return 2 * x


@env.task
def fails(x: int) -> int:
    raise ValueError(f"bad input {x}")


async def main() -> None:
    await flyte.init_from_config.aio()
    runs = await asyncio.gather(flyte.run.aio(double, x=1), flyte.run.aio(double, x=2))
    values = []
    for r in runs:
        await r.wait.aio()
        values.append((await r.outputs.aio())[0])
    assert values == [2, 4], values
    r3 = await flyte.with_runcontext("local").run.aio(double, x=5)
    assert r3.outputs()[0] == 10
    try:
        await flyte.run.aio(fails, x=3)
    except flyte.errors.RuntimeUserError as e:
        assert e.code == "ValueError", e.code
        assert "bad input 3" in str(e)
    else:
        raise AssertionError("the failing run did not raise")


if __name__ == "__main__":
    asyncio.run(main())
    print("OK")
