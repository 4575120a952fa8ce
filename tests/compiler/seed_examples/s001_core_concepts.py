# ruff: noqa  (verbatim documentation code: its style is the documentation's)
"""001 L31-52: tasks and a workflow."""

import flytelike as union


@union.task
def task_1(a: int, b: int, c: int) -> int:
    return a + b + c


@union.task
def task_2(m: int, n: int) -> int:
    return m * n


@union.task
def task_3(x: int, y: int) -> int:
    return x - y


@union.workflow
def my_workflow(a: int, b: int, c: int, m: int, n: int) -> int:
    x = task_1(a=a, b=b, c=c)
    y = task_2(m=m, n=n)
    return task_3(x=x, y=y)
