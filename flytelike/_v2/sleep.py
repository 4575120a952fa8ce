"""``Sleep`` and ``SleepTask`` (flyte 2's ``flyte.extras``): the plugin config that sends a task
to a cluster's ``core-sleep`` plugin, which waits for the duration given as the task's input
without starting a container, and the task class it makes. ``@env.task(plugin_config=Sleep())``
(or a ``TaskEnvironment(plugin_config=Sleep())``) makes a ``SleepTask`` (``task_type``
``"core-sleep"``, ``plugin_config`` the ``Sleep``), as flyte's plugin registry does. Locally, as
in a local flyte run, the task's body runs; the config is carried into the IR
(``v2.plugin_config``) like any other plugin config.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from flytelike._v2.task import V2Task

__all__ = ["Sleep", "SleepTask"]


@dataclasses.dataclass
class Sleep:
    """Give as ``plugin_config=Sleep()`` to ``TaskEnvironment`` or ``@env.task``; the duration
    is the task's own input. ``task_type`` (not an argument) is the cluster plugin it names,
    so the carried config says which plugin it is for."""

    task_type: str = dataclasses.field(default="core-sleep", init=False, repr=False)


class SleepTask(V2Task):
    """A task made with ``plugin_config=Sleep()``; it runs as any v2 task does locally."""

    @property
    def task_type(self) -> str:
        return "core-sleep"

    @property
    def plugin_config(self) -> Any:
        return self.options.get("plugin_config") or self.env.plugin_config
