"""flyte 2's ``flyte.remote.Task``, over the tasks ``flytelike.deploy`` recorded locally.

- ``Task.get(name, project=None, domain=None, version=None, auto_version=None)`` returns a
  ``LazyEntity`` at once, without reading anything; one of ``version`` and ``auto_version``
  (``"latest"``: the newest deployment; ``"current"``: the version the running task itself was
  deployed under, only inside a task) is required (``ValueError``, as flyte). The task is read
  on first use: ``fetch()`` (``await fetch.aio()``), ``flytelike.run(entity, **inputs)``, or a
  call inside a running task. One that is not deployed raises
  ``flytelike.errors.RemoteTaskNotFoundError`` then.
- ``TaskDetails`` (what ``fetch`` returns): ``name``, ``version``, ``project``, ``domain``,
  ``environment``, ``deployed_at``, ``task_type``, ``interface`` (the IR interface),
  ``default_input_args``, ``required_args``, ``secrets``, ``resources``. Running it:
  ``flytelike.run(details_or_entity, **inputs)`` from the driver (its code is imported from where
  it was deployed), ``await details(**inputs)`` inside a running task (a recorded child action).
  Called outside a task, or with positional arguments, it raises ``RemoteTaskUsageError``, as
  flyte does. ``override(resources=, retries=, timeout=, cache=, env_vars=, short_name=)``
  returns a copy whose runs use those settings.
- ``Task.listall(by_task_name=None, by_task_env=None, project=None, domain=None, sort_by=None,
  limit=100)`` iterates the deployed tasks (``Task``: name, version, project, domain,
  environment, deployed_at) of the namespace, by deployment time (``sort_by=("created_at",
  "desc")`` for newest first).

The namespace is the one given, else ``init``'s, else the configuration's
(``flytelike.engine._namespace``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from flytelike._v2 import deployed as _deployed
from flytelike.errors import RemoteTaskNotFoundError, RemoteTaskUsageError
from flytelike.remote._sync import class_sync_and_aio, sync_and_aio

AUTO_VERSIONS = ("latest", "current")


def _engine() -> Any:
    from flytelike.engine import default_engine

    return default_engine()


def _namespace(project: str | None, domain: str | None) -> tuple[str, str]:
    from flytelike._v2.init import initialized
    from flytelike.engine import resolve_namespace as resolve

    p, d = initialized()
    return resolve(project or p, domain or d, _engine().config.namespace, "flytelike.remote")


class _Deployed:
    """What a deployed task's record says (name, version, namespace, environment, when)."""

    _row: _deployed.DeployedTask

    name = property(lambda self: self._row.name)
    version = property(lambda self: self._row.version)
    project = property(lambda self: self._row.project)
    domain = property(lambda self: self._row.domain)
    environment = property(lambda self: self._row.environment)

    @property
    def deployed_at(self) -> datetime:
        return datetime.fromtimestamp(self._row.created_at, UTC)


class TaskDetails(_Deployed):
    """A deployed task, read from the store (see the module docstring)."""

    python_interface = None  # (its Python types are guessed from the interface, as for runs)

    def __init__(self, row: _deployed.DeployedTask, closure: Any) -> None:
        from flytelike.engine import ClosureIndex

        self._row = row
        self._engine_closure = closure  # what flytelike.run and child calls compile to
        self._template: Any = ClosureIndex(closure).primary()  # (a TaskTemplate)
        self.short_name: str = row.name.rpartition(".")[2]

    @property
    def task_type(self) -> str:
        return str(self._template.kind)

    @property
    def interface(self) -> Any:
        return self._template.interface

    @property
    def default_input_args(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.interface.inputs if v.default is not None)

    @property
    def required_args(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.interface.inputs if v.default is None)

    @property
    def secrets(self) -> list[str]:
        return [s.key or s.group for s in self._template.secrets]

    @property
    def resources(self) -> tuple[Any, Any]:
        """``(requests, limits)`` as the template carries them (``ResourceSpec``s)."""
        res = self._template.resources
        return (res.requests, res.limits)

    def override(
        self,
        *,
        short_name: str | None = None,
        resources: Any = None,
        retries: Any = 0,
        timeout: Any = None,
        env_vars: dict[str, str] | None = None,
        cache: Any = None,
        **kwargs: Any,
    ) -> TaskDetails:
        """A copy whose runs use these settings (the deployment is unchanged): ``resources``,
        ``retries`` (a count or a ``RetryStrategy``), ``timeout``, ``cache`` (as
        ``with_overrides``: disabling, or a version) and ``env_vars`` (set while it runs);
        ``short_name`` names it in ``repr``. flyte's ``secrets``, ``queue`` and
        ``max_inline_io_bytes`` of a cluster, and anything else, raise ``RemoteTaskUsageError``."""
        if kwargs:
            raise RemoteTaskUsageError(
                f"remote task {self.name} cannot override {', '.join(sorted(kwargs))} locally; "
                "it takes resources, retries, timeout, cache, env_vars and short_name"
            )
        import dataclasses

        from flytelike.compiler import TASK_KEYS, apply_overrides
        from flytelike.engine import task_with_overrides as merged

        asked: dict[str, Any] = {}
        if resources is not None:
            asked["resources"] = resources
        if retries:
            asked["retries"] = getattr(retries, "count", retries)
        if timeout is not None:
            asked["timeout"] = timeout
        if cache is not None:
            asked["cache"] = cache
        where = f"remote task {self.name} override"
        try:
            ov = apply_overrides(None, asked, where, TASK_KEYS, None)[0]
        except Exception as e:
            raise RemoteTaskUsageError(str(e)) from e
        template = merged(self._template, ov)
        if env_vars:
            env = {**dict(template.environment), **{str(k): str(v) for k, v in env_vars.items()}}
            template = dataclasses.replace(template, environment=tuple(sorted(env.items())))
        closure = self._engine_closure
        tasks = tuple(template if t.id == template.id else t for t in closure.tasks)
        copy = TaskDetails(self._row, dataclasses.replace(closure, tasks=tasks))
        copy.short_name = short_name or self.short_name
        return copy

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if args:
            raise RemoteTaskUsageError(
                f"Remote task {self.name} does not support positional arguments; call it with "
                "keyword arguments"
            )
        from flytelike.engine import can_child_call, child_call

        if can_child_call():
            return child_call(self, kwargs)
        raise RemoteTaskUsageError(
            f"remote task {self.name} (version {self.version}) can be called only inside a "
            f"running task; from the driver run it with flytelike.run(task, **inputs)"
        )

    def __repr__(self) -> str:
        return (
            f"TaskDetails(name={self.name!r}, short_name={self.short_name!r}, "
            f"version={self.version!r}, project="
            f"{self.project!r}, domain={self.domain!r}, environment={self.environment!r})"
        )


