"""A run's namespace: the project and domain it belongs to (Flyte's project-domain pair).

Every run is recorded with a project and a domain. They come, first found first, from the run
itself (``with_runcontext(project=, domain=)``, ``flytelike run --project/--domain``,
``Engine.run_literals(project=, domain=)``), then ``flytelike.init(project=, domain=)`` (applied
by ``flytelike.run``), then ``FLYTELIKE_PROJECT``/``FLYTELIKE_DOMAIN`` or ``project``/``domain`` in
``[tool.flytelike]`` (``EngineConfig``), then the defaults ``flytesnacks``/``development``
(pyflyte's). A resumed run keeps its recorded namespace.

The namespace is part of every cache key (``namespace_key``), so a cache hit never crosses
projects or domains, and the runs table has ``project``/``domain`` columns (``_schema``, derived
from the run's recorded options) that ``runs list --project/--domain`` filters on. Runs recorded
before namespaces existed read as the defaults.
"""

from __future__ import annotations

import re

DEFAULT_PROJECT = "flytesnacks"
DEFAULT_DOMAIN = "development"

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")


def check_name(value: object, what: str, where: str) -> str:
    """``value`` as a project or domain name (``what``), or a ``ConfigurationError`` naming
    ``where`` it came from: 1 to 63 letters, digits, ``_``, ``.`` or ``-``, starting with a
    letter or digit."""
    if isinstance(value, str) and _NAME.fullmatch(value):
        return value
    from flytelike.errors import ConfigurationError

    raise ConfigurationError(
        f"{where}: {what} {value!r} is not a valid {what} name: expected 1 to 63 letters, "
        f"digits, '_', '.' or '-', starting with a letter or digit (e.g. 'ml-team')"
    )


def resolve(
    project: str | None, domain: str | None, default: tuple[str, str], where: str
) -> tuple[str, str]:
    """The run's ``(project, domain)``: those given, else ``default`` (the engine's)."""
    return (
        check_name(project, "project", where) if project is not None else default[0],
        check_name(domain, "domain", where) if domain is not None else default[1],
    )


def namespace_key(project: str, domain: str) -> bytes:
    """What cache keys of runs in ``project``/``domain`` start with."""
    return f"{project}\0{domain}\0".encode()
