"""Extras mirroring ``flytekit.extras`` (accelerators and shell tasks, as submodules) and
``flyte.extras`` (``from flytelike.extras import ContainerTask``; the batchers
``DynamicBatcher``/``TokenBatcher`` with ``BatchStats``, ``Prompt`` and the ``CostEstimator``/
``TokenEstimator`` protocols, ``flytelike.extras._batcher``; ``Sleep``, a plugin config carried
into the IR, ``flytelike.extras._sleep``), each loaded on first use.

flyte 2.12's other ``flyte.extras`` names (``SleepTask``, protobuf task specs, shell wrappers
of container images, model streaming, webhook apps) raise ``ImportError`` saying what to use
locally.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flytelike._entities.container import ContainerTask
    from flytelike.extras._batcher import (
        BatchStats,
        CostEstimator,
        DynamicBatcher,
        Prompt,
        TokenBatcher,
        TokenEstimator,
    )
    from flytelike.extras._sleep import Sleep

__all__ = [
    "BatchStats",
    "ContainerTask",
    "CostEstimator",
    "DynamicBatcher",
    "Prompt",
    "Sleep",
    "TokenBatcher",
    "TokenEstimator",
]

_BATCHER_NAMES = set(__all__) - {"ContainerTask", "Sleep"}

_NOT_LOCAL = {
    "SleepTask": "a sleep task is an ordinary task with plugin_config=Sleep() "
    "(@env.task(plugin_config=flytelike.extras.Sleep()))",
    "serialize": "flyte's protobuf task specs are for a cluster; serialise a task's IR with "
    "flytelike.serialization.to_json(flytelike.closure_of(task))",
    "serialize_env": "flyte's protobuf task specs are for a cluster; serialise each task's IR "
    "with flytelike.serialization.to_json(flytelike.closure_of(task))",
    "shell": "run a CLI of a container image with flytelike.extras.ContainerTask, or a local "
    "command with flytelike.ShellTask",
    "model_streamer": "load the model with its own library (e.g. transformers) inside the task",
    "webhooks": "serve a webhook receiver as an app: flytelike.app.extras.FastAPIAppEnvironment",
}


def __getattr__(name: str) -> Any:
    if name == "ContainerTask":
        from flytelike._entities.container import ContainerTask

        globals()[name] = ContainerTask
        return ContainerTask
    if name == "Sleep":
        from flytelike.extras._sleep import Sleep

        globals()[name] = Sleep
        return Sleep
    if name in _BATCHER_NAMES:
        from flytelike.extras import _batcher

        value = getattr(_batcher, name)
        globals()[name] = value
        return value
    reason = _NOT_LOCAL.get(name)
    if reason is not None:
        raise ImportError(f"flytelike.extras.{name} (flyte's) is not available: {reason}")
    raise AttributeError(f"module 'flytelike.extras' has no attribute {name!r}")
