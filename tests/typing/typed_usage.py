"""What a user's type checker sees: ``@task``/``@workflow`` keep the wrapped signatures.

This file must pass ``mypy --strict`` (``tests/typing/test_mypy.py`` checks it, and that a
wrongly typed call is reported).
"""

from __future__ import annotations

from flytelike import PythonFunctionTask, dynamic, task, workflow


@task
def add(a: int, b: int) -> int:
    return a + b


@task(retries=2, cache=True)
def describe(n: int, label: str = "n") -> str:
    return f"{label}={n}"


@dynamic
def fan(n: int) -> list[int]:
    return [add(a=i, b=i) for i in range(n)]


@workflow
def pipeline(x: int, y: int = 1) -> str:
    total: int = add(a=x, b=y)
    return describe(n=total)


@workflow()
def nested(x: int) -> str:
    return pipeline(x=x)


def use() -> None:
    result: str = pipeline(x=1)
    numbers: list[int] = fan(n=3)
    keeps: PythonFunctionTask[[int, int], int] = add
    print(result, numbers, keeps.name)
