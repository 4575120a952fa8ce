"""App parameter values known only when the app is served (flyte 2's delayed values).

- ``RunOutput(type, run_name=None, task_name=None, getter=(0,))``: an output of a recorded run,
  read from the local run store when ``flytelike.serve`` starts the app: the run named
  ``run_name``, or the latest succeeded run of the task ``task_name`` (``"env.task"``) in the
  serving namespace (``with_servecontext(project=, domain=)``, else ``init``'s, else the
  configuration's). ``getter`` indexes into the run's outputs (a tuple in declaration order):
  ``(0,)`` is the first output, ``(1, "key")`` the ``"key"`` item of the second. ``type`` says
  what the value is: ``"string"``, ``"file"`` or ``"directory"`` (a ``File``/``Dir`` is then
  delivered as the other ``File``/``Dir`` parameters are). Local runs record no task version,
  so ``task_version``/``task_auto_version`` raise ``ParameterMaterializationError``.
- ``ArtifactValue(name, version=None, project=None, domain=None, type=None)``: the ``File`` or
  ``Dir`` an artifact of the local catalog (``flytelike.remote.Artifact``) stores, read when the
  app is served: ``version`` (None: the latest), in ``project``/``domain`` (None: the serving
  namespace, else ``init``'s, else the configuration's). ``type`` (``"file"``/``"directory"``),
  when given, must match what the artifact stores; a missing artifact, or one storing anything
  but a ``File``/``Dir``, raises ``ParameterMaterializationError`` naming it.
- ``AppEndpoint(app_name, public=False)``: the URL of the app ``app_name``, served by this
  process and running when this app is served (serve it first, e.g. before the app that uses
  it); a local app has one address, so ``public`` changes nothing.

A value that cannot be resolved raises ``ParameterMaterializationError`` naming the parameter's
source and what to do. ``await run_output.materialize()`` (or ``.get()``) reads a run's output
(an ``ArtifactValue``'s its ``File``/``Dir``) outside a serve, as in flyte; an ``AppEndpoint``'s ``materialize()`` is itself (its URL is
known once the app using it is served).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from flytelike.errors import DefinitionError, ParameterMaterializationError

_RUN_OUTPUT_TYPES = ("string", "file", "directory")


@dataclasses.dataclass(frozen=True, kw_only=True)
class RunOutput:
    """A run's output as an app parameter value (see the module docstring)."""

    type: str
    run_name: str | None = None
    task_name: str | None = None
    task_version: str | None = None
    task_auto_version: str | None = None
    getter: tuple[Any, ...] = (0,)

    def __post_init__(self) -> None:
        if (self.run_name is None) == (self.task_name is None):
            raise DefinitionError(
                "RunOutput: give exactly one of run_name= (a run) or task_name= (the latest "
                "succeeded run of that task)"
            )
        if self.type not in _RUN_OUTPUT_TYPES:
            raise DefinitionError(
                f"RunOutput(type={self.type!r}): expected one of {', '.join(_RUN_OUTPUT_TYPES)} "
                "(an app endpoint is AppEndpoint(app_name=...))"
            )
        if not isinstance(self.getter, tuple):
            object.__setattr__(self, "getter", tuple(self.getter))

    def resolve(self, project: str = "", domain: str = "") -> Any:
        """The value, read from the run store (``project``/``domain``: the namespace to look
        for ``task_name``'s runs in; empty: the default one)."""
        from flytelike._v2.run import _as_v2
        from flytelike.engine import RunNotFoundError, default_engine

        source = f"RunOutput({self.run_name or self.task_name!r})"
        if self.task_version is not None or self.task_auto_version is not None:
            raise ParameterMaterializationError(
                f"{source}: local runs record no task version; name the task without "
                "task_version/task_auto_version (its latest succeeded run) or give run_name="
            )
        engine = default_engine()
        if self.run_name is not None:
            try:
                handle = engine.get_run(self.run_name)
            except RunNotFoundError as e:
                raise ParameterMaterializationError(
                    f"{source}: no run named {self.run_name!r}"
                ) from e
        else:
            handle = self._latest(engine, project, domain, source)
        try:
            value: Any = _as_v2(handle).outputs()
            for key in self.getter:
                value = value[key]
        except (IndexError, KeyError, TypeError) as e:
            raise ParameterMaterializationError(
                f"{source}: run {handle.name} has no output at getter={self.getter!r} ({e})"
            ) from e
        except Exception as e:
            raise ParameterMaterializationError(
                f"{source}: the outputs of run {handle.name} cannot be read: {e}"
            ) from e
        return _checked(value, self.type, f"{source} (run {handle.name})")

    def _latest(self, engine: Any, project: str, domain: str, source: str) -> Any:
        from flytelike._v2.init import initialized

        init_project, init_domain = initialized()
        default_project, default_domain = engine.config.namespace
        project = project or init_project or default_project
        domain = domain or init_domain or default_domain
        recs = engine.list_runs(1, "SUCCEEDED", self.task_name, project, domain)  # (newest)
        if not recs:
            raise ParameterMaterializationError(
                f"{source}: no succeeded run of task {self.task_name!r} in {project}/{domain}; "
                "run it first (flytelike.run) or give run_name="
            )
        return engine.get_run(recs[0].name)

    async def materialize(self) -> Any:
        return self.resolve()

    async def get(self) -> Any:
        return self.resolve()


