"""``Echo``: flytekit's task that returns its inputs as its outputs (``flytekit.core.task.Echo``).

``Echo(name="echo", inputs={"a": int, "b": str})`` has outputs ``o0: int, o1: str``; a run
passes the values through without running any user code (on Flyte the propeller's echo plugin
does it; here the local backend does). Not here: the class-task plumbing (``_container``).
"""

from __future__ import annotations

from typing import Any

from flytelike._entities.container import TaskMetadata, _ClassTask


class Echo(_ClassTask):
    """A task whose outputs are its inputs, in order (``o0``, ``o1``, ...)."""

    kind = "echo"

    def __init__(
        self,
        name: str,
        inputs: dict[str, Any] | None = None,
        metadata: TaskMetadata | None = None,
        **kwargs: Any,
    ) -> None:
        types = dict(inputs or {})
        outputs = {f"o{i}": t for i, t in enumerate(types.values())}
        self._setup(name, types, outputs, metadata, kwargs)

    def custom(self) -> dict[str, Any]:
        return {}

    def run_body(self, native: dict[str, Any]) -> Any:
        values = tuple(native[k] for k in self.python_interface.inputs)
        if not values:
            return None
        return values[0] if len(values) == 1 else values

    def describe(self) -> str:
        return f"echo task `{self.name}`"
