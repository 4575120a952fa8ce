"""``Entity``: what a workflow body can call (tasks, workflows, launch plans, maps).

The compiler needs only this much from an entity: its name, its Python interface, which override
keys its nodes accept, and the IR target of a node that calls it (asked for at finalisation, when
versions are known). Calls dispatch on the current context: inside a compile, ``__call__`` adds a
node; outside, it runs the entity locally.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flytelike.compiler._overrides import TASK_KEYS

if TYPE_CHECKING:
    from flytelike.compiler._interface import PyInterface
    from flytelike.ir import NodeTarget


class Entity:
    """Base of everything callable inside a workflow body."""

    name: str
    python_interface: PyInterface
    kind_label: str = "task"
    override_keys: frozenset[str] = TASK_KEYS
    task_config_type: type | None = None
    deprecated: str = ""

    def node_target(self) -> NodeTarget:
        raise NotImplementedError

    def local_call(self, kwargs: dict[str, Any]) -> Any:
        """Run with Python inputs (all given, defaults filled) and return Python outputs."""
        raise NotImplementedError

    def describe(self) -> str:
        return f"{self.kind_label} `{self.name}`"
