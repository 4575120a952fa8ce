"""A flyte 2 program that reads the handle flyte.run returns beyond its outputs: the root action
(whose wait and details are coroutines), sync(), and the readers it has both ways (details,
first_failure, typed_outputs, show_logs ... with .aio). Checked on flyte 2.12.1's local run."""

import asyncio
import inspect

import flyte

env = flyte.TaskEnvironment("handle")


@env.task
def add_one(x: int) -> int:
    print("adding one to", x)
    return x + 1


async def main() -> None:
    run = await flyte.run.aio(add_one, x=1)
    assert run.sync() is run
    action = run.action
    assert isinstance(action.name, str) and action.name
    assert inspect.iscoroutinefunction(action.wait)
    assert inspect.iscoroutinefunction(action.details)
    for name in ("details", "first_failure", "typed_inputs", "typed_outputs", "show_logs"):
        method = getattr(run, name)
        assert callable(method) and callable(method.aio), name
    assert callable(run.get_logs) and callable(run.get_logs.aio)
    assert inspect.isasyncgenfunction(run.watch)
    assert hasattr(run, "raw_phase")
    assert (await run.outputs.aio())[0] == 2


if __name__ == "__main__":
    asyncio.run(main())
    print("OK")
