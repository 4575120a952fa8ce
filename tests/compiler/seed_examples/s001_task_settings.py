# ruff: noqa  (verbatim documentation code: its style is the documentation's)
"""001 task parameters: retries, timeouts, interruptible, resources, accelerators, environment,
secrets, ImageSpec, with_overrides (FlyteFile inputs replaced by str; erratum 7 fixed)."""

import os
import random
from datetime import timedelta
from typing import List

import flytelike as union
from flytelike import FlyteRecoverableException, Resources
from flytelike.extras.accelerators import A100, GPUAccelerator, T4


@union.task(retries=3)
def compute_mean(data: List[float]) -> float:
    if random.random() < 0.05:
        raise FlyteRecoverableException("Something bad happened 🔥")
    return sum(data) / len(data)


@union.task(timeout=timedelta(hours=1))
def slow_task(n: int) -> int:
    return n


@union.task(interruptible=True, retries=3)
def spot_task(n: int) -> int:
    return n


@union.task(
    requests=Resources(mem="120Gi", cpu="44", ephemeral_storage="100Gi"),
    limits=Resources(mem="200Gi", cpu="100", gpu="12", ephemeral_storage="200Gi"),
    accelerator=GPUAccelerator("nvidia-tesla-a100"),
)
def my_big_task(n: int) -> int:
    return n


@union.task(
    requests=Resources(cpu="1", mem="1Gi", gpu="1"), limits=Resources(cpu="2", mem="2Gi", gpu="1")
)
def gpu_task(n: int) -> int:
    return n


@union.task(limits=Resources(gpu="1"), accelerator=A100.partition_2g_10gb)
def partitioned_task(n: int) -> int:
    return n


@union.task(limits=Resources(gpu="1"), accelerator=T4)
def t4_task(n: int) -> int:
    return n


@union.task(environment={"MY_ENV_VAR": "my_value"})
def my_task() -> str:
    return os.environ["MY_ENV_VAR"]


@union.task(secret_requests=[union.Secret(key="my_secret")])
def t1() -> None:
    pass


@union.task(secret_requests=[union.Secret(key="my_union_api_key", env_var="UNION_API_KEY")])
def t2() -> None:
    pass


@union.task(
    secret_requests=[
        union.Secret(key="my_file_secret", mount_requirement=union.Secret.MountType.FILE)
    ]
)
def t3() -> None:
    pass


image = union.ImageSpec(builder="union", name="say-hello-image", requirements="uv.lock")


@union.task(container_image=image)
def say_hello(name: str) -> str:
    return f"Hello, {name}!"


@union.workflow
def hello_world_wf(name: str = "world") -> str:
    greeting = say_hello(name=name)
    return greeting


@union.task
def file_task(ff: str) -> None: ...


@union.workflow
def my_workflow() -> None:
    file_task(ff="small")
    file_task(ff="big").with_overrides(requests=Resources(mem="120Gi", cpu="10"))


@union.task
def add(a: int, b: int, c: int) -> int:
    return a + b + c


@union.workflow
def wf() -> int:
    add(a=1, b=1, c=1).with_overrides(name="my_task_1")
    add(a=2, b=2, c=2).with_overrides(name="my_task_2", node_name="my_node_2")
    return add(a=1, b=1, c=1)


@union.workflow
def settings_wf(data: List[float] = [1.0, 2.0, 3.0]) -> float:
    spot_task(n=slow_task(n=my_big_task(n=gpu_task(n=partitioned_task(n=t4_task(n=1))))))
    my_task()
    t1()
    t2()
    t3()
    return compute_mean(data=data)
