"""``TaskEnvironment`` and ``@env.task`` (Flyte v2 authoring style).

An environment holds settings shared by its tasks; ``@env.task`` / ``@env.task(...)`` turn a
sync or async function into a ``V2Task`` (same task machinery and IR as ``@task``). Settings
layer environment -> decorator -> ``task.override(...)``; every setting is validated when the
task is defined and carried into the IR: resources, env vars, secrets, image, cache, retries,
timeout, interruptible, pod template, accelerator in the template's own fields; the v2-only ones
(``short_name``, ``report``, ``queue``, ``service_account``, ``reusable``, ``plugin_config``, ``links``, ``triggers``,
``max_inline_io_bytes``, ``produces_artifacts``, the environment name and its ``depends_on``) as
``v2.*`` custom entries.
``retries=RetryStrategy(count, backoff=Backoff(...))`` adds ``v2.retry_backoff`` (the engine waits
between attempts); ``timeout=Timeout(max_runtime, ...)`` enforces ``max_runtime`` and adds
``v2.timeout``. The configuration classes themselves live in ``_v2config``.

Spellings accepted beyond upstream flyte (seed 004 uses them): ``limits=`` as a deprecated alias of
``resources=`` and ``accelerator=`` (both warn); ``Resources(mem=..., storage=...)``;
``gpu="A100:1"`` (device and count; the device becomes the accelerator). A single GPU count is
both requested and limited. ``cache`` is ``"auto"``/``True``/aliases (``enable``, ``on``,
``true``, ``yes``), ``"disable"``/``False``/aliases (``off``, ``false``, ``no``, ``none``), or a
``Cache(...)``; the default is disabled.
"""

from __future__ import annotations

import re
import types
import warnings
from collections.abc import Callable
from typing import Any

from flytelike._settings.resources import Resources, gpu_device
from flytelike._settings.secret import Secret
from flytelike._settings.v2config import (
    Device,
    Link,
    RetryStrategy,
    ReusePolicy,
    Timeout,
    check_link,
    check_triggers,
)
from flytelike.errors import DefinitionError

_NAME = re.compile(r"^[a-z0-9]([a-z0-9_-]*[a-z0-9])?$")
_CACHE_ON = {"auto", "enable", "enabled", "on", "true", "yes"}
_CACHE_OFF = {"disable", "disabled", "off", "false", "no", "none"}
_TASK_KEYS = frozenset(
    {
        "short_name", "cache", "retries", "timeout", "docs", "pod_template", "report",
        "interruptible", "max_inline_io_bytes", "queue", "triggers", "links", "task_resolver",
        "entrypoint", "produces_artifacts", "description", "service_account",
    }
)  # fmt: skip
_OVERRIDE_KEYS = frozenset(
    {"resources", "env_vars", "secrets", "reusable", "plugin_config", "image", "accelerator"}
)
_SENTINEL: Any = object()


def _service_account(value: Any, where: str) -> str | None:
    """A Kubernetes service account name (carried as ``v2.service_account``), or ``None``."""
    if value is not None and not isinstance(value, str):
        raise DefinitionError(
            f"{where}: service_account must be a string (a Kubernetes service account), "
            f"got {value!r}"
        )
    return value


def _cache_value(value: Any, where: str) -> Any:
    from flytelike._settings.cache import Cache

    if value is None or isinstance(value, Cache):
        return value
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        low = value.lower()
        if low in _CACHE_ON:
            return True
        if low in _CACHE_OFF:
            return False
        if low == "override":  # upstream: Cache(behavior="override") (policies give the version)
            return Cache(behavior="override")
    raise DefinitionError(
        f"{where}: cache must be 'auto', 'override', 'disable' (or True/False) or a "
        f"Cache(...), got {value!r}"
    )


def _secrets(value: Any, where: str) -> list[Secret]:
    """``str``, ``Secret``, a list of them, or ``{name: key}`` -> a list of ``Secret``, each
    with flyte's default env var unless it names one or is mounted (``Secret.for_v2``)."""
    if value is None:
        return []
    if isinstance(value, str | Secret):
        value = [value]
    elif isinstance(value, dict):
        value = [
            Secret(key=str(k)) if v is None else Secret(group=str(k), key=str(v))
            for k, v in value.items()
        ]
    out = []
    for s in value:
        if isinstance(s, str):
            out.append(Secret(key=s))
        elif isinstance(s, Secret):
            out.append(s)
        else:
            raise DefinitionError(
                f"{where}: secrets must be a key string, a Secret, a list of them or a mapping, "
                f"got {type(s).__name__}"
            )
    return [s.for_v2(where) for s in out]


