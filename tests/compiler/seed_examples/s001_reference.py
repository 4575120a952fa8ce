# ruff: noqa  (verbatim documentation code: its style is the documentation's)
"""001 L2040-2076: a reference task called positionally."""

import flytelike as union
from flytelike import reference_task


@reference_task(
    project="flytesnacks",
    domain="development",
    name="task.add_two_numbers",
    version="v1",
)
def add_two_numbers(a: int, b: int) -> int: ...


@union.workflow
def wf(a: int, b: int) -> int:
    return add_two_numbers(a, b)
