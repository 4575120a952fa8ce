"""Node overrides merged into the task template a backend sees.

``with_overrides(...)`` on a node replaces settings of its task for that node only. The engine
reads retries, timeout and cache from the overrides itself; everything else a backend may act
on (``requests``/``limits``/``resources``, ``accelerator``, ``container_image``,
``interruptible``, ``task_config``) reaches it through the template of the request: ``merged``
returns the task's template with the node's overrides in place (the timeout, retries and cache
too, so what the backend sees agrees with what the engine does). Cache keys are still computed
from the task's own template.

A merged template is made once per task and overrides object (backends cache per template
object: Ray sends a template to the cluster once).

What does not live here: validating overrides (``flytelike.compiler``), running the node
(``_execution``).
"""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

from flytelike.ir import NodeOverrides, TaskTemplate

_MAX = 1024
_MERGED: dict[tuple[int, int], tuple[TaskTemplate, NodeOverrides, TaskTemplate]] = {}
_LOCK = threading.Lock()


def merged(task: TaskTemplate, overrides: NodeOverrides | None) -> TaskTemplate:
    """``task`` with ``overrides`` applied (``task`` itself when they change nothing)."""
    if overrides is None:
        return task
    key = (id(task), id(overrides))
    found = _MERGED.get(key)
    if found is not None and found[0] is task and found[1] is overrides:
        return found[2]
    result = _merge(task, overrides)
    with _LOCK:
        if len(_MERGED) >= _MAX:
            _MERGED.clear()
        _MERGED[key] = (task, overrides, result)
    return result


def _merge(task: TaskTemplate, ov: NodeOverrides) -> TaskTemplate:
    md = task.metadata
    meta: dict[str, Any] = {}
    for name in ("retries", "timeout", "interruptible", "cache", "accelerator"):
        value = getattr(ov, name)
        if value is not None and value != getattr(md, name):
            meta[name] = value
    changes: dict[str, Any] = {}
    if meta:
        changes["metadata"] = dataclasses.replace(md, **meta)
    if ov.resources is not None and ov.resources != task.resources:
        changes["resources"] = ov.resources
    if ov.container_image is not None and ov.container_image != task.image:
        changes["image"] = ov.container_image
    if ov.task_config is not None and ov.task_config != task.task_config:
        changes["task_config"] = ov.task_config
    return dataclasses.replace(task, **changes) if changes else task