def _requirements(resources: Any, where: str) -> tuple[Resources | None, Resources | None, Any]:
    """(requests, limits, accelerator) for a v2 ``resources=`` value."""
    if resources is None:
        return None, None, ""
    if not isinstance(resources, Resources):
        raise DefinitionError(
            f"{where}: resources must be a Resources(...), got {type(resources).__name__}"
        )
    req, lim = resources.split()
    device: Any = ""
    if resources.gpu is not None:
        gpu = resources.gpu
        if isinstance(gpu, tuple | list):
            raise DefinitionError(f"{where}: Resources.gpu takes one value, not a range")
        device, count = gpu_device(gpu)
        if isinstance(gpu, Device) and gpu.partition:
            from flytelike._settings.accelerators import GPUAccelerator

            device = GPUAccelerator(gpu.device, gpu.partition)
        req = Resources(req.cpu, req.mem, count, req.ephemeral_storage)
        lim = Resources(lim.cpu, lim.mem, count, lim.ephemeral_storage)
    return req, lim, device


class Environment:
    """flyte 2's base of task and app environments; ``Environment(name, ...)`` is a
    ``TaskEnvironment`` and ``Environment(**task_settings)`` flytekit's ``TaskDefaults``
    (``flytelike._v2.task_defaults`` says how each is told apart)."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if cls is not Environment:
            return super().__new__(cls)
        if args or "name" in kwargs:
            # (a TaskEnvironment is an Environment: Python then calls its __init__ with these
            # arguments, once)
            return super().__new__(TaskEnvironment)
        from flytelike._v2.task_defaults import TaskDefaults

        return TaskDefaults(**kwargs)


class TaskEnvironment(Environment):
    """Settings shared by the tasks it decorates: ``TaskEnvironment(name, image=, resources=, ...)``."""

    def __init__(
        self,
        name: str,
        depends_on: list[TaskEnvironment] | tuple[TaskEnvironment, ...] = (),
        pod_template: Any = None,
        description: str | None = None,
        secrets: Any = None,
        env_vars: dict[str, str] | None = None,
        resources: Resources | None = None,
        interruptible: bool = False,
        image: Any = "auto",
        include: tuple[str, ...] | list[str] = (),
        cache: Any = "disable",
        reusable: Any = None,
        plugin_config: Any = None,
        queue: str | None = None,
        *,
        limits: Resources | None = None,
        accelerator: Any = None,
        service_account: str | None = None,
    ) -> None:
        where = f"TaskEnvironment({name!r})"
        if not isinstance(name, str) or not _NAME.match(name):
            raise DefinitionError(
                f"TaskEnvironment: name must be snake_case or kebab-case (lower-case letters, "
                f"digits, '_' and '-'), got {name!r}"
            )
        if limits is not None:
            if resources is not None:
                raise DefinitionError(f"{where}: give `resources=`, not both it and `limits=`")
            warnings.warn(
                f"{where}: `limits=` is a deprecated spelling; use `resources=`",
                DeprecationWarning,
                stacklevel=2,
            )
            resources = limits
        for env in depends_on:
            if not _is_environment(env):
                raise DefinitionError(
                    f"{where}: depends_on takes TaskEnvironments and AppEnvironments, got {env!r}"
                )
        if env_vars is not None and not (
            isinstance(env_vars, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in env_vars.items())
        ):
            raise DefinitionError(f"{where}: env_vars must be a dict of str to str")
        self.name = name
        self.depends_on = list(depends_on)
        self.pod_template = pod_template
        self.description = description
        self.secrets = secrets
        self.env_vars = dict(env_vars or {})
        self.resources = resources
        self.interruptible = interruptible
        self.image = image
        self.include = tuple(include)
        self.cache = cache
        self.reusable = reusable
        self.plugin_config = plugin_config
        self.queue = queue
        self.service_account = _service_account(service_account, where)
        self.accelerator = accelerator
        self.tasks: dict[str, Any] = {}
        # Validate once here so that a bad environment fails where it is defined.
        _cache_value(cache, where)
        _secrets(secrets, where)
        _requirements(resources, where)
        _reusable(reusable, where)

    def __repr__(self) -> str:
        return f"TaskEnvironment(name={self.name!r}, tasks={list(self.tasks)})"

    # ------------------------------------------------------------------ decorator
    def task(self, _func: Callable[..., Any] | None = None, /, **options: Any) -> Any:
        """``@env.task`` or ``@env.task(cache=..., retries=..., timeout=..., short_name=...)``."""
        unknown = set(options) - _TASK_KEYS
        if unknown:
            raise DefinitionError(
                f"@{self.name}.task: unknown parameter(s) {', '.join(sorted(unknown))}; accepted: "
                f"{', '.join(sorted(_TASK_KEYS))}"
            )

        def decorate(func: Callable[..., Any]) -> Any:
            t = self._make(func, options)
            self.tasks[t.name] = t
            return t

        return decorate(_func) if _func is not None else decorate

    def _make(self, func: Any, options: dict[str, Any]) -> Any:
        """A ``V2Task`` for ``func`` with the environment's settings under ``options``."""
        from flytelike._entities.task import where_of
        from flytelike._settings.task import TaskSettings
        from flytelike._v2.task import V2Task

        if isinstance(func, V2Task):
            func = func.task_function
        if not isinstance(func, types.FunctionType):
            raise DefinitionError(
                f"@{self.name}.task decorates a function, got {type(func).__name__}"
            )
        unknown = set(options) - _TASK_KEYS - _OVERRIDE_KEYS
        if unknown:
            raise DefinitionError(
                f"override: unknown parameter(s) {', '.join(sorted(unknown))}; accepted: "
                f"{', '.join(sorted(_TASK_KEYS | _OVERRIDE_KEYS))}"
            )
        where = where_of(func, "task")
        o = options.get
        resources = o("resources", self.resources)
        req, lim, device = _requirements(resources, where)
        accelerator = o("accelerator", self.accelerator) or (device or None)
        image = o("image", self.image)
        cache = _cache_value(o("cache", self.cache), where)
        interruptible = o("interruptible", self.interruptible)
        secrets = _secrets(o("secrets", self.secrets), where)
        env_vars = o("env_vars", self.env_vars)
        retries, backoff = _retries(o("retries", 0), where)
        timeout, timeout_extra = _timeout(o("timeout", 0), where)
        kw: dict[str, Any] = {
            "cache": cache,
            "retries": retries,
            "timeout": timeout,
            "interruptible": interruptible if interruptible else None,
            "environment": env_vars,
            "secret_requests": secrets,
            "pod_template": o("pod_template", self.pod_template),
            "docs": o("docs"),
            "enable_deck": True if o("report") else None,
            "container_image": None if image in ("auto", None) else _image(image, where),
            "accelerator": accelerator,
        }
        if req is not None or lim is not None:
            kw["requests"], kw["limits"] = req, lim
        settings = TaskSettings.build(where, "python", **kw)
        max_io = o("max_inline_io_bytes")
        if max_io is not None and (not isinstance(max_io, int) or max_io <= 0):
            raise DefinitionError(f"{where}: max_inline_io_bytes must be a positive int")
        produces_artifacts = o("produces_artifacts", False)
        if not isinstance(produces_artifacts, bool):
            raise DefinitionError(
                f"{where}: produces_artifacts must be True or False, got {produces_artifacts!r}"
            )
        short_name = o("short_name") or func.__name__
        if not isinstance(short_name, str):
            raise DefinitionError(f"{where}: short_name must be a string, got {short_name!r}")
        custom = {
            "environment": self.name,
            "short_name": short_name,
            "report": bool(o("report")),
            "queue": o("queue", self.queue),
            "service_account": _service_account(o("service_account", self.service_account), where),
            "reusable": _plain(_reusable(o("reusable", self.reusable), where)),
            "plugin_config": _plain(o("plugin_config", self.plugin_config)),
            "links": [_plain(link) for link in _links(o("links"), where)],
            "triggers": [_plain(t) for t in check_triggers(o("triggers"), func, where)],
            "max_inline_io_bytes": max_io,
            "depends_on": [e.name for e in self.depends_on],
            "description": o("description", self.description),
            # (artifacts.produces declarations are published for it; False leaves no entry)
            "produces_artifacts": produces_artifacts,
        }
        # Only when set, so that templates (and versions) of tasks without them do not change.
        if backoff is not None:
            custom["retry_backoff"] = backoff
        if timeout_extra:
            custom["timeout"] = timeout_extra
        gpu = resources.gpu if isinstance(resources, Resources) else None
        if isinstance(gpu, Device) and gpu.device_class != "GPU":
            custom["device_class"] = gpu.device_class
        max_age = getattr(cache, "max_age", None)  # (a Cache; True/False have none)
        if max_age is not None:
            custom["cache_max_age"] = max_age.total_seconds()  # (the engine honours it)
        if isinstance(resources, Resources) and resources.shm is not None:
            custom["shm"] = resources.shm_size()  # (no IR resource field for /dev/shm)
        from flytelike._v2.sleep import Sleep, SleepTask

        # (flyte's plugin registry: a Sleep config makes a SleepTask)
        sleeps = isinstance(o("plugin_config", self.plugin_config), Sleep)
        return (SleepTask if sleeps else V2Task)(
            func,
            settings,
            where,
            env=self,
            name=f"{self.name}.{func.__name__}",
            options=options,
            custom=custom,
        )

    # ------------------------------------------------------------------ other forms
    def clone_with(self, name: str, **changes: Any) -> TaskEnvironment:
        """A new environment with ``name`` and some settings changed (tasks are not copied)."""
        fields = {
            "depends_on": self.depends_on, "pod_template": self.pod_template,
            "description": self.description, "secrets": self.secrets, "env_vars": self.env_vars,
            "resources": self.resources, "interruptible": self.interruptible,
            "image": self.image, "include": self.include, "cache": self.cache,
            "reusable": self.reusable, "plugin_config": self.plugin_config, "queue": self.queue,
            "accelerator": self.accelerator, "service_account": self.service_account,
        }  # fmt: skip
        unknown = set(changes) - set(fields)
        if unknown:
            raise DefinitionError(
                f"clone_with: unknown parameter(s) {', '.join(sorted(unknown))}; accepted: "
                f"{', '.join(sorted(fields))}"
            )
        fields.update(changes)
        return TaskEnvironment(name, **fields)

    def add_dependency(self, *envs: TaskEnvironment) -> None:
        for env in envs:
            if not _is_environment(env):
                raise DefinitionError(
                    f"add_dependency takes TaskEnvironments and AppEnvironments, got {env!r}"
                )
            if env is not self and env not in self.depends_on:
                self.depends_on.append(env)

    @classmethod
    def from_task(
        cls, name: str, *tasks: Any, depends_on: list[TaskEnvironment] | None = None
    ) -> TaskEnvironment:
        """An environment that holds existing tasks (e.g. a ContainerTask) for deployment."""
        env = cls(name, depends_on=depends_on or ())
        for t in tasks:
            env.tasks[getattr(t, "name", repr(t))] = t
        return env


