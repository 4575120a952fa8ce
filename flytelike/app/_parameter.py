"""flyte 2's app parameters (``Parameter``, ``get_parameter``) and ``ctx()``, for a served app.

``AppEnvironment(parameters=[Parameter(name, value, env_var=, download=, mount=,
ignore_patterns=)])``: when the app is served, every parameter gets its value (the one given to
``with_servecontext(parameter_values={app_name: {name: value}})``, else its own; one with
neither is a ``DefinitionError``). A ``str`` is the value itself; a ``RunOutput`` (a recorded
run's output), an ``ArtifactValue`` (an artifact's File/Dir) or an ``AppEndpoint`` (a served
app's URL) is resolved first
(``flytelike.app._values``); a ``File``/``Dir`` is its local path, downloaded first when ``download`` (a local path stays where it is) and copied into the
``mount`` directory when given (a directory without the files matching ``ignore_patterns``), the
parameter then being the copy's path. The values reach the app as flyte delivers them: in a JSON
file that ``get_parameter(name)`` reads (named by ``FLYTELIKE_APP_PARAMETERS``), and in
``env_var`` when given.

``ctx()`` is the serving app's ``AppContext``: ``mode`` (``"local"`` in a served app, else
``"remote"`` as in flyte), ``project``/``domain`` (``with_servecontext``'s, else empty) and
``raw_data_path`` (empty: a local app has no raw data prefix of its own).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import tempfile
from typing import Any

from flytelike.errors import DefinitionError

PARAMETERS_FILE_ENV = "FLYTELIKE_APP_PARAMETERS"
_MODE_ENV, _PROJECT_ENV, _DOMAIN_ENV = (
    "FLYTELIKE_APP_MODE",
    "FLYTELIKE_APP_PROJECT",
    "FLYTELIKE_APP_DOMAIN",
)
_ENV_NAME = re.compile(r"[_a-zA-Z][_a-zA-Z0-9]*")
_TYPES = ("string", "file", "directory", "app_endpoint")


def _is_path_value(value: Any) -> bool:
    from typesystem.io import Dir, File

    return isinstance(value, (File, Dir))


def _is_delayed(value: Any) -> bool:
    from flytelike.app._values import DELAYED

    return isinstance(value, DELAYED)


@dataclasses.dataclass
class Parameter:
    """One parameter of an app (see the module docstring)."""

    name: str
    value: Any = None
    type: str | None = None
    env_var: str | None = None
    download: bool = True
    mount: str | None = None
    ignore_patterns: list[str] = dataclasses.field(default_factory=list)

    def __post_init__(self) -> None:
        if self.env_var is not None and not _ENV_NAME.fullmatch(self.env_var):
            raise ValueError(f"env_var ({self.env_var}) is not a valid environment name for shells")
        if self.value is not None and not (
            isinstance(self.value, str) or _is_path_value(self.value) or _is_delayed(self.value)
        ):
            raise TypeError(
                f"Parameter {self.name!r}: expected a str, File, Dir, RunOutput, ArtifactValue or "
                f"AppEndpoint value, got {type(self.value).__name__}"
            )
        if self.type is not None and self.type not in _TYPES:
            raise ValueError(
                f"Parameter {self.name!r}: type must be one of {', '.join(_TYPES)}, got "
                f"{self.type!r}"
            )
        if not self.name:
            self.name = "i0"


def _materialize(param: Parameter, value: Any, ns: tuple[str, str], urls: dict[str, str]) -> str:
    from flytelike.app._values import AppEndpoint, ArtifactValue, RunOutput

    if isinstance(value, (RunOutput, ArtifactValue)):
        value = value.resolve(*ns)
    elif isinstance(value, AppEndpoint):
        value = value.resolve(urls)
    if isinstance(value, str) or value is None:
        if value is None:
            raise DefinitionError(
                f"Parameter {param.name!r} has no value; give it one or pass it with "
                "with_servecontext(parameter_values={app_name: {name: value}})"
            )
        return value
    from typesystem.io import Dir

    local = str(value.download_sync()) if param.download else str(value.path)
    if param.mount is None:
        return local
    os.makedirs(param.mount, exist_ok=True)
    if isinstance(value, Dir):
        ignore = shutil.ignore_patterns(*param.ignore_patterns) if param.ignore_patterns else None
        shutil.copytree(local, param.mount, ignore=ignore, dirs_exist_ok=True)
        return param.mount
    return shutil.copy2(local, os.path.join(param.mount, os.path.basename(local)))


def parameter_env(
    app_env: Any,
    overrides: dict[str, Any],
    project: str,
    domain: str,
    endpoints: dict[str, str] | None = None,
) -> dict[str, str]:
    """The environment variables that deliver ``app_env``'s parameters (and ``ctx()``) to it;
    ``endpoints`` are the URLs of the running apps (for ``AppEndpoint`` values)."""
    env = {_MODE_ENV: "local", _PROJECT_ENV: project, _DOMAIN_ENV: domain}
    params = list(app_env.parameters)
    for p in params:
        if not isinstance(p, Parameter):
            raise DefinitionError(
                f"app {app_env.name!r}: parameters must be flytelike.app.Parameter, got {p!r}"
            )
    unknown = set(overrides) - {p.name for p in params}
    if unknown:
        raise DefinitionError(
            f"with_servecontext(parameter_values=...): app {app_env.name!r} has no parameter(s) "
            f"{', '.join(sorted(unknown))}"
        )
    if not params:
        return env
    ns, urls = (project, domain), dict(endpoints or {})
    values = {p.name: _materialize(p, overrides.get(p.name, p.value), ns, urls) for p in params}
    fd, path = tempfile.mkstemp(prefix=f"{app_env.name}-parameters-", suffix=".json")
    with os.fdopen(fd, "w") as f:
        json.dump(values, f)
    env[PARAMETERS_FILE_ENV] = path
    env.update({p.env_var: values[p.name] for p in params if p.env_var})
    return env


def get_parameter(name: str) -> str:
    """The value of the served app's parameter ``name`` (``ValueError`` outside a served app
    with parameters, ``KeyError`` for a name it does not have)."""
    path = os.environ.get(PARAMETERS_FILE_ENV)
    if not path:
        raise ValueError("Parameters are not mounted: get_parameter works inside a served app")
    with open(path) as f:
        values: dict[str, str] = json.load(f)
    return values[name]


@dataclasses.dataclass(frozen=True)
class AppContext:
    mode: str = "remote"
    project: str = ""
    raw_data_path: str = ""
    domain: str = ""


def ctx() -> AppContext:
    """The serving app's context (see the module docstring)."""
    return AppContext(
        mode=os.environ.get(_MODE_ENV, "remote"),
        project=os.environ.get(_PROJECT_ENV, ""),
        domain=os.environ.get(_DOMAIN_ENV, ""),
    )
