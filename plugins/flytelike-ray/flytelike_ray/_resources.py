"""A task's resources as Ray task options, and the fail-fast check against the cluster.

What the task template says (node overrides included: the engine merges ``with_overrides(
requests=..., limits=..., resources=..., accelerator=...)`` into the template it sends):

- CPU and memory come from ``requests`` (what a scheduler reserves), else from ``limits``; GPUs
  from ``limits``, else ``requests`` (flytelike asks GPUs to be in ``limits``);
- CPU maps to ``num_cpus`` (fractions allowed: ``"500m"`` is 0.5), memory to ``memory`` (bytes),
  GPUs to ``num_gpus``; unset fields keep Ray's defaults (one CPU per task, no memory or GPU
  reservation);
- an accelerator (``accelerator=A100``, ``GPUAccelerator("nvidia-tesla-t4")``) becomes Ray's
  custom resource ``accelerator_type:<Ray's name>`` (``A100``, ``T4``, ...: the names Ray gives
  the GPUs it detects, ``ray.util.accelerators``), which only nodes with that device offer;
  a MIG partition cannot be scheduled by Ray and is refused, naming the task;
- ephemeral storage is not something Ray schedules: it stays in the template, unused here;
- a request that no single alive node can hold fails before submission (Ray would otherwise
  keep the task pending forever), naming the task, the request and the largest node.

Custom Ray resources (a node started with ``--resources '{"special_hw": 1}'``) come from the
backend's ``task_resources`` option, ``{task name: {resource: amount}}`` (``custom_resources``
checks it), added to what the task's ``Resources`` ask, and checked against the nodes the same
way.

Requirements are kept as ``{Ray resource name: amount}`` (``CPU``, ``GPU``, ``memory``,
``accelerator_type:A100``), the names Ray reports for each node; ``task_options`` turns them into
the keywords of ``.options(...)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# The IR quantity parser lives in one place (flytelike._settings.resources); reading it here
# keeps the units (m, Ki, Gi, ...) the same as at task definition.
from flytelike._settings.resources import quantity
from flytelike_ray._errors import RayBackendError

ACCELERATOR = "accelerator_type:"  # (Ray's prefix for a device-type resource)
_MARK = 0.001  # what Ray itself asks of an accelerator_type resource

# flytelike's device names (flytekit's) -> Ray's accelerator type names.
_RAY_DEVICES = {
    "nvidia-tesla-k80": "K80",
    "nvidia-tesla-m60": "M60",
    "nvidia-tesla-p4": "P4",
    "nvidia-tesla-p100": "P100",
    "nvidia-tesla-t4": "T4",
    "nvidia-tesla-v100": "V100",
    "nvidia-tesla-a100": "A100",
    "nvidia-a100-80gb": "A100-80G",
    "nvidia-a10g": "A10G",
    "nvidia-l4": "L4",
    "nvidia-l4-vws": "L4",
    "nvidia-l40s": "L40S",
    "nvidia-h100": "H100",
    "nvidia-h200": "H200",
    "nvidia-rtx-pro-6000": "RTX-PRO-6000",
}


def ray_device(device: str) -> str:
    """Ray's accelerator type name for a flytelike device name (an unknown name as given)."""
    return _RAY_DEVICES.get(device.lower(), device)


def requirements(task: Any) -> dict[str, float]:
    """``{Ray resource name: amount}`` for a task template (see the module docstring)."""
    resources = task.resources
    req, lim = resources.requests, resources.limits
    out: dict[str, float] = {}
    cpu = quantity("cpu", req.cpu or lim.cpu)
    if cpu:
        out["CPU"] = cpu
    gpu = quantity("gpu", lim.gpu or req.gpu)
    if gpu:
        out["GPU"] = gpu
    memory = quantity("memory", req.memory or lim.memory)
    if memory:
        out["memory"] = memory
    acc = task.metadata.accelerator
    if acc is not None:
        if acc.partition:
            raise RayBackendError(
                f"task `{task.id.name}` asks for accelerator {acc.device} partition "
                f"{acc.partition!r}, but Ray does not schedule GPU partitions (MIG); ask for "
                "the whole device, or a fraction of a GPU with Resources(gpu='0.5')"
            )
        out[ACCELERATOR + ray_device(acc.device)] = _MARK
    return out


