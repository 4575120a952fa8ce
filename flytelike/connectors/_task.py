"""``AsyncConnectorExecutorMixin``: a task whose body is a connector's job.

Write the task class as for flyte: ``class MyTask(AsyncConnectorExecutorMixin, TaskTemplate)``
whose ``__init__`` calls ``super().__init__(name=..., interface=NativeInterface(...),
task_type="my_type", **settings)``, and optionally ``custom_config(sctx)`` (a JSON-able dict the
connector reads from ``task_template.custom``) and ``sql(sctx)`` (``task_template.sql``). The
mixin makes it a v2 task (``flytelike.TaskTemplate``): it runs through ``flytelike.run``, as a
child action of a running parent, or by a direct call (``await my_task(x=1)``), with the
settings a ``TaskEnvironment`` task takes (``cache``, ``retries``, ``timeout``, ``resources``,
``env_vars``, ``secrets``, ``image``, ...), all carried into the IR; ``task_type``,
``task_type_version``, ``custom_config()``, ``service_account`` and ``debuggable`` are carried as
``v2.*`` entries of the template's ``custom``.

What the body does: find the connector (``flytelike.connectors._client`` says where: a served
``ConnectorEnvironment`` hosting the type, else ``ConnectorRegistry``); ``create`` the job with
the task template (a ``connector.proto`` ``TaskTemplate``), the call's inputs (Python values) and
an output prefix under the action's raw data prefix; ``get`` it until its phase is terminal,
waiting ``poll_interval`` seconds before the second ``get`` and doubling the wait up to
``max_poll_interval`` (class attributes, 0.1 s and 3 s); each phase change and log link is logged
(logger ``flytelike.connectors``); the phases are kept on the task's ``phases`` list (that of the
call started last in this process) and, inside a run, recorded as the action's "Connector" deck
tab (each phase change with its time and message, and the log links; decks are kept for attempts
that succeed, a failed one's error carries the connector's message). ``SUCCEEDED``: the
resource's outputs (by name, else by position) are the task's outputs. ``FAILED``,
``RETRYABLE_FAILED`` or ``ABORTED``: the task fails with ``ConnectorTaskFailed`` carrying the
connector's message (its ``retries`` apply). When polling ends otherwise (the body is cancelled
because the run is aborted or the attempt timed out, or ``get`` raised), ``delete`` is called
with the job's meta before the exception goes on.
``custom_config()["secrets"]`` (``{key: env var}``, as flyte's connector tasks give it) sends each
environment variable's value to the connector as keyword argument ``key``; a missing variable
fails the task naming it.
"""

from __future__ import annotations

import asyncio
import keyword
import logging
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from flytelike.connectors._connector import ConnectorRegistry, Resource, TaskExecution
from flytelike.errors import DefinitionError, RuntimeUserError

_LOG = logging.getLogger("flytelike.connectors")

# flyte's TaskTemplate fields that a TaskEnvironment task takes too (validated the same way).
_TASK_SETTINGS = frozenset(
    {
        "short_name", "image", "resources", "cache", "interruptible", "retries", "reusable",
        "docs", "env_vars", "secrets", "timeout", "pod_template", "report", "queue",
        "entrypoint", "produces_artifacts", "max_inline_io_bytes", "triggers", "links",
        "plugin_config", "accelerator", "description",
    }
)  # fmt: skip
# Carried as ``v2.*`` entries (no local meaning); ``parent_env``/``parent_env_name`` name the
# environment the task was made in.
_CARRIED = frozenset({"service_account", "debuggable", "parent_env", "parent_env_name"})


class ConnectorTaskFailed(RuntimeUserError):
    """A connector reported its job FAILED (or ABORTED); the message is the connector's."""

    def __init__(self, message: str, *, worker: str = "") -> None:
        super().__init__("ConnectorTaskFailed", message, worker=worker)


def _interface(interface: Any, where: str) -> tuple[dict[str, tuple[Any, Any]], dict[str, Any]]:
    inputs = getattr(interface, "inputs", None)
    outputs = getattr(interface, "outputs", None)
    if not isinstance(inputs, Mapping) or not isinstance(outputs, Mapping):
        raise DefinitionError(
            f"{where}: interface must be a NativeInterface (inputs {{name: (type, default)}}, "
            f"outputs {{name: type}}), got {interface!r}"
        )
    for name in [*inputs, *outputs]:
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise DefinitionError(f"{where}: {name!r} is not a valid input or output name")
    for name, spec in inputs.items():
        if not (isinstance(spec, tuple) and len(spec) == 2):
            raise DefinitionError(f"{where}: input {name!r} must be (type, default), got {spec!r}")
    return dict(inputs), dict(outputs)


