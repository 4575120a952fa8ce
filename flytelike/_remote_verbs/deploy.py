"""flyte 2's ``deploy``, locally: environments' tasks registered in the local run store.

``deploy(*envs, dry_run=False, version=None, interactive_mode=None, copy_style="loaded_modules")``
compiles every task of each environment and of the environments it ``depends_on`` (each
environment once) and records them in the run store of the default engine
(``flytelike._v2.deployed``): name (``env.task``), version, the environment, the compiled
closure and the code's location. ``flytelike.remote.Task.get(name, version=...)`` then finds them
from any process using the same ``FLYTELIKE_HOME`` and ``flytelike.run`` runs them. The
namespace is ``init``'s project and domain, else the configuration's
(``flytelike.engine._namespace``).

- ``version``: unset, a digest of the deployed tasks' content versions (the same code deploys
  under the same version, as flyte's computed version); given, that string.
- ``dry_run=True`` (or its older spelling ``dryrun=True``, as flyte keeps it) compiles and returns
  the ``Deployment`` without recording anything.
- ``copy_style`` (``"loaded_modules"``, ``"all"`` or ``"none"``): flyte uploads a code bundle;
  locally the code stays where it is and the deployment records where (so ``"none"`` needs no
  bundle). As flyte, ``"none"`` requires an explicit ``version``. It is checked, not acted on.
- ``interactive_mode=True`` raises ``NotImplementedError``, as flyte does.

An ``AppEnvironment`` (given, or among ``depends_on``) is served in this process, as flyte
starts it on a cluster (``flytelike.app._deploy``); ``dry_run`` serves nothing.

Returns one ``Deployment`` per group of environments deployed together (an environment and its
dependencies), each listing ``envs``, ``deployed_tasks`` (``DeployedTaskSpec``: name, version,
environment) and ``deployed_apps`` (``flytelike.app.DeployedAppEnvironment``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from flytelike._v2.syncify import with_aio
from flytelike._v2.verbs import COPY_STYLES
from flytelike.errors import DefinitionError


@dataclass(frozen=True)
class DeployedTaskSpec:
    """A task as deployed: its name (``env.task``), version and environment."""

    name: str
    version: str
    environment: str
    project: str
    domain: str


@dataclass
class Deployment:
    """What one ``deploy`` of an environment and its dependencies registered."""

    envs: dict[str, Any]
    deployed_tasks: list[DeployedTaskSpec] = field(default_factory=list)
    dryrun: bool = False
    deployed_apps: list[Any] = field(default_factory=list)

    def summary_repr(self) -> str:
        tasks = ", ".join(f"{t.name} (v{t.version})" for t in self.deployed_tasks)
        text = f"Deployment(envs=[{', '.join(self.envs)}], tasks=[{tasks}]"
        if self.deployed_apps:
            text += f", apps=[{', '.join(a.get_name() for a in self.deployed_apps)}]"
        return text + ")"

    def task_repr(self) -> list[list[tuple[str, str]]]:
        return [[("name", t.name), ("version", t.version)] for t in self.deployed_tasks]

    def table_repr(self) -> list[list[tuple[str, str]]]:
        """A row per deployed task (``task_repr``'s) and per served app (the app's
        ``table_repr`` rows), as flyte's ``Deployment.table_repr``."""
        rows = [[("type", "Task"), *row] for row in self.task_repr()]
        for app in self.deployed_apps:
            rows.extend(app.table_repr())
        return rows

    def env_repr(self) -> list[list[tuple[str, str]]]:
        return [
            [("environment", name), ("image", str(getattr(env, "image", "") or ""))]
            for name, env in self.envs.items()
        ]


