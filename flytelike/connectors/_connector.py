"""What a connector is: ``AsyncConnector`` (create / get / delete a job somewhere else), the
``ResourceMeta`` that names a job, the ``Resource`` that reports on it, its phases
(``TaskExecution``), and the ``ConnectorRegistry`` that finds the connector of a task type.

Phases use flyteidl's numbering (``TaskExecution.SUCCEEDED == 3``...), so a connector written
against flyteidl's ``TaskExecution.Phase`` reports the same values; ``Resource(phase=...)`` also
takes a phase's name (``"succeeded"``) or one of the states ``convert_to_flyte_phase`` knows
(``"done"``, ``"pending"``...).
"""

from __future__ import annotations

import dataclasses
import enum
import json
import threading
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar, Generic, TypeVar

from flytelike.errors import DefinitionError
from flytelike.exceptions.system import FlyteConnectorNotFound


class _Phase(enum.IntEnum):
    UNDEFINED = 0
    QUEUED = 1
    RUNNING = 2
    SUCCEEDED = 3
    ABORTED = 4
    FAILED = 5
    INITIALIZING = 6
    WAITING_FOR_RESOURCES = 7
    RETRYABLE_FAILED = 8


class TaskExecution:
    """A job's phases, numbered as flyteidl's ``TaskExecution.Phase``."""

    Phase = _Phase
    UNDEFINED = _Phase.UNDEFINED
    QUEUED = _Phase.QUEUED
    RUNNING = _Phase.RUNNING
    SUCCEEDED = _Phase.SUCCEEDED
    ABORTED = _Phase.ABORTED
    FAILED = _Phase.FAILED
    INITIALIZING = _Phase.INITIALIZING
    WAITING_FOR_RESOURCES = _Phase.WAITING_FOR_RESOURCES
    RETRYABLE_FAILED = _Phase.RETRYABLE_FAILED


TERMINAL = frozenset({_Phase.SUCCEEDED, _Phase.ABORTED, _Phase.FAILED})
_STATES = {
    **{s: _Phase.FAILED for s in ("failed", "timeout", "timedout", "canceled", "cancelled")},
    "skipped": _Phase.FAILED,
    "internal_error": _Phase.RETRYABLE_FAILED,
    **{s: _Phase.SUCCEEDED for s in ("done", "succeeded", "success", "completed")},
    "running": _Phase.RUNNING,
    "terminating": _Phase.RUNNING,
    "pending": _Phase.INITIALIZING,
}


def convert_to_flyte_phase(state: str) -> _Phase:
    """The phase of a job state as external systems spell it (``"done"``, ``"pending"``,
    ``"cancelled"``...; case-insensitive)."""
    phase = _STATES.get(str(state).lower())
    if phase is None:
        raise ValueError(
            f"unknown job state {state!r}: expected one of {', '.join(sorted(_STATES))}"
        )
    return phase


def as_phase(value: Any) -> _Phase:
    """``value`` (a phase number, a ``TaskExecution`` phase, its name, or a known state) as a
    phase; ``DefinitionError`` naming the value when it is none of these."""
    if isinstance(value, _Phase):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return _Phase(value)
        except ValueError:
            pass
    if isinstance(value, str):
        name = value.strip().upper()
        if name in _Phase.__members__:
            return _Phase[name]
        if value.strip().lower() in _STATES:
            return _STATES[value.strip().lower()]
    raise DefinitionError(
        f"Resource.phase {value!r} is not a phase: give a TaskExecution phase (e.g. "
        f"TaskExecution.SUCCEEDED), its number 0-8 or its name"
    )


def is_terminal_phase(phase: Any) -> bool:
    """Whether the job has ended (succeeded, failed or aborted)."""
    return as_phase(phase) in TERMINAL