def _checked(value: Any, kind: str, where: str) -> Any:
    from typesystem.io import Dir, File

    expected = {"string": str, "file": File, "directory": Dir}[kind]
    if not isinstance(value, expected):
        raise ParameterMaterializationError(
            f"{where}: the output is a {type(value).__name__}, not the {kind} the parameter "
            f"declares; give RunOutput(type=...) the output's kind or a getter= to it"
        )
    return value


@dataclasses.dataclass(frozen=True, kw_only=True)
class AppEndpoint:
    """Another served app's URL as an app parameter value (see the module docstring)."""

    app_name: str
    public: bool = False
    type: str = "string"

    def __post_init__(self) -> None:
        if not isinstance(self.app_name, str) or not self.app_name:
            raise DefinitionError(f"AppEndpoint(app_name={self.app_name!r}): name the app")
        if self.type != "string":
            raise DefinitionError(f"AppEndpoint: type is always 'string', got {self.type!r}")

    def resolve(self, endpoints: Mapping[str, str]) -> str:
        """The URL of ``app_name`` among ``endpoints`` (name to URL of the running apps)."""
        url = endpoints.get(self.app_name)
        if url is None:
            raise ParameterMaterializationError(
                f"AppEndpoint({self.app_name!r}): no app named {self.app_name!r} is being served "
                "by this process; serve it first (flytelike.serve(its_app_env))"
            )
        return url

    async def materialize(self) -> AppEndpoint:
        """Itself, as in flyte: the URL is known when the app using it is served."""
        return self

    async def get(self) -> AppEndpoint:
        return self


@dataclasses.dataclass(frozen=True, kw_only=True)
class ArtifactValue:
    """An artifact's ``File``/``Dir`` as an app parameter value (see the module docstring)."""

    name: str
    version: str | None = None
    project: str | None = None
    domain: str | None = None
    type: str | None = None
    _resolved: Any = dataclasses.field(default=None, init=False, repr=False, compare=False)

    @property
    def resolved_version_id(self) -> Any:
        """The artifact version the last ``resolve`` read (an ``ArtifactVersionId``), or None
        before it, as flyte records it."""
        return self._resolved

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise DefinitionError(f"ArtifactValue(name={self.name!r}): name the artifact")
        if self.type not in (None, "file", "directory"):
            raise DefinitionError(
                f"ArtifactValue(type={self.type!r}): an artifact parameter is a 'file' or a "
                "'directory' (or leave type= out to take what the artifact stores)"
            )

    def resolve(self, project: str = "", domain: str = "") -> Any:
        """The artifact's ``File``/``Dir`` (``project``/``domain``: the serving namespace, used
        when the value names none; empty: the default one)."""
        import asyncio
        from concurrent.futures import ThreadPoolExecutor

        from flytelike.remote import Artifact
        from typesystem.io import Dir, File

        source = f"ArtifactValue({self.name!r}@{self.version or 'latest'})"
        try:
            artifact = Artifact.get(
                self.name,
                version=self.version or "latest",
                project=self.project or project or None,
                domain=self.domain or domain or None,
            )
            with ThreadPoolExecutor(1) as pool:  # (serve may run inside an event loop)
                value = pool.submit(asyncio.run, artifact.to_python()).result()
        except Exception as e:
            raise ParameterMaterializationError(
                f"{source}: the artifact cannot be read: {e}; publish it first "
                "(flytelike.remote.Artifact.create) or list its versions with "
                f"Artifact.listall({self.name!r})"
            ) from e
        if not isinstance(value, (File, Dir)):
            raise ParameterMaterializationError(
                f"{source}: version {artifact.version} stores a {type(value).__name__}; only "
                "File and Dir artifacts can be app parameters"
            )
        kind = "file" if isinstance(value, File) else "directory"
        if self.type is not None and self.type != kind:
            raise ParameterMaterializationError(
                f"{source}: version {artifact.version} stores a {type(value).__name__}, but the "
                f"parameter declares type={self.type!r}"
            )
        object.__setattr__(self, "_resolved", artifact.artifact_version_id)
        return value

    async def materialize(self) -> Any:
        return self.resolve()

    async def get(self) -> Any:
        return self.resolve()


DELAYED = (RunOutput, AppEndpoint, ArtifactValue)
