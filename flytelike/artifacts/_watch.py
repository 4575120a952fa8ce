"""What the local scheduler polls for ``OnArtifact`` triggers: ``CatalogWatch`` (the
``catalog`` of ``flytelike.scheduler.Scheduler``; ``flytelike schedule serve`` makes one).

``new_versions(on, after)`` reads the versions of ``on.name`` whose sequence number is above
``after`` and keeps those matching the trigger (its ``version`` pin, its string
``partitions``); ``bind(version, entry)`` gives the trigger's artifact inputs their values: the
version itself for ``TriggeredArtifact`` (a run binds it as its stored value), a partition value
for ``TriggeredPartition("key")``. The namespace is the configured project and domain (the
tasks' own, as in flyte).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flytelike.errors import ConfigurationError
from flytelike.remote import Artifact

# (remote's artifact catalog: used directly)
from flytelike.remote import _artifact_store as _store


class CatalogWatch:
    """Polls the local artifact catalog for new versions (see the module docstring)."""

    def __init__(self, project: str | None = None, domain: str | None = None) -> None:
        self.project = project
        self.domain = domain

    def _ns(self) -> tuple[str, str]:
        from flytelike.remote._task import _namespace  # (FlyteRemote's one rule)

        return _namespace(self.project, self.domain)

    def new_versions(self, on: Any, after: int) -> tuple[int, list[tuple[int, datetime, Any]]]:
        """``(last sequence number read, [(sequence, creation time, Artifact)])`` of the
        versions after ``after`` that ``on`` (an ``OnArtifact``) fires for, oldest first."""
        rows = _store.versions_after(self._ns(), on.name, after)
        found = []
        for row in rows:
            if on.version is not None and row.version != on.version:
                continue
            if any(row.strings.get(k) != v for k, v in (on.partitions or {}).items()):
                continue
            found.append((row.seq, datetime.fromtimestamp(row.created_at, UTC), Artifact(row)))
        return (rows[-1].seq if rows else after), found

    def bind(self, version: Any, entry: Any) -> dict[str, Any]:
        """The values of ``entry``'s artifact inputs for ``version``."""
        from flytelike._settings.triggers import TriggeredArtifact

        types = getattr(getattr(entry.entity, "python_interface", None), "inputs", None) or {}
        out: dict[str, Any] = {}
        for name, sentinel in entry.artifact_inputs.items():
            if sentinel is TriggeredArtifact:
                out[name] = version
                continue
            partitions = version.partitions
            if sentinel.key not in partitions:
                raise ConfigurationError(
                    f"trigger {entry.name}: input {name!r} is TriggeredPartition("
                    f"{sentinel.key!r}), but {version.tracker} has no partition {sentinel.key!r} "
                    f"(its partitions: {', '.join(partitions) or 'none'})"
                )
            value = partitions[sentinel.key]
            if types.get(name) is datetime and type(value) is date:
                value = datetime(value.year, value.month, value.day, tzinfo=UTC)
            out[name] = value
        return out