def _plan(envs: tuple[Any, ...]) -> list[dict[str, Any]]:
    """Groups of environments to deploy together: each one given, with its dependencies
    (depth first), every environment in one group only."""
    from flytelike._v2.env import TaskEnvironment
    from flytelike.app import AppEnvironment

    seen: set[str] = set()
    plans: list[dict[str, Any]] = []

    def walk(env: Any, into: dict[str, Any]) -> None:
        if env.name in into or env.name in seen:
            return
        for dep in getattr(env, "depends_on", ()):
            walk(dep, into)
        into[env.name] = env

    for env in envs:
        if not isinstance(env, TaskEnvironment | AppEnvironment):
            raise DefinitionError(
                f"deploy: expected TaskEnvironment or AppEnvironment objects, got {env!r}; pass "
                "the environments to deploy (flytelike.deploy(env, other_env))"
            )
        if env.name in seen:
            continue
        group: dict[str, Any] = {}
        walk(env, group)
        seen.update(group)
        plans.append(group)
    return plans


def _version(tasks: list[tuple[str, Any, dict[str, Any]]]) -> str:
    digest = hashlib.sha256()
    for name, closure, _ in sorted(tasks, key=lambda t: t[0]):
        digest.update(f"{name}\0{closure.primary.version}\0".encode())
    return digest.hexdigest()[:20]


def _serve_app(app_env: Any, project: str, domain: str) -> Any:
    """Serve ``app_env`` (its ``ctx()`` reports ``project``/``domain``): a deployed app."""
    from flytelike.app import DeployedAppEnvironment, ServeContext
    from flytelike.remote import App

    handle = ServeContext(project=project, domain=domain).serve(app_env)
    return DeployedAppEnvironment(env=app_env, deployed_app=App(handle))


@with_aio
def deploy(
    *envs: Any,
    dry_run: bool = False,
    version: str | None = None,
    interactive_mode: bool | None = None,
    copy_style: str = "loaded_modules",
    dryrun: bool | None = None,
) -> list[Deployment]:
    """Register the tasks of ``envs`` (and their dependencies) in the local run store; see
    the module docstring."""
    if dryrun is not None:  # (flyte's older spelling, kept by flyte as an alias)
        if dry_run and not dryrun:
            raise DefinitionError("deploy: dry_run=True and dryrun=False disagree; give dry_run")
        dry_run = dryrun or dry_run
    from flytelike._v2 import deployed as _deployed
    from flytelike._v2.init import initialized
    from flytelike.engine import ClosureIndex, code_location, default_engine, to_closure
    from flytelike.engine import resolve_namespace as resolve

    if interactive_mode:
        raise NotImplementedError("Interactive mode not yet implemented for deployment")
    if copy_style not in COPY_STYLES:
        raise DefinitionError(
            f"deploy(copy_style={copy_style!r}): expected one of {', '.join(COPY_STYLES)}"
        )
    if copy_style == "none" and not version:
        raise DefinitionError("deploy: version must be set when copy_style is 'none'")
    if version is not None and (not isinstance(version, str) or not version.strip()):
        raise DefinitionError(f"deploy(version={version!r}): expected a non-empty string")
    engine = default_engine()
    project, domain = resolve(*initialized(), engine.config.namespace, "deploy")
    out: list[Deployment] = []
    for group in _plan(envs):
        per_env: dict[str, list[tuple[str, Any, dict[str, Any]]]] = {}
        apps = [env for env in group.values() if not hasattr(env, "tasks")]
        for env_name, env in group.items():
            if env in apps:
                continue
            compiled = []
            for name, task in env.tasks.items():
                closure = to_closure(task)
                compiled.append((name, closure, code_location(closure, ClosureIndex(closure))))
            per_env[env_name] = compiled
        everything = [t for tasks in per_env.values() for t in tasks]
        ver = version or _version(everything)
        specs = [
            DeployedTaskSpec(name, ver, env_name, project, domain)
            for env_name, tasks in per_env.items()
            for name, _, _ in tasks
        ]
        served = []
        if not dry_run:
            for env_name, tasks in per_env.items():
                _deployed.record(engine, project, domain, env_name, ver, tasks)
            served = [_serve_app(app, project, domain) for app in apps]
        out.append(Deployment(dict(group), specs, dry_run, served))
    return out


__all__ = ["DeployedTaskSpec", "Deployment", "deploy"]
