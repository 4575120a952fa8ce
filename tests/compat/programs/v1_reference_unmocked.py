"""A flytekit 1.x module whose workflows call a task and a launch plan registered elsewhere
(reference entities): run locally without a mock each raises NotImplementedError,
which the module catches; with task_mock they run."""

from typing import List

from flytekit import reference_launch_plan, reference_task, task, workflow
from flytekit.testing import task_mock


@reference_task(project="shop", domain="development", name="prices.scale", version="v3")
def scale(values: List[float], factor: float) -> List[float]: ...


@task
def total(values: List[float]) -> float:
    return sum(values)


@reference_launch_plan(project="shop", domain="development", name="prices.report_lp", version="v3")
def report_lp(total: float) -> str: ...


@workflow
def scaled(values: List[float]) -> List[float]:
    return scale(values=values, factor=2.0)


@workflow
def reported(values: List[float]) -> str:
    return report_lp(total=total(values=values))


def refused(fn, **kwargs) -> bool:
    try:
        fn(**kwargs)
    except NotImplementedError:
        return True
    return False


if __name__ == "__main__":
    assert refused(scaled, values=[1.0])
    assert refused(reported, values=[1.0])
    with task_mock(scale) as m:
        m.return_value = [4.0, 6.0]
        assert scaled(values=[2.0, 3.0]) == [4.0, 6.0]
    print("OK")
