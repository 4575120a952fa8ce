"""Workflows used by the engine tests (module level, so workers can import them)."""

from __future__ import annotations

import os
import time
import typing
from pathlib import Path

import flytelike as fl
from flytelike import engine


@fl.task
def add(a: int, b: int) -> int:
    return a + b


@fl.task
def mul(a: int, b: int) -> int:
    return a * b


@fl.task
def sub(a: int, b: int) -> int:
    return a - b


@fl.workflow
def my_workflow(a: int, b: int, c: int, m: int, n: int) -> int:
    return sub(a=add(a=add(a=a, b=b), b=c), b=mul(a=m, b=n))


@fl.task
def slope(x: list[int], y: list[int]) -> float:
    sum_xy = sum([x[i] * y[i] for i in range(len(x))])
    sum_x_squared = sum([x[i] ** 2 for i in range(len(x))])
    n = len(x)
    return (n * sum_xy - sum(x) * sum(y)) / (n * sum_x_squared - sum(x) ** 2)


@fl.task
def intercept(x: list[int], y: list[int], slope: float) -> float:
    return sum(y) / len(y) - slope * sum(x) / len(x)


@fl.workflow
def slope_intercept_wf(x: list[int], y: list[int]) -> tuple[float, float]:
    s = slope(x=x, y=y)
    i = intercept(x=x, y=y, slope=s)
    return s, i


@fl.task
def regression_line(val: int, slope_value: float, intercept_value: float) -> float:
    return (slope_value * val) + intercept_value


@fl.workflow
def regression_line_wf(val: int = 5, x: list[int] = [-3, 0, 3], y: list[int] = [7, 4, -2]) -> float:  # noqa: B006
    slope_value, intercept_value = slope_intercept_wf(x=x, y=y)
    return regression_line(val=val, slope_value=slope_value, intercept_value=intercept_value)


@fl.task
def square(x: int) -> int:
    return x * x


@fl.task
def negate(x: int) -> int:
    return -x


@fl.workflow
def branchy(x: int) -> int:
    return (  # type: ignore[no-any-return]
        fl.conditional("sign")
        .if_(x > 10)
        .then(square(x=x))
        .elif_(x > 0)
        .then(add(a=x, b=1))
        .else_()
        .then(negate(x=x))
    )


THRESHOLD = 11


@fl.task
def detect_anomalies(data_point: int) -> bool:
    return data_point > THRESHOLD


@fl.workflow
def map_workflow(data: list[int] = [10, 12, 11, 10, 13, 12, 100, 11, 12, 10]) -> list[bool]:  # noqa: B006
    return fl.map_task(detect_anomalies)(data_point=data)  # type: ignore[no-any-return]


@fl.workflow
def sub_wf(a: int, b: int) -> int:
    return add(a=a, b=b)


sub_lp = fl.LaunchPlan.get_or_create(sub_wf, name="sub_lp", default_inputs={"b": 10})
fixed_lp = fl.LaunchPlan.get_or_create(sub_wf, name="fixed_lp", fixed_inputs={"a": 100})


@fl.workflow
def lp_parent() -> list[int]:
    return [sub_lp(a=i) for i in [1, 2, 3]]  # type: ignore[return-value]


@fl.task
def split(numbers: list[int]) -> tuple[list[int], list[int]]:
    mid = len(numbers) // 2
    return numbers[:mid], numbers[mid:]


@fl.task
def merge(sorted_list1: list[int], sorted_list2: list[int]) -> list[int]:
    return sorted(sorted_list1 + sorted_list2)


@fl.task
def sort_locally(numbers: list[int]) -> list[int]:
    return sorted(numbers)


@fl.dynamic
def merge_sort(numbers: list[int], threshold: int = 5) -> list[int]:
    if len(numbers) <= threshold:
        return sort_locally(numbers=numbers)  # type: ignore[return-value]
    s1, s2 = split(numbers=numbers)
    return merge(
        sorted_list1=merge_sort(numbers=s1, threshold=threshold),  # type: ignore[return-value]
        sorted_list2=merge_sort(numbers=s2, threshold=threshold),
    )


@fl.task
def touch(path: str, name: str) -> str:
    with open(os.path.join(path, name), "a") as f:
        f.write("x")
    time.sleep(0.05)
    return name


@fl.workflow
def ordered(path: str) -> None:
    a = touch(path=path, name="a")
    b = touch(path=path, name="b")
    c = touch(path=path, name="c")
    c >> b
    b >> a


@fl.task
def fails(x: int) -> int:
    raise ValueError(f"boom {x}")


@fl.task
def handler(x: int, error: typing.Optional[str] = None) -> None:  # noqa: UP045
    Path(os.environ["FLYTELIKE_TEST_MARK"]).write_text(f"{x}:{error}")


@fl.workflow(on_failure=handler)
def failing_wf(x: int) -> int:
    return fails(x=x)


@fl.workflow(failure_policy=fl.WorkflowFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE)
def keep_going(path: str) -> None:
    fails(x=1)
    touch(path=path, name="other")


@fl.task(secret_requests=[fl.Secret(group="grp", key="k")])
def read_secret() -> str:
    return str(engine.current_context().secrets.get("grp", "k"))


@fl.task(enable_deck=True)
def decked(x: int) -> int:
    engine.Deck("custom", "<b>hello</b>")
    return x


@fl.task(retries=2)
def checkpointed() -> int:
    cp = engine.current_context().checkpoint
    prev = cp.read()
    n = int(prev) if prev else 0
    cp.write(str(n + 1).encode())
    if n < 2:
        raise fl.FlyteRecoverableException("again")
    return n
