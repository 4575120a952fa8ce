"""flyte 2's artifact triggers: ``OnArtifact`` (a ``Trigger`` automation firing when a new
version of a named artifact is created) and the input sentinels ``TriggeredArtifact`` and
``TriggeredPartition("key")`` (bind the triggering artifact, or one of its partitions, to a task
input, as ``TriggerTime`` binds the firing time).

They are validated and carried into the task template with their ``Trigger``
(``v2.triggers``); the local scheduler fires them on new versions of the local artifact catalog
(``flytelike.scheduler``, given the catalog: ``flytelike schedule serve``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from flytelike.errors import DefinitionError


@dataclasses.dataclass(frozen=True, init=False)
class OnArtifact:
    """``OnArtifact(name, version=None, partitions=None, **partitions)``."""

    name: str
    version: str | None = None
    partitions: dict[str, str] | None = None

    def __init__(
        self,
        name: str,
        version: str | None = None,
        partitions: Mapping[str, str] | None = None,
        **partition_kwargs: str,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise DefinitionError(f"OnArtifact: name must be an artifact name, got {name!r}")
        if version is not None and not isinstance(version, str):
            raise DefinitionError(
                f"OnArtifact({name!r}): version must be a string, got {version!r}"
            )
        merged = {**(partitions or {}), **partition_kwargs}
        for k, v in merged.items():
            if not isinstance(v, str):
                raise DefinitionError(
                    f"OnArtifact({name!r}): partition {k!r} must be a string, got "
                    f"{type(v).__name__} (partition triggers match string partitions only)"
                )
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "version", version)
        object.__setattr__(self, "partitions", merged or None)

    def __str__(self) -> str:
        version = f"@{self.version}" if self.version else ""
        parts = ""
        if self.partitions:
            parts = " [" + ", ".join(f"{k}={v}" for k, v in self.partitions.items()) + "]"
        return f"Artifact Trigger: on new version of {self.name}{version}{parts}"


class _TriggeredArtifact:
    """The artifact whose new version fired the trigger, as a trigger input."""

    __slots__ = ()  # the IR carries it as its repr

    def __repr__(self) -> str:
        return "TriggeredArtifact"


TriggeredArtifact = _TriggeredArtifact()


@dataclasses.dataclass(frozen=True)
class TriggeredPartition:
    """One partition value of the triggering artifact version, as a trigger input."""

    key: str

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not self.key:
            raise DefinitionError(
                f"TriggeredPartition: key must be a partition name such as 'date', got {self.key!r}"
            )
