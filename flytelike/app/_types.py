"""flyte 2's app settings: ``Port``, ``Link``, ``Scaling``, ``Domain``, ``Subdomain`` and
``Timeouts``.

Locally ``Port`` is honoured (``flytelike.serve`` binds the app to it on the loopback
interface), and so is ``Timeouts(request=)`` for an ASGI app (a request still running after it
is answered ``504 Gateway Timeout``; ``flytelike.app._serve``). ``Link``, ``Scaling`` and
``Domain`` describe an app on a cluster (links shown in its console, replicas and autoscaling,
its public domain): they are validated and kept on the environment, and a local app (one
process, one address) has no use for them. A ``Subdomain`` is resolved as in flyte
(``resolve(app_env, serialization_context)``); ``flytelike.serve`` resolves it with the serving
namespace and reports it as ``AppHandle.subdomain``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flytelike.errors import DefinitionError

RESERVED_PORTS = (8012, 8022, 8112, 9090, 9091)  # flyte keeps these for its sidecars


@dataclass(frozen=True)
class Port:
    """The port an app listens on (1 to 65535, not one flyte reserves); ``name`` (``h2c``,
    ``http1``) is the protocol a cluster's router speaks to it."""

    port: int
    name: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.port, bool) or not isinstance(self.port, int):
            raise DefinitionError(f"Port(port={self.port!r}): expected a whole number")
        if not 1 <= self.port <= 65535 or self.port in RESERVED_PORTS:
            raise DefinitionError(
                f"port {self.port} is not allowed: use 1 to 65535 except "
                f"{', '.join(map(str, RESERVED_PORTS))} (flyte reserves those)"
            )


@dataclass(frozen=True)
class Link:
    """A link shown with the app (``path``, relative to the app's URL when ``is_relative``)."""

    path: str
    title: str
    is_relative: bool = False


@dataclass(frozen=True)
class Concurrency:
    """Scale on concurrent requests per replica (>= 1)."""

    val: int

    def __post_init__(self) -> None:
        if self.val < 1:
            raise DefinitionError("Scaling.Concurrency must be greater than or equal to 1")


@dataclass(frozen=True)
class RequestRate:
    """Scale on requests per second per replica (>= 1)."""

    val: int

    def __post_init__(self) -> None:
        if self.val < 1:
            raise DefinitionError("Scaling.RequestRate must be greater than or equal to 1")


@dataclass
class Scaling:
    """Replicas (``n`` or ``(min, max)``), the autoscaling ``metric`` and ``scaledown_after``
    (seconds or a ``timedelta``)."""

    replicas: int | tuple[int, int] = (0, 1)
    metric: Concurrency | RequestRate | None = None
    scaledown_after: int | timedelta | None = None

    Concurrency = Concurrency
    RequestRate = RequestRate

    def __post_init__(self) -> None:
        reps = self.replicas
        if isinstance(reps, int) and not isinstance(reps, bool):
            if reps < 0:
                raise DefinitionError("Scaling: replicas must be greater than or equal to 0")
            self.replicas = (reps, reps)
        elif isinstance(reps, tuple) and len(reps) == 2:
            low, high = reps
            if low < 0 or high < 1 or high < low:
                raise DefinitionError(
                    f"Scaling(replicas={reps!r}): expected (min, max) with 0 <= min <= max, max >= 1"
                )
        else:
            raise DefinitionError(
                f"Scaling(replicas={reps!r}): expected a whole number or (min, max)"
            )
        if self.metric is not None and not isinstance(self.metric, Concurrency | RequestRate):
            raise DefinitionError("Scaling: metric must be Scaling.Concurrency or .RequestRate")
        if isinstance(self.scaledown_after, int) and not isinstance(self.scaledown_after, bool):
            self.scaledown_after = timedelta(seconds=self.scaledown_after)
        elif self.scaledown_after is not None and not isinstance(self.scaledown_after, timedelta):
            raise DefinitionError("Scaling: scaledown_after must be seconds or a timedelta")

    def get_replicas(self) -> tuple[int, int]:
        reps = self.replicas
        return (reps, reps) if isinstance(reps, int) else reps


MAX_REQUEST_TIMEOUT = timedelta(hours=1)


@dataclass
class Timeouts:
    """``request``: how long one request to the app may take (seconds or a ``timedelta``, at
    most an hour); ``None``, no limit."""

    request: int | timedelta | None = None

    def __post_init__(self) -> None:
        if self.request is None:
            return
        if isinstance(self.request, int) and not isinstance(self.request, bool):
            self.request = timedelta(seconds=self.request)
        elif not isinstance(self.request, timedelta):
            raise DefinitionError(
                f"Timeouts(request={self.request!r}): expected seconds or a timedelta"
            )
        if self.request < timedelta(0) or self.request > MAX_REQUEST_TIMEOUT:
            raise DefinitionError(
                f"Timeouts(request={self.request}): must be between 0 and 1 hour (3600 seconds)"
            )


_SUFFIXES = ("hash", "default")


@dataclass(frozen=True)
class Subdomain:
    """A subdomain known once the project and domain are: ``from_app_name(name,
    project_domain_suffix="hash")`` is ``<name>-<8 hex digits of sha256("<project>-<domain>")>``
    (``"default"``: ``<name>-<project>-<domain>``); ``from_function(fn)`` is
    ``fn(app_env, serialization_context)``."""

    app_name: str | None = None
    project_domain_suffix: str = "hash"
    function: Callable[[Any, Any], str] | None = None

    def __post_init__(self) -> None:
        if (self.app_name is None) == (self.function is None):
            raise DefinitionError("Subdomain: give exactly one of app_name= or function=")
        if self.project_domain_suffix not in _SUFFIXES:
            raise DefinitionError(
                f"Subdomain(project_domain_suffix={self.project_domain_suffix!r}): expected "
                "'hash' or 'default'"
            )

    @classmethod
    def from_app_name(cls, app_name: str, project_domain_suffix: str = "hash") -> Subdomain:
        return cls(app_name=app_name, project_domain_suffix=project_domain_suffix)

    @classmethod
    def from_function(cls, function: Callable[[Any, Any], str]) -> Subdomain:
        return cls(function=function)

    def resolve(self, app_env: Any, serialization_context: Any) -> str:
        """The subdomain of ``app_env`` in ``serialization_context``'s project and domain."""
        if self.function is not None:
            got = self.function(app_env, serialization_context)
            if not isinstance(got, str) or not got:
                raise DefinitionError(
                    f"Subdomain function of app {app_env.name!r} must return a non-empty str, "
                    f"got {got!r}"
                )
            return got
        project = serialization_context.project
        domain = serialization_context.domain
        if not project or not domain:
            raise DefinitionError(
                f"Subdomain {self.app_name!r}: a project and a domain are needed to resolve it, "
                f"got project={project!r}, domain={domain!r}"
            )
        if self.project_domain_suffix == "hash":
            digest = hashlib.sha256(f"{project}-{domain}".encode()).hexdigest()[:8]
            return f"{self.app_name}-{digest}"
        return f"{self.app_name}-{project}-{domain}"


@dataclass
class Domain:
    """The app's public address on a cluster: a ``subdomain`` (a string or a ``Subdomain``) or
    a ``custom_domain``."""

    subdomain: str | Subdomain | None = None
    custom_domain: str | None = None