def _retries(value: Any, where: str) -> tuple[int, dict[str, Any] | None]:
    """(count, the ``v2.retry_backoff`` entry or None) for ``retries=``."""
    backoff = None
    count = value
    if isinstance(value, RetryStrategy):
        count = value.count
        backoff = None if value.backoff is None else value.backoff.to_custom()
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise DefinitionError(
            f"{where}: retries must be an int >= 0 or a RetryStrategy(count=..., backoff=...), "
            f"got {value!r}"
        )
    return count, backoff


def _timeout(value: Any, where: str) -> tuple[Any, dict[str, Any]]:
    """(the per-attempt timeout, the ``v2.timeout`` entry) for ``timeout=``."""
    if not isinstance(value, Timeout):
        return value, {}  # int, float, timedelta, "1h30m": TaskSettings validates them
    extra = {
        "max_runtime_s": value.max_runtime,
        "max_queued_time_s": value.max_queued_time,
        "deadline_s": value.deadline,
    }
    return value.max_runtime or 0, {k: _plain(v) for k, v in extra.items()}


def _reusable(value: Any, where: str) -> Any:
    # A plain dict is accepted as an already-serialised policy (earlier flytelike releases).
    if value is None or value == "off" or isinstance(value, ReusePolicy | dict):
        return value
    raise DefinitionError(
        f"{where}: reusable must be a ReusePolicy(...), 'off' or None, got {value!r}"
    )


def _links(value: Any, where: str) -> tuple[Any, ...]:
    links = (value,) if isinstance(value, Link) else tuple(value or ())
    for link in links:
        check_link(link, where)
    return links


def _image(image: Any, where: str) -> Any:
    from flytelike._settings.image import Image, ImageSpec

    if isinstance(image, str | ImageSpec | Image):
        return image
    raise DefinitionError(
        f"{where}: image must be 'auto', an image name or an Image/ImageSpec, got "
        f"{type(image).__name__}"
    )


def _plain(value: Any) -> Any:
    from flytelike._settings.opaque import plain

    return None if value is None else plain(value)


def _is_environment(env: Any) -> bool:
    """A ``TaskEnvironment`` or an app's environment (``flytelike.app.AppEnvironment``, which
    this package sits below: recognised by its class, as flyte's ``depends_on`` takes both)."""
    if isinstance(env, TaskEnvironment):
        return True
    return any(
        c.__name__ == "AppEnvironment" and c.__module__.startswith("flytelike.app")
        for c in type(env).__mro__
    )
