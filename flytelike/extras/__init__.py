"""Extras mirroring ``flytekit.extras`` (accelerators and shell tasks, as submodules) and
``flyte.extras`` (``from flytelike.extras import ContainerTask``; the batchers
``DynamicBatcher``/``TokenBatcher`` with ``BatchStats``, ``Prompt`` and the ``CostEstimator``/
``TokenEstimator`` protocols, ``flytelike.extras._batcher``; ``Sleep``, a plugin config carried
into the IR, and ``SleepTask``, the task it makes, defined with the v2 tasks in
``flytelike._v2.sleep``; ``serialize`` and
``serialize_env``, a task's IR as a protobuf message, ``flytelike.extras._serialize``), each
loaded on first use.

``flytelike.extras.shell`` is flyte's shell task helper (``shell.create``: a CLI tool with typed
inputs and outputs; locally its script runs with bash on this machine) and
``flytelike.extras.webhooks`` its webhook receiver app and ``run_once``.
``flytelike.extras.model_streamer`` streams safetensors weights from a directory or object
storage tensor by tensor (torch tensors, or numpy arrays when torch is not installed).
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flytelike._entities.container import ContainerTask
    from flytelike._v2.sleep import Sleep, SleepTask
    from flytelike.extras._batcher import (
        BatchStats,
        CostEstimator,
        DynamicBatcher,
        Prompt,
        TokenBatcher,
        TokenEstimator,
    )
    from flytelike.extras._serialize import serialize, serialize_env

__all__ = [
    "BatchStats",
    "ContainerTask",
    "CostEstimator",
    "DynamicBatcher",
    "Prompt",
    "Sleep",
    "SleepTask",
    "TokenBatcher",
    "TokenEstimator",
    "serialize",
    "serialize_env",
    "model_streamer",
    "shell",
    "webhooks",
]

_SUBMODULES = ("model_streamer", "shell", "webhooks")
_OWN = {"ContainerTask", "Sleep", "SleepTask", "serialize", "serialize_env", *_SUBMODULES}
_BATCHER_NAMES = set(__all__) - _OWN


def __getattr__(name: str) -> Any:
    if name == "ContainerTask":
        from flytelike._entities.container import ContainerTask

        globals()[name] = ContainerTask
        return ContainerTask
    if name in ("Sleep", "SleepTask"):
        from flytelike._v2 import sleep

        globals()[name] = getattr(sleep, name)
        return globals()[name]
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f"flytelike.extras.{name}")
    if name in ("serialize", "serialize_env"):
        from flytelike.extras import _serialize

        globals()[name] = getattr(_serialize, name)
        return globals()[name]
    if name in _BATCHER_NAMES:
        from flytelike.extras import _batcher

        value = getattr(_batcher, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'flytelike.extras' has no attribute {name!r}")
