# ruff: noqa  (verbatim documentation code: its style is the documentation's)
"""002 examples: basic workflow, chaining, conditionals, map_task, dynamic, ML pipeline
(erratum 1: `batch_processing_workflow` is not valid DSL and is left out; erratum 2:
`retries=3`; undefined helpers defined here)."""

from datetime import timedelta
from typing import List

import flytelike as union
from flytelike import ImageSpec, Resources, conditional, map_task, task, workflow


@task
def say_hello(name: str) -> str:
    return f"Hello, {name}!"


@task
def process_greeting(greeting: str) -> str:
    return greeting.upper()


@workflow
def my_workflow(name: str = "world") -> str:
    greeting = say_hello(name=name)
    processed = process_greeting(greeting=greeting)
    return processed


@task
def task_0() -> None:
    pass


@task
def task_1() -> None:
    pass


@task
def task_2() -> None:
    pass


@workflow
def chain_tasks_wf():
    t0_promise = task_0()
    t1_promise = task_1()
    t2_promise = task_2()

    t0_promise >> t1_promise >> t2_promise


@task
def large_number_task(x: int) -> str:
    return "large"


@task
def small_number_task(x: int) -> str:
    return "small"


@task
def zero_or_negative_task(x: int) -> str:
    return "zero or negative"


@workflow
def conditional_wf(x: int) -> str:
    return (
        conditional("branch_logic")
        .if_(x > 10)
        .then(large_number_task(x=x))
        .elif_(x > 0)
        .then(small_number_task(x=x))
        .else_()
        .then(zero_or_negative_task(x=x))
    )


@task
def process_item(item: str) -> str:
    return f"processed: {item}"


@workflow
def parallel_workflow(items: List[str]) -> List[str]:
    return map_task(process_item)(items)


def clean_data(raw: str) -> str:
    return raw.strip()


def train_model(data: str) -> str:
    return f"model({data})"


image_spec = ImageSpec(
    name="my-workflow", requirements="requirements.txt", registry="ghcr.io/myorg"
)


@union.task(container_image=image_spec)
def data_preprocessing(raw_data: str) -> str:
    """Preprocess raw data."""
    return clean_data(raw_data)


@union.task(container_image=image_spec, requests=Resources(cpu="2", mem="4Gi"))
def model_training(processed_data: str) -> str:
    """Train ML model."""
    return train_model(processed_data)


@union.workflow
def ml_pipeline(input_data: str) -> str:
    """Complete ML training pipeline."""
    processed = data_preprocessing(raw_data=input_data)
    model = model_training(processed_data=processed)
    return model


@task
def dynamic_task(index: int) -> str:
    return f"task {index}"


@union.dynamic
def dynamic_workflow(num_tasks: int) -> List[str]:
    results = []
    for i in range(num_tasks):
        result = dynamic_task(index=i)
        results.append(result)
    return results


@task(retries=3, cache=True, timeout=timedelta(minutes=10))
def robust_task(data: str) -> str:
    """Task with retry logic and timeout."""
    try:
        return data.upper()
    except Exception as e:
        # Log error and re-raise for retry
        print(f"Task failed: {e}")
        raise


@workflow
def robust_wf(data: str = "x") -> str:
    return robust_task(data=data)
