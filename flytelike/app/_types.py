"""flyte 2's app settings: ``Port``, ``Link``, ``Scaling`` and ``Domain``.

Locally ``Port`` is honoured (``flytelike.serve`` binds the app to it on the loopback
interface); ``Link``, ``Scaling`` and ``Domain`` describe an app on a cluster (links shown in
its console, replicas and autoscaling, its public domain): they are validated and kept on the
environment, and a local app (one process, one address) has no use for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

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


@dataclass
class Domain:
    """The app's public address on a cluster: a ``subdomain`` or a ``custom_domain``."""

    subdomain: str | None = None
    custom_domain: str | None = None
