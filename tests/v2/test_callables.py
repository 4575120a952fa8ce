"""Tasks and functions as task arguments (seed 003 "other features": callables as arguments).

A ``Callable[[int], Awaitable[int]]`` parameter resolves to the cloudpickle fallback with a
``PickleFallbackWarning`` at definition; a task or a plain async function passed as ``Any`` is
pickled when it is converted, with the same warning naming the value's type.
"""

from __future__ import annotations

import typing

import pytest

import flytelike as flyte
import typesystem
from typesystem import PickleFallbackWarning

env = flyte.TaskEnvironment("callables")


@env.task
async def add_one_udf(x: int) -> int:
    return x + 1


async def fn_add_two_udf(x: int) -> int:
    return x + 2


with pytest.warns(PickleFallbackWarning, match=r"Callable\[\[int\], Awaitable\[int\]\]"):

    @env.task
    async def run_udf(x: int, udf: typing.Callable[[int], typing.Awaitable[int]]) -> int:
        return await udf(x)


@env.task
async def run_any(x: int, udf: typing.Any) -> int:
    return await udf(x)


@env.task
async def main() -> list[int]:
    return [await run_udf(5, add_one_udf), await run_udf(5, fn_add_two_udf)]


@env.task
async def main_any() -> list[int]:
    return [await run_any(5, add_one_udf), await run_any(5, fn_add_two_udf)]


def test_callables_typed_as_callable_are_pickled_and_run() -> None:
    run = flyte.run(main)
    assert run.outputs() == [6, 7]
    # Each call was a recorded child action; the unpickled task is still a task, so calling it
    # inside run_udf made its own action.
    names = [a.name for a in run.actions()]
    assert names.count("callables.run_udf") == 2 and names.count("callables.add_one_udf") == 1


def test_callables_passed_as_any_are_pickled_with_a_warning() -> None:
    with pytest.warns(PickleFallbackWarning) as caught:
        run = flyte.run(main_any)
    assert run.outputs() == [6, 7]
    messages = " ".join(str(w.message) for w in caught)
    assert "V2Task" in messages and "`function`" in messages


def test_a_direct_call_passes_the_function_through() -> None:
    import asyncio

    assert asyncio.run(run_udf(1, fn_add_two_udf)) == 3


def test_strict_registry_refuses_callables_and_pickled_any() -> None:
    reg = typesystem.TypeRegistry(strict=True, plugins=False)
    with pytest.raises(typesystem.UnsupportedTypeError, match="strict mode"):
        reg.get_transformer(typing.Callable[[int], int])
    with pytest.raises(typesystem.ConversionError, match="plain data"):
        reg.to_literal(fn_add_two_udf, typing.Any)


def test_callable_values_are_checked_and_round_trip() -> None:
    reg = typesystem.TypeRegistry(plugins=False)
    t = typing.Callable[[int], int]
    with pytest.warns(PickleFallbackWarning):
        lit = reg.to_literal(len, t)
    assert reg.to_python(lit, t) is len
    with pytest.raises(typesystem.ConversionError):
        reg.to_literal(3, t)
    # Plain data passed as Any still travels as msgpack, without a warning.
    assert reg.to_python(reg.to_literal({"a": [1, 2]}, typing.Any), typing.Any) == {"a": [1, 2]}
