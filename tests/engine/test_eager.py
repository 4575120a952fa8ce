"""``@eager`` as flytekit 1.16 documents it: tasks, workflows and other eager tasks are awaited
inside an eager workflow; ``asyncio.run(eager_wf(x=1))`` runs one from a script; a failed call
raises ``flytekit.exceptions.eager.EagerException`` inside the eager workflow."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from flytelike import eager, task, workflow
from flytelike.engine import Engine
from flytelike.exceptions.eager import EagerException


@task
def add_one(x: int) -> int:
    return x + 1


@task
def double(x: int) -> int:
    return x * 2


@task
def raises_exc(x: int) -> int:
    if x <= 0:
        raise TypeError("x must be positive")
    return x


@eager
async def simple_eager_workflow(x: int) -> int:
    out = await add_one(x=x)
    if out < 0:
        return -1
    return await double(x=out)


@workflow
def subworkflow(x: int) -> int:
    return double(x=add_one(x=x))


@eager
async def eager_with_subworkflows(x: int) -> int:
    out = await subworkflow(x=x)  # a static subworkflow
    return await simple_eager_workflow(x=out)  # and another eager workflow


@eager
async def eager_parallel(x: int) -> list[int]:
    return list(await asyncio.gather(*[add_one(x=x + i) for i in range(4)]))


@eager
async def eager_workflow_with_exception(x: int) -> int:
    try:
        return await raises_exc(x=x)
    except EagerException:
        return -1


@eager
async def uncaught(x: int) -> int:
    return await raises_exc(x=x)


@workflow
def static_calls_eager(x: int) -> int:
    return simple_eager_workflow(x=x)  # type: ignore[return-value]


def test_asyncio_run_of_an_eager_workflow(engine: Engine) -> None:
    assert asyncio.run(simple_eager_workflow(x=1)) == 4
    assert asyncio.run(eager_with_subworkflows(x=1)) == 10  # (1+1)*2 = 4; (4+1)*2 = 10
    assert asyncio.run(eager_parallel(x=10)) == [11, 12, 13, 14]


def test_a_direct_call_outside_a_run_is_a_coroutine(engine: Engine) -> None:
    coro = simple_eager_workflow(x=2)
    assert asyncio.iscoroutine(coro)
    assert asyncio.run(coro) == 6


def test_eager_workflows_gathered_at_the_top_level(engine: Engine) -> None:
    async def main() -> list[int]:
        return list(await asyncio.gather(*(simple_eager_workflow(x=i) for i in range(3))))

    assert asyncio.run(main()) == [2, 4, 6]


def test_a_failed_task_is_an_eager_exception_inside_the_eager_workflow(engine: Engine) -> None:
    assert asyncio.run(eager_workflow_with_exception(x=0)) == -1
    assert asyncio.run(eager_workflow_with_exception(x=3)) == 3


def test_an_uncaught_failure_names_the_task_and_keeps_its_type(engine: Engine) -> None:
    with pytest.raises(EagerException) as info:
        asyncio.run(uncaught(x=0))
    err = info.value
    assert isinstance(err, TypeError)  # still the task's exception type
    assert isinstance(err.__cause__, TypeError)
    assert "raises_exc` failed inside eager task `" in str(err)
    assert "TypeError: x must be positive" in str(err)


def test_an_eager_workflow_in_a_static_workflow_and_in_a_run(engine: Engine) -> None:
    assert static_calls_eager(x=1) == 4
    run = engine.run(simple_eager_workflow, x=1)
    assert run.outputs() == 4
    children = sorted(a.action_id for a in run.actions() if "/" in a.action_id)
    assert len(children) == 2  # add_one and double ran as child actions


SCRIPT = textwrap.dedent(
    """
    import asyncio
    import json

    from flytelike import eager, task
    from flytelike.exceptions.eager import EagerException


    @task
    def add_one(x: int) -> int:
        return x + 1


    @task
    def fails(x: int) -> int:
        raise ValueError(f"no {x}")


    @eager
    async def eager_wf(x: int) -> dict[str, int]:
        out = await add_one(x=x)
        try:
            await fails(x=out)
        except EagerException:
            return {"out": out, "caught": 1}
        return {"out": out, "caught": 0}


    if __name__ == "__main__":
        print(json.dumps(asyncio.run(eager_wf(x=1))))
    """
)


def _run_script(cwd: Path, timeout: float) -> tuple[int, str, str]:
    """``python eager_script.py`` in ``cwd`` on a fresh home: its exit status, stdout and stderr.
    A crash prints every thread's stack (``PYTHONFAULTHANDLER``); so does a script still running
    after ``timeout`` seconds (sent SIGABRT), and the test fails with those stacks."""
    env = {**os.environ, "FLYTELIKE_HOME": str(cwd / "home"), "PYTHONFAULTHANDLER": "1"}
    with subprocess.Popen(
        [sys.executable, "eager_script.py"],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGABRT)
            try:
                out, err = proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, err = proc.communicate()
            pytest.fail(f"the script still ran after {timeout}s; its threads:\n{err}")
    return proc.returncode, out, err


def test_asyncio_run_from_a_script(tmp_path: Path) -> None:
    (tmp_path / "eager_script.py").write_text(SCRIPT)
    status, out, err = _run_script(tmp_path, timeout=120)
    assert status == 0, f"exit status {status}; stdout {out!r}; stderr:\n{err}"
    assert json.loads(out) == {"out": 2, "caught": 1}, err