class LazyEntity:
    """A deployed task not read yet (``Task.get``); read on first use (``fetch``)."""

    python_interface = None

    def __init__(
        self, name: str, project: str | None, domain: str | None, version: str | None, auto: Any
    ) -> None:
        self._name = name
        self._where = (project, domain, version, auto)
        self._task: TaskDetails | None = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._name

    @sync_and_aio
    def fetch(self) -> TaskDetails:
        """Read the task from the store (once); ``RemoteTaskNotFoundError`` if not deployed."""
        with self._lock:
            if self._task is None:
                self._task = _fetch(self._name, *self._where)
            return self._task

    @property
    def _engine_closure(self) -> Any:
        return self.fetch()._engine_closure

    @sync_and_aio
    def override(self, **settings: Any) -> LazyEntity:
        """A reference whose task is ``fetch().override(**settings)``."""
        copy = LazyEntity(self._name, *self._where)
        copy._task = self.fetch().override(**settings)
        return copy

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.fetch()(*args, **kwargs)

    def __repr__(self) -> str:
        return f"Future for task with name {self._name}"


def _current_version(name: str, project: str, domain: str) -> str:
    from flytelike.backends import running_action

    ec = running_action()
    if ec is None:
        raise ValueError("auto_version='current' can only be used within a task context.")
    own = getattr(ec, "task_name", "") or ""
    found = _deployed.find(_engine(), project, domain, own, None) if own else None
    if found is None:
        raise RemoteTaskNotFoundError(
            f"auto_version='current': the running task {own or '?'} was not deployed in "
            f"{project}/{domain}, so it has no version to share with {name}; deploy its "
            "environment (flytelike.deploy(env)) or give version=..."
        )
    return found.version


def _fetch(
    name: str, project: str | None, domain: str | None, version: str | None, auto: Any
) -> TaskDetails:
    p, d = _namespace(project, domain)
    if version is None and auto == "current":
        version = _current_version(name, p, d)
    engine = _engine()
    row = _deployed.find(engine, p, d, name, version)
    if row is None:
        which = f"version {version}" if version is not None else "any version"
        raise RemoteTaskNotFoundError(
            f"Task {name}, {which} not found in {p} {d} (store {engine.config.db_path}); "
            f"deploy its environment first (flytelike.deploy(env) or `flytelike deploy FILE "
            f"ENV`), with the same project and domain"
        )
    return TaskDetails(row, row.load_closure(engine))


class Task(_Deployed):
    """A deployed task as ``Task.listall`` lists it; ``Task.get`` gives a runnable one."""

    def __init__(self, row: _deployed.DeployedTask) -> None:
        self._row = row

    @classmethod
    def get(
        cls,
        name: str,
        project: str | None = None,
        domain: str | None = None,
        version: str | None = None,
        auto_version: str | None = None,
    ) -> LazyEntity:
        """A lazy reference to deployed task ``name`` (see the module docstring)."""
        if version is None and auto_version is None:
            raise ValueError("Either version or auto_version must be provided.")
        if version is None and auto_version not in AUTO_VERSIONS:
            raise ValueError("auto_version must be either 'latest' or 'current'.")
        return LazyEntity(name, project, domain, version, auto_version)

    @class_sync_and_aio
    def listall(
        cls: type[Task],
        by_task_name: str | None = None,
        by_task_env: str | None = None,
        project: str | None = None,
        domain: str | None = None,
        sort_by: tuple[str, str] | None = None,
        limit: int = 100,
    ) -> Iterator[Task]:
        """The deployed tasks of the namespace (see the module docstring)."""
        key, order = sort_by or ("created_at", "asc")
        if key != "created_at" or order not in ("asc", "desc"):
            raise ValueError(
                f"Task.listall(sort_by={sort_by!r}): locally tasks sort by deployment time: "
                "('created_at', 'asc') or ('created_at', 'desc')"
            )
        p, d = _namespace(project, domain)
        rows = _deployed.listall(_engine(), p, d, by_task_name, by_task_env, order == "desc", limit)
        return iter([cls(r) for r in rows])

    def __repr__(self) -> str:
        return (
            f"Task(name={self.name!r}, version={self.version!r}, project={self.project!r}, "
            f"domain={self.domain!r}, environment={self.environment!r})"
        )
