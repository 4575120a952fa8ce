"""flytekit's sensors: ``BaseSensor`` (subclass it with ``async def poke(self, ...) -> bool``)
and ``FileSensor`` (waits until a path exists).

A sensor is a task whose inputs are ``poke``'s parameters and which has no outputs; on Flyte a
sensor agent pokes it until it returns True. Locally the task pokes every ``POKE_INTERVAL``
seconds until ``poke`` returns True; ``timeout=`` (seconds or a ``timedelta``, or the
``TaskMetadata``'s) is carried as the task's timeout and ends the poking: in a run (a workflow
node, a direct call) the engine stops the task at the deadline (``TaskTimeoutError``, phase
``TIMED_OUT``), as for any task; called in place inside a running task, the sensor stops itself
with ``TimeoutError`` (after a last poke at the deadline). ``sensor_config`` (a dataclass) is
carried in the template's ``custom`` entry ``sensor_config``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import datetime
import inspect
import time
import typing
from typing import Any

from flytelike._entities.container import TaskMetadata, _ClassTask
from flytelike.backends import running_action  # (as _entities.container)
from flytelike.errors import DefinitionError

POKE_INTERVAL = 1.0


class BaseSensor(_ClassTask):
    """A task that waits until ``poke(**inputs)`` returns True."""

    kind = "sensor"

    def __init__(
        self,
        name: str,
        timeout: datetime.timedelta | int | None = None,
        sensor_config: Any = None,
        task_type: str = "sensor",
        metadata: TaskMetadata | None = None,
        **kwargs: Any,
    ) -> None:
        hints = typing.get_type_hints(self.poke, include_extras=True)
        inputs = {k: hints.get(k) for k in inspect.signature(self.poke).parameters}
        if metadata is not None and timeout is not None:
            if metadata.timeout is not None:
                raise DefinitionError(
                    f"sensor {name!r}: give timeout= or metadata=TaskMetadata(timeout=...), "
                    "not both"
                )
            metadata = dataclasses.replace(metadata, timeout=timeout)
        elif metadata is None:
            metadata = TaskMetadata(timeout=timeout)
        if sensor_config is not None and (
            not dataclasses.is_dataclass(sensor_config) or isinstance(sensor_config, type)
        ):
            raise DefinitionError(
                f"sensor {name!r}: sensor_config must be a dataclass instance, got "
                f"{type(sensor_config).__name__}"
            )
        self.kind = task_type
        self._sensor_config = sensor_config
        self._setup(name, inputs, {}, metadata, kwargs)

    async def poke(self, **kwargs: Any) -> bool:
        raise NotImplementedError(f"{type(self).__name__} must define poke(...)")

    def custom(self) -> dict[str, Any]:
        cfg = self._sensor_config
        if cfg is None:
            return {}
        return {"sensor_config": dataclasses.asdict(cfg)}

    def _poke_once(self, native: dict[str, Any]) -> bool:
        result = self.poke(**native)
        if inspect.iscoroutine(result):
            # A fresh loop on a helper thread: the caller's thread may be running one.
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                return bool(pool.submit(asyncio.run, result).result())
        return bool(result)

    def run_body(self, native: dict[str, Any]) -> Any:
        ctx = running_action()
        timed_by_engine = (
            ctx is not None and ctx.task_name == self.name and ctx.action.timeout is not None
        )
        limit = None if timed_by_engine else self.settings.timeout
        deadline = None if limit is None else time.monotonic() + limit
        while not self._poke_once(native):
            wait = POKE_INTERVAL
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(
                        f"{self.describe()}: poke() was still false after its timeout of "
                        f"{limit:g} s"
                    )
                wait = min(wait, left)
            time.sleep(wait)
        return None

    def describe(self) -> str:
        return f"sensor `{self.name}`"


class FileSensor(BaseSensor):
    """Waits until ``path`` (a local path or a URI of the data store) exists."""

    def __init__(
        self, name: str, timeout: datetime.timedelta | int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(name=name, timeout=timeout, **kwargs)

    async def poke(self, path: str) -> bool:  # type: ignore[override]
        from flytelike.backends import FlyteContextManager

        return FlyteContextManager.current_context().file_access.exists(path)
