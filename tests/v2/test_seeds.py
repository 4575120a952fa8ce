"""Seed 003/004 examples (v2 style) with only the import line changed; see spec/v2-api.md.

``@pytest.mark.asyncio`` tests of the seeds are run with ``asyncio.run`` (no pytest-asyncio
here); ``flytelike.run`` is still called from inside a running event loop, as there.
"""

from __future__ import annotations

import asyncio
from typing import List, Tuple  # noqa: UP035  (verbatim seed code)

import flytelike as flyte
import flytelike.errors

env = flyte.TaskEnvironment("test_env")


# ---------------------------------------------------------------- unit testing (003 L4296-4331)
@env.task
def add(a: int, b: int) -> int:
    return a + b


@env.task
async def subtract(a: int, b: int) -> int:
    return a - b


@env.task
def nested(a: int, b: int) -> int:
    return add(a, b)


def test_add_logic() -> None:
    result = add(a=3, b=5)
    assert result == 8


def test_subtract_logic() -> None:
    assert asyncio.run(subtract(a=10, b=4)) == 6


def test_add_serialization() -> None:
    async def body() -> None:
        run = flyte.run(add, 3, 5)
        assert run.outputs() == 8

    asyncio.run(body())


def test_subtract_serialization() -> None:
    async def body() -> None:
        run = flyte.run(subtract, a=10, b=4)
        assert run.outputs() == 6

    asyncio.run(body())


def test_nested() -> None:
    assert nested(3, 5) == 8
    assert flyte.run(nested, 3, 5).outputs() == 8


@env.task
def not_supported_types(x: Tuple[str, str]) -> str:  # noqa: UP006
    return x[0]


def test_tuples_are_supported() -> None:
    # Decision (ARCHITECTURE): tuples travel as fixed-length typed values, so the seed's
    # RestrictedTypeError expectation does not apply; direct calls are unaffected either way.
    assert not_supported_types(x=("a", "b")) == "a"
    assert flyte.run(not_supported_types, x=("a", "b")).outputs() == "a"


# ---------------------------------------------------------------- tasks page (004 L214-276)
@env.task
def step_one(x: int) -> int:
    return x * 2


@env.task
def step_two(x: int) -> int:
    return x + 10


@env.task
def pipeline(x: int) -> int:
    a = step_one(x)  # Run step_one
    b = step_two(a)  # Run step_two with result
    return b


@env.task
def greet(name: str) -> str:
    return f"Hello, {name}!"


def test_pipeline_and_greet() -> None:
    assert pipeline(5) == 20
    r = flyte.run(pipeline, 5)
    assert r.outputs() == 20
    assert r.phase == flyte.models.ActionPhase.SUCCEEDED
    assert greet("World") == "Hello, World!"
    flyte.init_from_config()
    result = flyte.run(greet, name="World")  # `name` is the task's input, not a run option
    assert result.outputs() == "Hello, World!"
    assert "greet" in repr(result)


# ---------------------------------------------------------------- custom context (003 L1090-1147)
@env.task
async def leaf_task() -> str:
    return flyte.ctx().custom_context.get("trace_id")


@env.task
async def root() -> str:
    return await leaf_task()


@env.task
async def downstream() -> str:
    print("downstream sees:", flyte.ctx().custom_context)
    return flyte.ctx().custom_context.get("trace_id")


@env.task
async def parent() -> str:
    print("parent initial:", flyte.ctx().custom_context)

    # Override the trace_id for the nested call(s)
    with flyte.custom_context(trace_id="child-override"):
        val = await downstream()  # downstream sees trace_id="child-override"

    # After the context block, run-level values are back
    print("parent after:", flyte.ctx().custom_context)
    return val


def test_custom_context(capsys) -> None:  # type: ignore[no-untyped-def]
    ctx = {"trace_id": "root-abc", "experiment": "v1"}
    assert flyte.with_runcontext(custom_context=ctx).run(root).outputs() == "root-abc"
    r = flyte.with_runcontext(custom_context={"trace_id": "root-abc"}).run(parent)
    assert r.outputs() == "child-override"
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "parent initial: {'trace_id': 'root-abc'}",
        "downstream sees: {'trace_id': 'child-override'}",
        "parent after: {'trace_id': 'root-abc'}",
    ]


# ---------------------------------------------------------------- cancel (003 L1278-1303)
cancel_env = flyte.TaskEnvironment("cancel")


@cancel_env.task
async def sleepers(f: float, n: int):  # type: ignore[no-untyped-def]
    await asyncio.sleep(f)


@cancel_env.task
async def failing_task(f: float):  # type: ignore[no-untyped-def]
    raise ValueError("I will fail!")


@cancel_env.task
async def cancel_main(n: int, f: float):  # type: ignore[no-untyped-def]
    sleeping_tasks = []
    for i in range(n):
        sleeping_tasks.append(asyncio.create_task(sleepers(f, i)))

    await asyncio.sleep(f)
    try:
        await failing_task(f)
        await asyncio.gather(*sleeping_tasks)
    except flyte.errors.RuntimeUserError as e:
        if e.code == "ValueError":
            print(f"Received ValueError, canceling {len(sleeping_tasks)} sleeping tasks")
            for t in sleeping_tasks:
                t.cancel()
        return


def test_cancel(capsys) -> None:  # type: ignore[no-untyped-def]
    r = flyte.run(cancel_main, 30, 0.05)  # the seed sleeps 10 s; 0.05 s keeps the test fast
    assert r.outputs() == (None,)  # flyte's outputs of a task without outputs
    assert "Received ValueError, canceling 30 sleeping tasks" in capsys.readouterr().out