def _body(
    task: Any, name: str, inputs: dict[str, tuple[Any, Any]], outputs: dict[str, Any]
) -> Callable[..., Any]:
    """An ``async def`` with the interface's inputs (keyword-only) and return type, which runs
    the connector: the function the task's interface and calls are made from."""
    params = ", ".join(inputs)
    source = (
        f"async def connector_body({'*, ' + params if params else ''}):\n"
        f"    return await _run(_task, {{{', '.join(f'{n!r}: {n}' for n in inputs)}}})\n"
    )
    namespace: dict[str, Any] = {"_run": run_connector, "_task": task}
    exec(compile(source, f"<connector task {name}>", "exec"), namespace)
    body = namespace["connector_body"]
    defaults = {n: d for n, (t, d) in inputs.items() if _is_default(t, d)}
    body.__kwdefaults__ = defaults or None
    ret: Any = None
    if len(outputs) == 1:
        ret = next(iter(outputs.values()))
    elif outputs:
        ret = tuple[tuple(outputs.values())]  # type: ignore[misc]
    body.__annotations__ = {**{n: t for n, (t, _) in inputs.items()}, "return": ret}
    body.__module__ = type(task).__module__
    body.__qualname__ = f"{type(task).__qualname__}.<locals>.{name}"
    body.__name__ = name.rsplit(".", 1)[-1]
    return body  # type: ignore[no-any-return]


def _is_default(t: Any, default: Any) -> bool:
    """Whether an interface's ``(type, default)`` gives a default value: not for
    ``inspect.Parameter.empty`` or ``NativeInterface.has_default`` (a default not known here),
    nor for ``None`` on a type that cannot be ``None`` (flyte's plugins write ``(type, None)``
    for a required input)."""
    import inspect
    import typing

    if default is inspect.Parameter.empty or getattr(default, "__name__", "") == "_HasDefault":
        return False
    if default is None:
        return t is typing.Any or t is None or type(None) in typing.get_args(t)
    return True


def _env_name(name: str) -> str:
    base = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-_")
    return base or "connector"