@dataclasses.dataclass
class ResourceMeta:
    """What names a submitted job (its id...): subclass it as a dataclass. ``encode`` and
    ``decode`` carry it as JSON bytes between ``create`` and the later calls."""

    def encode(self) -> bytes:
        return json.dumps(dataclasses.asdict(self)).encode("utf-8")

    @classmethod
    def decode(cls, data: bytes) -> Any:
        try:
            fields = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise DefinitionError(f"{cls.__name__}.decode: not the JSON of encode(): {e}") from e
        if not isinstance(fields, dict):
            raise DefinitionError(f"{cls.__name__}.decode: expected a JSON object, got {fields!r}")
        names = (
            {f.name for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else set()
        )
        unknown = set(fields) - names
        if unknown:
            raise DefinitionError(
                f"{cls.__name__}.decode: unknown field(s) {', '.join(sorted(unknown))}; is "
                f"{cls.__name__} a dataclass with the fields create() returned?"
            )
        return cls(**fields)


@dataclasses.dataclass
class TaskLog:
    """A link to a job's logs or page (``Resource.log_links``)."""

    name: str
    uri: str


@dataclasses.dataclass
class Resource:
    """A job's state as ``get`` reports it: ``phase``, a ``message`` (why it failed...),
    ``log_links``, its ``outputs`` by name (Python values, once it succeeded) and
    ``custom_info`` (a JSON-able dict)."""

    phase: Any
    message: str | None = None
    log_links: list[Any] | None = None
    outputs: dict[str, Any] | None = None
    custom_info: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        self.phase = as_phase(self.phase)
        if self.outputs is not None and not isinstance(self.outputs, Mapping):
            raise DefinitionError(
                f"Resource.outputs must be a dict of output name to value, got {self.outputs!r}"
            )


M = TypeVar("M", bound=ResourceMeta)


class AsyncConnector(ABC, Generic[M]):
    """The base class of connectors. Give ``name``, ``task_type_name`` (the ``task_type`` of
    the tasks it runs), ``task_type_version`` (0) and ``metadata_type`` (your ``ResourceMeta``
    subclass), implement ``create``, ``get`` and ``delete``, and register an instance with
    ``ConnectorRegistry.register``."""

    name = "Async Connector"
    task_type_name: str
    task_type_version: int = 0
    metadata_type: type[M]

    @abstractmethod
    async def create(
        self,
        task_template: Any,
        output_prefix: str,
        inputs: dict[str, Any] | None = None,
        task_execution_metadata: Any = None,
        **kwargs: Any,
    ) -> M:
        """Submit the job; return what names it."""

    @abstractmethod
    async def get(self, resource_meta: M, **kwargs: Any) -> Resource:
        """The job's state (and its outputs once it succeeded)."""

    @abstractmethod
    async def delete(self, resource_meta: M, **kwargs: Any) -> None:
        """Stop the job. Called again for a stopped job, it must do nothing."""

    async def get_metrics(self, resource_meta: M, **kwargs: Any) -> Any:
        raise NotImplementedError(f"connector {self.name!r} reports no metrics")

    async def get_logs(self, resource_meta: M, **kwargs: Any) -> Any:
        raise NotImplementedError(f"connector {self.name!r} reports no logs")


@dataclasses.dataclass(frozen=True)
class ConnectorRegistryKey:
    task_type_name: str
    task_type_version: int


class ConnectorRegistry:
    """The connectors of this process, by task type name and version."""

    _REGISTRY: ClassVar[dict[ConnectorRegistryKey, AsyncConnector[Any]]] = {}
    _LOCK: ClassVar[threading.Lock] = threading.Lock()

    @staticmethod
    def register(connector: AsyncConnector[Any], override: bool = False) -> None:
        """Make ``connector`` the one for its ``task_type_name`` and ``task_type_version``;
        a second one for the same type raises unless ``override=True``."""
        if not isinstance(connector, AsyncConnector):
            raise DefinitionError(
                f"ConnectorRegistry.register takes an AsyncConnector instance, got {connector!r}"
            )
        type_name = getattr(connector, "task_type_name", None)
        version = getattr(connector, "task_type_version", 0)
        if not isinstance(type_name, str) or not type_name:
            raise DefinitionError(
                f"connector {connector.name!r} has no task_type_name: set the class attribute "
                "to the task_type of the tasks it runs"
            )
        if not isinstance(version, int) or isinstance(version, bool):
            raise DefinitionError(
                f"connector {connector.name!r}: task_type_version must be an int, got {version!r}"
            )
        key = ConnectorRegistryKey(type_name, version)
        with ConnectorRegistry._LOCK:
            old = ConnectorRegistry._REGISTRY.get(key)
            if old is not None and not override:
                raise DefinitionError(
                    f"a connector for task type {type_name!r} version {version} is already "
                    f"registered ({old.name!r}); pass override=True to replace it"
                )
            ConnectorRegistry._REGISTRY[key] = connector

    @staticmethod
    def get_connector(task_type_name: str, task_type_version: int = 0) -> AsyncConnector[Any]:
        """The connector of a task type, or ``FlyteConnectorNotFound`` naming the type."""
        key = ConnectorRegistryKey(task_type_name, task_type_version)
        found = ConnectorRegistry._REGISTRY.get(key)
        if found is None:
            known = ", ".join(
                f"{k.task_type_name} ({k.task_type_version})" for k in ConnectorRegistry._REGISTRY
            )
            raise FlyteConnectorNotFound(
                f"no connector for task type {task_type_name!r} version {task_type_version}: "
                "register one with flytelike.connectors.ConnectorRegistry.register(...) (or "
                "serve a ConnectorEnvironment that includes it); registered: "
                f"{known or 'none'}"
            )
        return found

    @staticmethod
    def list_connectors() -> list[tuple[str, list[tuple[str, int]]]]:
        """``(connector name, [(task type, version), ...])`` for each connector, by name."""
        by_name: dict[str, list[tuple[str, int]]] = {}
        for key, connector in ConnectorRegistry._REGISTRY.items():
            by_name.setdefault(connector.name, []).append(
                (key.task_type_name, key.task_type_version)
            )
        return list(by_name.items())

    @staticmethod
    def unregister(task_type_name: str, task_type_version: int = 0) -> None:
        """Forget the connector of a task type (tests; nothing when there is none)."""
        with ConnectorRegistry._LOCK:
            ConnectorRegistry._REGISTRY.pop(
                ConnectorRegistryKey(task_type_name, task_type_version), None
            )
