"""flyte 2's initialisation: ``init`` and its variants, ``current_project``/``current_domain``.

flytelike always runs on the local engine (configured by ``FLYTELIKE_*`` variables), so there
is no client to set up. What ``init`` keeps is the ``project``, ``domain`` and ``org`` given:
``flytelike.run`` records its runs in that project and domain (unless ``with_runcontext`` names
others; see ``flytelike.engine._namespace`` for the whole order), and
``current_project()``/``current_domain()`` return them in the driver. Inside a running task they
return the run's project and domain. In the driver both raise
``flytelike.errors.InitializationError`` when nothing set them (``init``, or
``FLYTELIKE_PROJECT``/``FLYTELIKE_DOMAIN``, or ``project``/``domain`` in ``[tool.flytelike]``), as
flyte does when ``init`` was not called.

- ``init(endpoint=, org=, project=, domain=, ...)``, ``init_from_api_key(api_key, project=,
  domain=, ...)``, ``init_in_cluster(org=, project=, domain=, ...)`` record those values (a later
  call replaces them); ``init_passthrough(...)`` does too and returns them as a dict.
- ``init_from_config(path_or_config=None, root_dir=None, ...)`` reads ``task.project``,
  ``task.domain`` and ``task.org`` from a flyte config YAML file when one is given (a missing
  file raises ``InitializationError``); without a path it records nothing.
- ``is_control_plane_available()`` is ``False``: there is no control plane locally.
- Each ``init*`` also has flyte's async form: ``await init_from_config.aio(...)``.

Other keyword arguments of flyte's signatures (endpoints, credentials, storage, images, log
settings) are accepted and have no local meaning.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any

from flytelike._v2.syncify import with_aio
from flytelike.errors import InitializationError


@dataclasses.dataclass(frozen=True)
class InitConfig:
    project: str | None = None
    domain: str | None = None
    org: str | None = None


_CONFIG: list[InitConfig] = []  # the process's configuration, as flyte's init keeps one


def _set(project: Any, domain: Any, org: Any) -> InitConfig:
    for label, value in (("project", project), ("domain", domain), ("org", org)):
        if value is not None and not isinstance(value, str):
            raise InitializationError(
                "InvalidInitArgument", f"init: {label} must be a string, got {value!r}"
            )
    cfg = InitConfig(project, domain, org)
    _CONFIG[:] = [cfg]
    return cfg


def init(
    endpoint: str | None = None,
    org: str | None = None,
    project: str | None = None,
    domain: str | None = None,
    **options: Any,
) -> None:
    """Record ``project``/``domain``/``org`` (see the module docstring)."""
    _set(project, domain, org)


def init_from_api_key(
    api_key: str | None = None,
    project: str | None = None,
    domain: str | None = None,
    **options: Any,
) -> None:
    _set(project, domain, None)


def init_in_cluster(
    org: str | None = None,
    project: str | None = None,
    domain: str | None = None,
    **options: Any,
) -> dict[str, Any]:
    return dataclasses.asdict(_set(project, domain, org))


def init_passthrough(
    endpoint: str | None = None,
    org: str | None = None,
    project: str | None = None,
    domain: str | None = None,
    **options: Any,
) -> dict[str, Any]:
    return dataclasses.asdict(_set(project, domain, org))


def init_from_config(
    path_or_config: str | os.PathLike[str] | None = None,
    root_dir: str | os.PathLike[str] | None = None,
    **options: Any,
) -> None:
    """Record ``task.project``/``task.domain``/``task.org`` of a flyte config file."""
    if path_or_config is None:
        return
    path = os.fspath(path_or_config)
    if root_dir is not None and not os.path.isabs(path):
        path = os.path.join(os.fspath(root_dir), path)
    if not os.path.isfile(path):
        raise InitializationError(
            "ConfigFileNotFoundError",
            f"init_from_config: no config file at {path!r}; give the path of a flyte config "
            "YAML file (or call init(project=..., domain=...))",
        )
    import yaml

    with open(path) as f:
        data = yaml.safe_load(f) or {}
    task = data.get("task") if isinstance(data, dict) else None
    task = task if isinstance(task, dict) else {}
    _set(task.get("project"), task.get("domain"), task.get("org"))


for _init in (init, init_from_api_key, init_in_cluster, init_passthrough, init_from_config):
    with_aio(_init, thread=False)  # (they only record settings: nothing to wait for)


def is_control_plane_available() -> bool:
    """``False``: flytelike runs without a control plane."""
    return False


def is_initialized() -> bool:
    """Whether ``init`` (or one of its variants) was called in this process."""
    return bool(_CONFIG)


def initialized() -> tuple[str | None, str | None]:
    """``(project, domain)`` as ``init`` recorded them (``None`` where it did not)."""
    return (_CONFIG[0].project, _CONFIG[0].domain) if _CONFIG else (None, None)


def _configured(position: int) -> str | None:
    """The running task's run's project (0) or domain (1), else ``init``'s, else the engine
    configuration's when ``FLYTELIKE_PROJECT``/``FLYTELIKE_DOMAIN`` (or ``[tool.flytelike]``) set
    it, else ``None``."""
    from flytelike.backends import running_action

    ec = running_action()
    if ec is not None:
        found = (ec.action.project, ec.action.domain)[position]
        if found:
            return str(found)
    value = initialized()[position]
    if value is not None:
        return value
    # (is the variable set, or defaulted? The pyproject reader is not on the engine's face)
    from flytelike.engine._pyproject import settings

    var = ("FLYTELIKE_PROJECT", "FLYTELIKE_DOMAIN")[position]
    return os.environ.get(var) or settings()[0].get(var) or None


def current_project() -> str:
    """The running task's run's project, else the one ``init`` recorded or the configuration
    sets (``InitializationError`` when none is)."""
    project = _configured(0)
    if project is None:
        raise InitializationError(
            "ProjectNotInitializedError",
            "Project has not been initialized. Call flyte.init() with a valid project before "
            "using this function or Call flyte.init_from_config() with a valid path to the "
            "config file",
        )
    return project


def current_domain() -> str:
    """The running task's run's domain, else the one ``init`` recorded or the configuration
    sets (``InitializationError`` when none is)."""
    domain = _configured(1)
    if domain is None:
        raise InitializationError(
            "DomainNotInitializedError",
            "Domain has not been initialized. Call flyte.init() with a valid domain before "
            "using this function or Call flyte.init_from_config() with a valid path to the "
            "config file",
        )
    return domain
