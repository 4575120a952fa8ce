"""``Resources`` and accelerators as Ray requirements (pure functions: no Ray started)."""

from __future__ import annotations

import pytest
from flytelike_ray import RayBackendError
from flytelike_ray._resources import check_feasible, requirements, task_options

import flytelike as fl
from flytelike.extras.accelerators import A100, T4


@fl.task(requests=fl.Resources(cpu="500m", mem="2Gi"), limits=fl.Resources(gpu="1"), accelerator=T4)
def trains() -> None:
    pass


@fl.task(accelerator=A100.partition_1g_5gb)
def sliced() -> None:
    pass


def test_cpu_memory_gpu_and_accelerator_map_to_ray_names() -> None:
    needs = requirements(trains.template())
    assert needs == {"CPU": 0.5, "memory": 2 * 2**30, "GPU": 1.0, "accelerator_type:T4": 0.001}
    assert task_options(needs) == {
        "num_cpus": 0.5,
        "memory": 2 * 2**30,
        "num_gpus": 1.0,
        "resources": {"accelerator_type:T4": 0.001},
    }
    gpu_node = {"CPU": 8.0, "GPU": 1.0, "memory": 64.0 * 2**30, "accelerator_type:T4": 1.0}
    check_feasible("trains", needs, [{"CPU": 8.0, "memory": 64.0 * 2**30}, gpu_node])
    with pytest.raises(RayBackendError, match=r"asks for .*accelerator T4.* at most CPU=8, GPU=0"):
        check_feasible("trains", needs, [{"CPU": 8.0, "memory": 64.0 * 2**30}])


def test_a_mig_partition_is_refused_naming_the_task() -> None:
    with pytest.raises(RayBackendError, match=r"task `.*sliced` .* partition '1g.5gb'.*MIG"):
        requirements(sliced.template())
