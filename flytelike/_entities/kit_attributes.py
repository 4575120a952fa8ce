"""flytekit's read-only attributes of a ``@task``: ``t.metadata``, ``t.interface``, ``t.task_type``,
``t.environment``, ``t.docs``, ``t.resources``, ... (``KitTaskAttributes``, mixed into
``PythonFunctionTask``).

They are views of what the task holds already (its validated settings and its IR template),
under flytekit's names and shapes: ``metadata`` has ``cache``, ``cache_version``,
``cache_serialize``, ``cache_ignore_input_vars``, ``retries``, ``timeout`` (a ``timedelta`` or
``None``), ``interruptible``, ``deprecated``, ``pod_template_name``; ``interface`` has
``inputs`` and ``outputs``, dicts of the IR's ``Variable`` (``type``, ``description``) by name;
``resources`` has ``requests`` and ``limits``. A subclass or an instance may set any of them
for itself (``view``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flytelike._settings.carried import Description, Documentation


class view:
    """A read-only computed attribute that an instance may still set for itself (a property
    without ``__set__``: subclasses such as connector tasks assign their own ``interface`` or
    ``task_type``)."""

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        self.fn = fn
        self.__doc__ = fn.__doc__

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        return self if obj is None else self.fn(obj)


def _setting(name: str) -> view:
    """A view of the task's validated setting ``name`` (``TaskSettings``)."""
    return view(lambda self: getattr(self.settings, name))


@dataclass(frozen=True)
class KitTaskMetadata:
    """flytekit's ``TaskMetadata`` of a task, read from its settings."""

    cache: bool
    cache_serialize: bool
    cache_version: str
    cache_ignore_input_vars: tuple[str, ...]
    retries: int
    timeout: datetime.timedelta | None
    interruptible: bool | None
    deprecated: str
    pod_template_name: str
    is_eager: bool


@dataclass(frozen=True)
class KitInterface:
    """flytekit's ``TypedInterface``: the IR's variables by name."""

    inputs: dict[str, Any]
    outputs: dict[str, Any]


class KitTaskAttributes:
    """flytekit's read-only task attributes (see the module docstring). The class using it has
    ``settings`` (``TaskSettings``), ``name``, ``kind``, ``__module__`` and ``template()``."""

    settings: Any
    name: str
    kind: str

    def template(self) -> Any:
        raise NotImplementedError

    @view
    def metadata(self) -> KitTaskMetadata:
        s = self.settings
        cache = self.template().metadata.cache
        return KitTaskMetadata(
            cache=bool(cache is not None and cache.enabled),
            cache_serialize=bool(cache is not None and cache.serialize),
            cache_version=cache.version if cache is not None else "",
            cache_ignore_input_vars=tuple(cache.ignored_inputs) if cache is not None else (),
            retries=s.retries or 0,
            timeout=datetime.timedelta(seconds=s.timeout) if s.timeout else None,
            interruptible=s.interruptible,
            deprecated=s.deprecated,
            pod_template_name=s.pod_template_name,
            is_eager=self.kind == "eager",
        )

    @view
    def interface(self) -> KitInterface:
        iface = self.template().interface
        return KitInterface({v.name: v for v in iface.inputs}, {v.name: v for v in iface.outputs})

    @view
    def task_type(self) -> str:
        return "python-task" if self.kind == "python" else self.kind

    task_type_version = 0

    @view
    def environment(self) -> dict[str, str]:
        return dict(self.settings.environment)

    @view
    def docs(self) -> Documentation:
        """The ``docs=`` given, else the function's docstring: its first paragraph and the
        whole of it (as flytekit reads them)."""
        given = self.settings.docs
        if given is not None:
            return given  # type: ignore[no-any-return]
        md = self.template().metadata
        return Documentation(md.description or None, Description(md.long_description or None))

    task_config = _setting("task_config")
    container_image = _setting("container_image")
    resources = _setting("resources")
    accelerator = _setting("accelerator")
    shared_memory = _setting("shared_memory")
    pod_template = _setting("pod_template")

    @view
    def pod_template_name(self) -> str:
        return str(self.settings.pod_template_name)

    @view
    def enable_deck(self) -> bool:
        return bool(self.settings.enable_deck)

    @view
    def disable_deck(self) -> bool:
        return not self.settings.enable_deck

    @view
    def deck_fields(self) -> list[str]:
        return list(self.settings.deck_fields)

    @view
    def node_dependency_hints(self) -> tuple[Any, ...] | None:
        return tuple(self.settings.node_dependency_hints) or None

    @view
    def instantiated_in(self) -> str:
        return self.name.rpartition(".")[0]

    @view
    def location(self) -> str:
        return self.name