class AsyncConnectorExecutorMixin:
    """Mix into ``flytelike.TaskTemplate`` (first) to make a connector task (module docstring)."""

    poll_interval: float = 0.1
    max_poll_interval: float = 3.0
    _connector_args: tuple[str, Any, str, int, dict[str, Any]]

    def __init__(
        self,
        name: str,
        interface: Any,
        task_type: str = "python",
        task_type_version: int = 0,
        **settings: Any,
    ) -> None:
        from flytelike._v2.env import TaskEnvironment
        from flytelike._v2.task import V2Task

        where = f"{type(self).__name__}({name!r})"
        if not isinstance(self, V2Task):
            raise DefinitionError(
                f"{where}: AsyncConnectorExecutorMixin must come first in the bases of a "
                "flytelike.TaskTemplate subclass: class MyTask(AsyncConnectorExecutorMixin, "
                "TaskTemplate)"
            )
        if not isinstance(name, str) or not name:
            raise DefinitionError(f"{where}: name must be a non-empty string")
        if not isinstance(task_type, str) or not task_type:
            raise DefinitionError(f"{where}: task_type must name the connector's task type")
        if not isinstance(task_type_version, int) or isinstance(task_type_version, bool):
            raise DefinitionError(f"{where}: task_type_version must be an int")
        unknown = set(settings) - _TASK_SETTINGS - _CARRIED
        if unknown:
            raise DefinitionError(
                f"{where}: unknown parameter(s) {', '.join(sorted(unknown))}; accepted: name, "
                f"interface, task_type, task_type_version, "
                f"{', '.join(sorted(_TASK_SETTINGS | _CARRIED))}"
            )
        inputs, outputs = _interface(interface, where)
        self._connector_args = (name, interface, task_type, task_type_version, dict(settings))
        options = {k: v for k, v in settings.items() if k in _TASK_SETTINGS and v is not None}
        options.setdefault("short_name", name)
        # The settings are validated and carried exactly as for ``@env.task`` (one place for
        # that rule: ``TaskEnvironment._make``); the task it makes is adopted as this object.
        made = TaskEnvironment(_env_name(name))._make(_body(self, name, inputs, outputs), options)
        self.__dict__.update(made.__dict__)
        parent = settings.get("parent_env")
        parent = parent() if callable(parent) else parent
        self.name = name
        self.interface = interface
        self.task_type = task_type
        self.task_type_version = task_type_version
        self.phases: list[Any] = []
        self.custom.update(
            task_type=task_type,
            task_type_version=task_type_version,
            service_account=settings.get("service_account"),
            debuggable=bool(settings.get("debuggable")),
            environment=settings.get("parent_env_name") or getattr(parent, "name", None),
        )

    # ------------------------------------------------------------------ flyte's extension points
    def custom_config(self, sctx: Any) -> dict[str, Any]:
        """Settings the connector reads from ``task_template.custom`` (override)."""
        return {}

    def sql(self, sctx: Any) -> str | None:
        """The SQL the connector reads from ``task_template.sql.statement`` (override)."""
        return None

    def serialization_context(self) -> Any:
        from flytelike._v2.init import initialized
        from flytelike.engine import default_engine
        from flytelike.models import SerializationContext

        project, domain = initialized()
        default_project, default_domain = default_engine().config.namespace
        return SerializationContext(
            version="local", project=project or default_project, domain=domain or default_domain
        )

    def template(self) -> Any:
        if self._template is None:  # type: ignore[attr-defined]
            config = self.custom_config(self.serialization_context())
            self.custom["connector_config"] = dict(config or {})  # type: ignore[attr-defined]
        return super().template()  # type: ignore[misc]

    def override(self, **changes: Any) -> Any:
        """A new task with some settings replaced (the original is unchanged)."""
        import copy

        name, interface, task_type, version, settings = self._connector_args
        new = copy.copy(self)
        AsyncConnectorExecutorMixin.__init__(
            new, name, interface, task_type, version, **{**settings, **changes}
        )
        return new


def _output_prefix() -> str:
    from flytelike.backends import running_action

    ctx = running_action()
    base = ctx.raw_output_prefix if ctx is not None else ""
    if not base:
        base = os.path.join(tempfile.gettempdir(), "flytelike-connectors")
    return f"{base.rstrip('/')}/connector-{uuid.uuid4().hex[:12]}"


def _secrets(config: Mapping[str, Any], task: str) -> dict[str, str]:
    wanted = config.get("secrets") or {}
    if not isinstance(wanted, Mapping):
        raise DefinitionError(
            f"task {task!r}: custom_config()['secrets'] must map a key to an environment "
            f"variable's name, got {wanted!r}"
        )
    out = {}
    for key, var in wanted.items():
        value = os.environ.get(str(var))
        if value is None:
            raise DefinitionError(
                f"task {task!r}: the connector needs secret {key!r} from environment variable "
                f"{var!r}, which is not set; set it (e.g. with a Secret(..., as_env_var=...))"
            )
        out[str(key)] = value
    return out


async def _connector(task: Any) -> Any:
    from flytelike.connectors._client import RemoteConnector, service_for

    address = await service_for(task.task_type, task.task_type_version)
    if address is None:
        return ConnectorRegistry.get_connector(task.task_type, task.task_type_version)
    remote = RemoteConnector(
        address, task.task_type, task.task_type_version, task.python_interface.outputs
    )
    remote.input_types = dict(task.python_interface.inputs)
    return remote