# ---------------------------------------------------------------- OOM (003 L2915-2941)
fail_env = flyte.TaskEnvironment(name="fail", resources=flyte.Resources(cpu=1, memory="250Mi"))


@fail_env.task
async def oomer(x: int):  # type: ignore[no-untyped-def]
    large_list = [0] * 1000  # the seed allocates 10**8 items; no limit is enforced locally
    print(len(large_list))


@fail_env.task
async def always_succeeds() -> int:
    await asyncio.sleep(0.01)
    return 42


@fail_env.task
async def oom_main() -> int:
    try:
        await oomer(2)
    except flyte.errors.OOMError as e:
        print(f"Failed with oom trying with more resources: {e}, of type {type(e)}, {e.code}")
        try:
            await oomer.override(resources=flyte.Resources(cpu=1, memory="1Gi"))(5)
        except flyte.errors.OOMError as e:
            print(f"Failed with OOM Again giving up: {e}, of type {type(e)}, {e.code}")
            raise e
    finally:
        await always_succeeds()

    return await always_succeeds()


def test_oom_example() -> None:
    assert flyte.run(oom_main).outputs() == 42


# ---------------------------------------------------------------- map (003 L3678-3686, L4060-4078)
map_env = flyte.TaskEnvironment("fanout_env")


@map_env.task
async def call_llm_api(prompt: str) -> str:
    await asyncio.sleep(0.01)
    return f"Response to: {prompt}"


@map_env.task
async def process_batch_with_map(prompts: list[str]) -> list[str]:
    results = list(flyte.map(call_llm_api, prompts, concurrency=3))
    return results


@map_env.task
def sync_process(x: int) -> str:
    """Synchronous processing task"""
    return f"Task {x}"


@map_env.task
async def async_main(n: int) -> List[str]:  # noqa: UP006
    """Async task that maps over sync task"""
    results = []

    # Map over sync task from async context
    async for result in flyte.map.aio(sync_process, range(n)):
        if isinstance(result, Exception):
            raise result
        results.append(result)

    return results


def test_map_examples() -> None:
    prompts = [f"p{i}" for i in range(8)]
    out = flyte.run(process_batch_with_map, prompts).outputs()
    assert out == [f"Response to: p{i}" for i in range(8)]
    assert flyte.run(async_main, 3).outputs() == ["Task 0", "Task 1", "Task 2"]


# ---------------------------------------------------------------- forward, aio (003 L3886-4116)
@env.task
async def inner_task(x: int) -> int:
    return x + 1


@env.task
async def outer_task(x: int) -> int:
    # Executes in same VM, no durable action created
    v = await inner_task.forward(x=10)

    # Creates a durable action, recorded in UI
    return await inner_task(v)


@env.task
async def uses_aio(x: int) -> int:
    return await step_one.aio(x)


def test_forward_and_aio() -> None:
    assert flyte.run(outer_task, 1).outputs() == 12
    assert asyncio.run(outer_task(x=5)) == 12
    assert flyte.run(uses_aio, 4).outputs() == 8


# ---------------------------------------------------------------- traces (003 L2992-3012)
trace_env = flyte.TaskEnvironment("env")


@flyte.trace
async def call_llm(prompt: str) -> str:
    await asyncio.sleep(0.01)
    return f"LLM response for: {prompt}"


@flyte.trace
async def process_data(data: str) -> dict:
    await asyncio.sleep(0.01)
    return {"processed": data, "status": "completed"}


@trace_env.task
async def research_workflow(topic: str) -> dict:
    llm_result = await call_llm(f"Generate research plan for: {topic}")
    processed_data = await process_data(llm_result)
    return {"topic": topic, "result": processed_data}


@flyte.trace
async def traced_multiply(a: int, b: int) -> int:
    return a * b


def test_traces() -> None:
    out = flyte.run(research_workflow, "ai").outputs()
    assert out == {
        "topic": "ai",
        "result": {
            "processed": "LLM response for: Generate research plan for: ai",
            "status": "completed",
        },
    }
    assert asyncio.run(traced_multiply(a=6, b=7)) == 42


# ---------------------------------------------------------------- groups (003 L3297-3479)
@env.task
async def task_a(data: int) -> int:
    return data + 1


@env.task
async def grouped(data: int) -> list[int]:
    with flyte.group("my-group-name"):
        result1 = await task_a(data)
        with flyte.group("inner"):
            assert flyte.ctx().group_data == ("my-group-name", "inner")
            result2 = await task_a(result1)
    return [result1, result2]


def test_groups() -> None:
    assert flyte.run(grouped, 1).outputs() == [2, 3]


# ---------------------------------------------------------------- reports (003 L1788-2095)
@env.task(report=True)
async def task1():  # type: ignore[no-untyped-def]
    await flyte.report.replace.aio("<p>The quick, brown fox jumps over a lazy dog.</p>")
    tab2 = flyte.report.get_tab("Tab 2")
    tab2.log("<p>The quick, brown dog jumps over a lazy fox.</p>")
    await flyte.report.flush.aio()


def test_report() -> None:
    r = flyte.run(task1)
    assert r.outputs() == (None,)
    decks = r.decks()
    assert decks, "the report is written as the task's deck"
    names = {d[1] for d in decks} | {d[0] for d in decks}
    assert "Tab 2" in names or any("Tab 2" in str(d) for d in decks)
