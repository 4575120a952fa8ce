"""Task functions under decorators made with ``functools.wraps``: flytekit reads the signature
through ``__wrapped__`` and runs the wrapper (which then runs the function)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest

import flytelike as fl
from flytelike import task, workflow
from flytelike.errors import InterfaceError
from flytelike.testing import task_mock

CALLS: list[str] = []


def log_calls(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        CALLS.append(f"before {sorted(kwargs.items())}")
        out = fn(*args, **kwargs)
        CALLS.append(f"after {out}")
        return out

    return wrapper


def doubled(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return 2 * fn(*args, **kwargs)

    return wrapper


@task
@log_calls
def add(x: int, y: int = 2) -> int:
    """Add two numbers."""
    return x + y


@task(retries=1)
@doubled
@log_calls
def twice_added(x: int) -> int:
    return x + 1


@workflow
def wf(x: int = 1) -> int:
    return twice_added(x=add(x=x))


def test_the_interface_is_the_wrapped_functions() -> None:
    assert list(add.python_interface.inputs) == ["x", "y"]
    assert add.python_interface.defaults == {"y": 2}
    assert list(add.python_interface.outputs) == ["o0"]
    assert add.name.endswith(".add") and add.__doc__ == "Add two numbers."
    source = add.template().source
    assert source is not None and source.file.endswith("test_decorated_tasks.py")
    assert twice_added.template().metadata.retries == 1


def test_the_wrapper_runs_in_a_direct_call_and_in_a_workflow(flytelike_engine: Any) -> None:
    CALLS.clear()
    assert add(x=1, y=5) == 6
    assert CALLS == ["before [('x', 1), ('y', 5)]", "after 6"]
    CALLS.clear()
    assert wf(x=3) == 12  # add: 3 + 2 = 5; twice_added: 2 * (5 + 1)
    assert CALLS == ["before [('x', 3), ('y', 2)]", "after 5", "before [('x', 5)]", "after 6"]


def test_async_wrappers_and_v2_tasks(flytelike_engine: Any) -> None:
    def traced(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            return f"<{await fn(*args, **kwargs)}>"

        return wrapper

    env = fl.TaskEnvironment(name="decorated")

    @env.task
    @traced
    async def greet(name: str) -> str:
        return f"hello {name}"

    @env.task
    async def main(name: str) -> str:
        return await greet(name=name)

    run = fl.run(main, name="ada")
    run.wait()
    out = run.outputs()
    assert (out[0] if isinstance(out, tuple) else out) == "<hello ada>"


def test_a_decorated_task_can_be_mocked(flytelike_engine: Any) -> None:
    with task_mock(add) as mock:
        mock.return_value = 100
        assert wf(x=1) == 202


def test_a_wrapper_without_functools_wraps_is_refused_with_the_fix() -> None:
    def bare(fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return fn(*args, **kwargs)

        return wrapper

    with pytest.raises(InterfaceError, match=r"@functools\.wraps\(fn\)"):

        @task
        @bare
        def f(x: int) -> int:
            return x