def custom_resources(
    given: Mapping[str, Mapping[str, float]] | None,
) -> dict[str, dict[str, float]]:
    """The ``task_resources`` option checked: ``{task name or "*": {resource: amount >= 0}}``;
    the names Ray gives its built-in resources are refused (``Resources`` asks for those)."""
    out: dict[str, dict[str, float]] = {}
    if not given:
        return out
    how = (
        "expected {task name: {resource: amount}}, e.g. "
        """task_resources='{"app.train": {"special_hw": 1}}'"""
    )
    if not isinstance(given, Mapping):
        raise RayBackendError(f"RayBackend(task_resources=...): {given!r} is not a mapping; {how}")
    for task, amounts in given.items():
        if not isinstance(task, str) or not isinstance(amounts, Mapping):
            raise RayBackendError(
                f"RayBackend(task_resources=...): entry {task!r}: {amounts!r} is not a mapping "
                f"of resource names to amounts; {how}"
            )
        row: dict[str, float] = {}
        for name, amount in amounts.items():
            if name in _BUILT_IN:
                raise RayBackendError(
                    f"RayBackend(task_resources=...): task {task!r} asks for {name!r}, one of "
                    "Ray's built-in resources: ask for it with the task's Resources(cpu=..., "
                    "mem=..., gpu=...) or with_overrides(requests=...) instead"
                )
            if (
                not isinstance(name, str)
                or isinstance(amount, bool)
                or not isinstance(amount, int | float)
                or amount < 0
            ):
                raise RayBackendError(
                    f"RayBackend(task_resources=...): task {task!r}: {name!r}: {amount!r} is "
                    f"not a resource name with an amount >= 0; {how}"
                )
            row[name] = float(amount)
        out[task] = row
    return out


_BUILT_IN = frozenset({"CPU", "GPU", "memory", "object_store_memory"})


def task_options(needs: Mapping[str, float]) -> dict[str, Any]:
    """Keywords of ``RemoteFunction.options`` for ``needs``."""
    out: dict[str, Any] = {}
    custom: dict[str, float] = {}
    for name, amount in needs.items():
        if name == "CPU":
            out["num_cpus"] = amount
        elif name == "GPU":
            out["num_gpus"] = amount
        elif name == "memory":
            out["memory"] = int(amount)
        else:
            custom[name] = amount
    if custom:
        out["resources"] = custom
    return out


def check_feasible(
    task: str, needs: Mapping[str, float], nodes: Sequence[Mapping[str, float]]
) -> None:
    """Raise ``RayBackendError`` when no node of ``nodes`` (their total resources) can run a
    task that needs ``needs``."""
    if not needs or not nodes:
        return
    for node in nodes:
        if all(node.get(k, 0.0) >= v for k, v in needs.items()):
            return
    asked = ", ".join(_show(k, v) for k, v in needs.items())
    shown = ["CPU", "GPU", "memory"]
    shown += sorted({k for n in nodes for k in n if k.startswith(ACCELERATOR)})
    shown += sorted(k for k in needs if k not in shown)  # (custom resources asked for)
    offered = ", ".join(_show(k, max(n.get(k, 0.0) for n in nodes)) for k in shown)
    raise RayBackendError(
        f"task `{task}` asks for {asked}, which no node of the Ray cluster can hold (its "
        f"{len(nodes)} node(s) offer at most {offered}); lower the task's Resources or "
        "accelerator (with_overrides(...) changes them for one node), or add nodes that have "
        "them (a local instance: RayBackend(num_cpus=...), init_options={'num_gpus': ..., "
        "'resources': {...}})"
    )


def _show(name: str, value: float) -> str:
    if name == "memory":
        return f"memory={value / 2**30:.3g}Gi"
    if name.startswith(ACCELERATOR):
        return f"accelerator {name[len(ACCELERATOR) :]}" if value else f"no {name}"
    return f"{name}={value:g}"
