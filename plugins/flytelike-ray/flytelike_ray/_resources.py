"""A task's ``Resources`` as Ray task options, and the fail-fast check against the cluster.

- CPU and memory come from ``requests`` (what a scheduler reserves), else from ``limits``; GPUs
  from ``limits``, else ``requests`` (flytelike asks GPUs to be in ``limits``);
- CPU maps to ``num_cpus`` (fractions allowed: ``"500m"`` is 0.5), memory to ``memory`` (bytes),
  GPUs to ``num_gpus``; unset fields keep Ray's defaults (one CPU per task, no memory or GPU
  reservation);
- a request that no single alive node can hold fails before submission (Ray would otherwise
  keep the task pending forever), naming the task, the request and the largest node.

Node overrides (``with_overrides(requests=...)``) do not reach backends yet; accelerators and
ephemeral storage are not mapped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# The IR quantity parser lives in one place (flytelike._settings.resources); reading it here keeps the
# units (m, Ki, Gi, ...) the same as at task definition.
from flytelike._settings.resources import quantity
from flytelike_ray._errors import RayBackendError

_RAY_NAMES = {"num_cpus": "CPU", "num_gpus": "GPU", "memory": "memory"}


def ray_options(resources: Any) -> dict[str, float]:
    """``num_cpus`` / ``num_gpus`` / ``memory`` for a template's ``ResourceRequirements``."""
    req, lim = resources.requests, resources.limits
    out: dict[str, float] = {}
    cpu = quantity("cpu", req.cpu or lim.cpu)
    if cpu:
        out["num_cpus"] = cpu
    gpu = quantity("gpu", lim.gpu or req.gpu)
    if gpu:
        out["num_gpus"] = gpu
    memory = quantity("memory", req.memory or lim.memory)
    if memory:
        out["memory"] = memory
    return out


def check_feasible(
    task: str, options: Mapping[str, float], nodes: Sequence[Mapping[str, float]]
) -> None:
    """Raise ``RayBackendError`` when no node of ``nodes`` (their total resources) can run a
    task asking for ``options``."""
    if not options or not nodes:
        return
    for node in nodes:
        if all(node.get(_RAY_NAMES[k], 0.0) >= v for k, v in options.items()):
            return
    asked = ", ".join(f"{_RAY_NAMES[k]}={_show(k, v)}" for k, v in options.items())
    largest = {name: max(n.get(name, 0.0) for n in nodes) for name in ("CPU", "GPU", "memory")}
    offered = ", ".join(
        f"{name}={_show('memory' if name == 'memory' else 'n', v)}" for name, v in largest.items()
    )
    raise RayBackendError(
        f"task `{task}` asks for {asked}, which no node of the Ray cluster can hold (its "
        f"{len(nodes)} node(s) offer at most {offered}); lower the task's Resources, or add "
        "nodes that have them (a local instance: RayBackend(num_cpus=...), "
        "init_options={'num_gpus': ...})"
    )


def _show(kind: str, value: float) -> str:
    if kind == "memory":
        return f"{value / 2**30:.3g}Gi"
    return f"{value:g}"