class _Progress:
    """One call's phases (also the task's ``phases``), each change with its time and message,
    and the job's log links; logged as they come and shown as the action's "Connector" deck tab
    when the call ends inside a running action."""

    def __init__(self, task: Any) -> None:
        self.task = task
        self.start = time.monotonic()
        self.phases: list[Any] = [TaskExecution.QUEUED]
        self.changes: list[tuple[float, Any, str]] = [(0.0, TaskExecution.QUEUED, "")]
        self.links: dict[tuple[str, str], None] = {}
        task.phases = self.phases  # (a new list per call: the latest call's)

    def phase(self, phase: Any, message: str = "") -> None:
        if self.phases[-1] == phase:
            return
        self.phases.append(phase)
        self.changes.append((time.monotonic() - self.start, phase, message))
        _LOG.info(
            "connector task %s: %s%s",
            self.task.name,
            phase.name,
            f" ({message})" if message else "",
        )

    def record(self, resource: Resource) -> None:
        self.phase(resource.phase, resource.message or "")
        for link in resource.log_links or ():
            pair = (str(getattr(link, "name", "")), str(getattr(link, "uri", "")))
            if pair not in self.links:
                self.links[pair] = None
                _LOG.info("connector task %s: %s: %s", self.task.name, *pair)

    def deck(self) -> None:
        from html import escape

        from flytelike.backends import DeckTab, running_action

        if running_action() is None:
            return
        rows = "".join(
            f"<tr><td>{t:.2f} s</td><td>{p.name}</td><td>{escape(m)}</td></tr>"
            for t, p, m in self.changes
        )
        links = "".join(
            f'<li><a href="{escape(uri)}">{escape(name or uri)}</a></li>'
            for name, uri in self.links
        )
        task = self.task
        DeckTab(
            "Connector",
            f"<p>task type <code>{escape(task.task_type)}</code> version "
            f"{task.task_type_version}</p><table><tr><th>after</th><th>phase</th>"
            f"<th>message</th></tr>{rows}</table>" + (f"<ul>{links}</ul>" if links else ""),
        )


async def run_connector(task: Any, inputs: dict[str, Any]) -> Any:
    """The body of a connector task (see the module docstring)."""
    sctx = task.serialization_context()
    template = task.template()
    config = dict(task.custom_config(sctx) or {})
    secrets = _secrets(config, task.name)
    connector = await _connector(task)
    try:
        return await _run_job(task, connector, template, config, secrets, inputs, sctx)
    finally:
        close = getattr(connector, "aclose", None)  # (a service's channel)
        if close is not None:
            await close()


async def _run_job(
    task: Any,
    connector: Any,
    template: Any,
    config: dict[str, Any],
    secrets: dict[str, str],
    inputs: dict[str, Any],
    sctx: Any,
) -> Any:
    from flytelike.connectors import _wire

    message = _wire.template_message(
        template, task.task_type, task.task_type_version, config, task.sql(sctx)
    )
    progress = _Progress(task)
    meta = await connector.create(
        task_template=message, output_prefix=_output_prefix(), inputs=inputs, **secrets
    )
    try:
        resource = await _poll(task, connector, meta, secrets, progress)
    except BaseException as stopped:
        try:
            await connector.delete(resource_meta=meta, **secrets)
            progress.phase(TaskExecution.ABORTED, f"deleted ({type(stopped).__name__})")
        except Exception as e:  # (the original failure matters more)
            _LOG.warning("connector task %s: delete failed: %s", task.name, e)
        raise
    finally:
        progress.deck()
    if resource.phase != TaskExecution.SUCCEEDED:
        raise ConnectorTaskFailed(
            f"connector task {task.name!r} ended {resource.phase.name}: "
            f"{resource.message or 'the connector gave no message'}",
            worker=task.name,
        )
    return _outputs(task, resource)


async def _poll(
    task: Any, connector: Any, meta: Any, secrets: dict[str, str], progress: _Progress
) -> Resource:
    wait = float(task.poll_interval)
    while True:
        resource = await connector.get(resource_meta=meta, **secrets)
        if not isinstance(resource, Resource):
            raise DefinitionError(
                f"connector {getattr(connector, 'name', connector)!r}: get() must return a "
                f"flytelike.connectors.Resource, got {resource!r}"
            )
        progress.record(resource)
        if resource.phase in (TaskExecution.SUCCEEDED, TaskExecution.FAILED, TaskExecution.ABORTED):
            return resource
        if resource.phase == TaskExecution.RETRYABLE_FAILED:
            return resource
        await asyncio.sleep(wait)
        wait = min(wait * 2, float(task.max_poll_interval))


def _outputs(task: Any, resource: Resource) -> Any:
    declared = list(task.python_interface.outputs)
    if not declared:
        return None
    given = dict(resource.outputs or {})
    if set(declared) <= set(given):
        values = [given[n] for n in declared]
    elif len(given) == len(declared):
        values = list(given.values())
    else:
        raise ConnectorTaskFailed(
            f"connector task {task.name!r} succeeded with outputs {sorted(given) or 'none'}, "
            f"but the task declares {declared}",
            worker=task.name,
        )
    return values[0] if len(values) == 1 else tuple(values)
