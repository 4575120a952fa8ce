"""``Sleep`` (flyte 2's ``flyte.extras.Sleep``): the plugin config that sends a task to a
cluster's ``core-sleep`` plugin, which waits for the duration given as the task's input without
starting a container. Locally, as in a local flyte run, the task's body runs; the config is
carried into the IR (``v2.plugin_config``) like any other plugin config.
"""

from __future__ import annotations

import dataclasses

__all__ = ["Sleep"]


@dataclasses.dataclass
class Sleep:
    """Give as ``plugin_config=Sleep()`` to ``TaskEnvironment`` or ``@env.task``; the duration
    is the task's own input. ``task_type`` (not an argument) is the cluster plugin it names,
    so the carried config says which plugin it is for."""

    task_type: str = dataclasses.field(default="core-sleep", init=False, repr=False)
