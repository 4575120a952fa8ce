"""flyte 2's ``flyte.remote.Artifact``, ``ArtifactGroup`` and ``PartitionSchema``: a local
artifact catalog (``_artifact_store``: ``<FLYTELIKE_HOME>/artifacts.db``, next to the run store).

- ``Artifact.create(value, *, name, version=None, description=None, attrs=None, kind=None,
  card=None, python_type=None, project=None, domain=None, external_ref=None, partitions=None,
  parents=None)`` stores a new version. The value becomes a literal through the type system (a
  ``File``/``Dir``/``DataFrame`` by reference: local data is first copied into the engine's raw
  data prefix); ``python_type`` defaults to ``type(value)``. flyte publishes only
  File/Dir/DataFrame; locally any value the type system converts without pickling is taken (a
  pickled value is refused: the catalog outlives the code that could unpickle it). ``version``
  defaults to a random hex; an existing version is refused, never replaced. ``kind`` is kept in
  attrs under ``flyte.io/kind``; ``card`` (an object with ``uri``, ``format``, ``card_type``, as
  ``flyte.artifacts.Card``) and ``parents`` (version strings, or objects with ``key.name`` and
  ``version``) are stored as given. Called inside a task action the source is that run and
  action (``source``, ``source_run``, ``source_action``), unless ``external_ref`` is given.
- ``Artifact.get(name, version="latest", *, partitions=None, **partition_kwargs)``: a version,
  the latest one, or the latest one of a partition. ``listall(name=None, created_after=None,
  limit=-1, *, source_run, source_action, source_external_ref, kind, attrs,
  latest_per_partition, partitions, **partition_kwargs)`` lists versions newest first
  (selections as ``_artifact_partitions`` says). ``list_names(search=None, limit=-1)``:
  ``ArtifactGroup``s, newest activity first. ``partition_values(name, key, ...)``, ``declare(name,
  partitions)``, ``get_schema(name)``; ``artifact.delete()`` removes that version.
- An ``Artifact``: ``name``, ``version``, ``project``, ``domain``, ``tracker``, ``partitions``,
  ``time_partition``, ``kind``, ``description``, ``attrs``, ``card``, ``parents``,
  ``created_at``, ``created_by`` (the login name), ``source``, ``source_run``,
  ``source_action``, ``url`` (the catalog file with the version as fragment; the value's own
  URI is ``value_uri``), ``source_run_url``/``source_action_url`` (the run's folder),
  ``artifact_version_id`` (what ``parents=`` takes), ``to_dict()``/``to_json()`` (the record,
  not the value), ``await artifact.to_python(python_type=None)`` (the type guessed from the
  stored literal type when not given) and ``await artifact.coerce_to_literal(python_type=None)``
  (the stored ``typesystem`` literal, or the value converted to ``python_type`` and back).

Every call has ``.aio``; the listings are also async-iterable (``async for a in
Artifact.listall.aio(...)``). The namespace is ``project``/``domain``, else ``init``'s, else the
configuration's.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from flytelike.remote import _artifact_store as _store
from flytelike.remote import _artifact_values as _values
from flytelike.remote._artifact_partitions import (
    ArtifactError,
    PartitionSchema,
    TimePartitionValue,
    as_python,
    matches,
    python_partitions,
    schema_from_spec,
    schema_of,
    selection,
    show,
    split,
)
from flytelike.remote._errors import EntityNotFoundError
from flytelike.remote._sync import class_listing, class_sync_and_aio, sync_and_aio

KIND_KEY = "flyte.io/kind"
_KINDS = ("model", "data", "generic")


def _ns(project: str | None, domain: str | None) -> tuple[str, str]:
    from flytelike.remote._task import _namespace

    return _namespace(project, domain)


@dataclass(frozen=True)
class ArtifactKey:
    """An artifact name in its namespace (flyte's also names an organization; none locally)."""

    project: str
    domain: str
    name: str
    org: str = ""


@dataclass(frozen=True)
class ArtifactVersionId:
    """One version of an artifact: its ``key`` and ``version``."""

    key: ArtifactKey
    version: str


@dataclass(frozen=True)
class Artifact:
    """A version of the local artifact catalog (see the module docstring)."""

    _row: _store.VersionRow

    name = property(lambda self: self._row.name)
    version = property(lambda self: self._row.version)
    project = property(lambda self: self._row.project)
    domain = property(lambda self: self._row.domain)
    description = property(lambda self: self._row.description)
    created_by = property(lambda self: self._row.created_by)
    source_run = property(lambda self: self._row.source_run)
    source_action = property(lambda self: self._row.source_action)

    @property
    def tracker(self) -> str:
        """``project/domain/name@version`` (flyte's starts with the organization; there is
        none locally)."""
        return f"{self.project}/{self.domain}/{self.name}@{self.version}"

    @property
    def attrs(self) -> dict[str, str]:
        return dict(self._row.attrs)

    @property
    def card(self) -> dict[str, str] | None:
        """The card as stored: ``{"uri", "format", "type"}``, or None."""
        return dict(self._row.card) if self._row.card is not None else None

    @property
    def parents(self) -> tuple[str, ...]:
        return self._row.parents

    @property
    def created_at(self) -> datetime:
        return datetime.fromtimestamp(self._row.created_at, UTC)

    @property
    def partitions(self) -> dict[str, Any]:
        """Partition values by key: the time one first (a ``date``, or a UTC ``datetime`` when
        hourly), then the strings."""
        return python_partitions(self._row.strings, self._row.timed)

    @property
    def time_partition(self) -> TimePartitionValue | None:
        timed = self._row.timed
        if timed is None:
            return None
        return TimePartitionValue(timed[0], as_python(timed[1], timed[2]), timed[2])

    @property
    def kind(self) -> str:
        """``"model"``, ``"data"`` or ``"generic"``: the ``flyte.io/kind`` attr, else the card's
        type, else ``"generic"``."""
        for found in (self._row.attrs.get(KIND_KEY), (self._row.card or {}).get("type")):
            if found in _KINDS:
                return str(found)
        return "generic"

    @property
    def source(self) -> str:
        row = self._row
        if row.source_run:
            return f"run {row.source_run}/{row.source_action} (attempt {row.source_attempt})"
        return row.external_ref or ""

    @property
    def url(self) -> str:
        """Where this version is recorded: the catalog file, the version as fragment."""
        return f"{_store.path().as_uri()}#{self.tracker}"

    @property
    def value_uri(self) -> str | None:
        """The URI a File/Dir/DataFrame value refers to (None for an inline value)."""
        import typesystem

        literal = typesystem.unbox(typesystem.from_msgpack(self._row.value))
        uri = getattr(literal, "uri", None)
        return str(uri) if isinstance(uri, str) else None

    @property
    def source_run_url(self) -> str | None:
        """The folder of the run that produced this version, or None."""
        if not self._row.source_run:
            return None
        return "file://" + str(_values.engine().config.run_dir(self._row.source_run))

    @property
    def source_action_url(self) -> str | None:
        """The producing action, as its run's folder with the action as fragment, or None."""
        run = self.source_run_url
        return f"{run}#{self._row.source_action}" if run else None

    def __repr__(self) -> str:
        parts = ", ".join(f"{k}={show(v)}" for k, v in self.partitions.items())
        return (
            f"Artifact({self.tracker}, kind={self.kind}"
            + (f", partitions=({parts})" if parts else "")
            + (f", source={self.source!r}" if self.source else "")
            + ")"
        )

    async def to_python(self, python_type: Any = None) -> Any:
        """The stored value as a Python value (of ``python_type``, else guessed from the stored
        literal type)."""
        import asyncio

        return await asyncio.to_thread(self._value, python_type)

    def _value(self, python_type: Any) -> Any:
        return _values.to_python(self._row.value, self._row.type, python_type)

    def _as_input(self, python_type: Any) -> Any:
        """The value a run binds when given this version as an input (``flytelike.run``)."""
        return self._value(python_type)

    async def coerce_to_literal(self, python_type: Any = None) -> Any:
        """The stored literal (a ``typesystem`` literal), or, with ``python_type``, the stored
        value read as that type and converted back (a value that does not fit fails now)."""
        import asyncio

        return await asyncio.to_thread(_values.coerce, self._row.value, self._row.type, python_type)

    @property
    def artifact_version_id(self) -> ArtifactVersionId:
        """This version's identity (``key.project``/``domain``/``name``, ``version``), as
        ``Artifact.create(parents=[...])`` takes it."""
        return ArtifactVersionId(ArtifactKey(self.project, self.domain, self.name), self.version)

    def to_dict(self) -> dict[str, Any]:
        """The version's record as JSON-ready data (not its value)."""
        return {
            "name": self.name,
            "version": self.version,
            "project": self.project,
            "domain": self.domain,
            "kind": self.kind,
            "description": self.description,
            "attrs": self.attrs,
            "card": self.card,
            "parents": list(self.parents),
            "partitions": {k: show(v) for k, v in self.partitions.items()},
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
            "source": self.source,
            "url": self.url,
        }

    def to_json(self) -> str:
        import json

        return json.dumps(self.to_dict())

    @class_sync_and_aio
    def create(
        cls: type[Artifact],
        value: Any,
        *,
        name: str | None = None,
        version: str | None = None,
        description: str | None = None,
        attrs: Mapping[str, str] | None = None,
        kind: str | None = None,
        card: Any = None,
        python_type: Any = None,
        project: str | None = None,
        domain: str | None = None,
        external_ref: str | None = None,
        partitions: Mapping[str, Any] | None = None,
        parents: Sequence[Any] | None = None,
    ) -> Artifact:
        """Store a new version of ``name`` (see the module docstring)."""
        from flytelike.backends import running_action
        from flytelike.remote._platform import User

        if not isinstance(name, str) or not name:
            raise ArtifactError("Artifact.create: an artifact name is required: pass name=")
        if version is not None and (not isinstance(version, str) or not version):
            raise ArtifactError(f"Artifact.create({name!r}): version must be a non-empty str")
        if kind is not None and kind not in _KINDS:
            raise ArtifactError(
                f"Artifact.create({name!r}): kind must be one of {list(_KINDS)}, got {kind!r}"
            )
        all_attrs = {str(k): str(v) for k, v in (attrs or {}).items()}
        if kind is not None:
            all_attrs.setdefault(KIND_KEY, kind)
        strings, timed = split(partitions)
        ns = _ns(project, domain)
        # Refused before the value is converted (and its data copied); checked again on insert.
        _store.precheck(ns, name, version, schema_of(strings, timed))
        value_bytes, type_bytes = _values.to_literal(name, value, python_type or type(value))
        ctx = running_action()
        action = ctx.action if ctx is not None and external_ref is None else None
        row = _store.VersionRow(
            seq=0,
            project=ns[0],
            domain=ns[1],
            name=name,
            version=version or uuid.uuid4().hex,
            created_at=_store.now(),
            created_by=User.get().subject(),
            value=value_bytes,
            type=type_bytes,
            description=description or "",
            attrs=all_attrs,
            card=(
                {
                    "uri": str(getattr(card, "uri", "")),
                    "format": str(getattr(card, "format", "")),
                    "type": str(getattr(card, "card_type", "")),
                }
                if card is not None
                else None
            ),
            parents=tuple(_values.parent(p) for p in (parents or ())),
            strings=strings,
            timed=timed,
            source_run=action.run_name if action is not None else None,
            source_action=action.action_id if action is not None else None,
            source_attempt=action.attempt if action is not None else None,
            external_ref=external_ref,
        )
        return cls(_store.insert(row, schema_of(strings, timed)))

    @class_sync_and_aio
    def get(
        cls: type[Artifact],
        name: str,
        version: str = "latest",
        *,
        project: str | None = None,
        domain: str | None = None,
        partitions: Mapping[str, Any] | None = None,
        **partition_kwargs: Any,
    ) -> Artifact:
        """A version of ``name``; the latest (of one partition, when partitions are given)."""
        ns = _ns(project, domain)
        chosen = {**(partitions or {}), **partition_kwargs}
        if chosen:
            if version != "latest":
                raise ArtifactError(
                    f"Artifact.get({name!r}): give either a version or partition values, not "
                    "both (a version names one artifact version already)"
                )
            where = f"Artifact.get({name!r})"
            conditions = selection(where, chosen, _store.schema(ns, name), single=True)
            for row in _store.versions(ns, name):
                if matches(conditions, row.strings, row.timed):
                    return cls(row)
            shown = ", ".join(f"{k}={show(v)}" for k, v in chosen.items())
            raise EntityNotFoundError(
                f"artifact {name!r} has no version for partition {shown} in {ns[0]}/{ns[1]}"
            )
        found = _store.version(ns, name, None if version == "latest" else version)
        if found is None:
            what = "no version" if version == "latest" else f"no version {version!r}"
            raise EntityNotFoundError(
                f"artifact {name!r} has {what} in {ns[0]}/{ns[1]}; list them with "
                "Artifact.listall(name)"
            )
        return cls(found)

    @class_listing
    def listall(
        cls: type[Artifact],
        name: str | None = None,
        created_after: datetime | None = None,
        limit: int = -1,
        *,
        project: str | None = None,
        domain: str | None = None,
        source_run: str | None = None,
        source_action: str | None = None,
        source_external_ref: str | None = None,
        kind: str | None = None,
        attrs: Mapping[str, str | Sequence[str]] | None = None,
        latest_per_partition: bool = False,
        partitions: Mapping[str, Any] | None = None,
        **partition_kwargs: Any,
    ) -> Iterator[Artifact]:
        """Versions, newest first, filtered (see the module docstring)."""
        ns = _ns(project, domain)
        if latest_per_partition and name is None:
            raise ArtifactError("Artifact.listall: latest_per_partition needs an artifact name")
        chosen = {**(partitions or {}), **partition_kwargs}
        schema = _store.schema(ns, name) if name is not None else None
        conditions = selection("Artifact.listall", chosen, schema)
        wanted: dict[str, set[str]] = {}
        if kind is not None:
            wanted[KIND_KEY] = {kind}
        for key, v in (attrs or {}).items():
            wanted.setdefault(key, set()).update([v] if isinstance(v, str) else v)
        after = None
        if created_after is not None:
            after = (
                created_after if created_after.tzinfo else created_after.replace(tzinfo=UTC)
            ).timestamp()
        seen: set[tuple[Any, ...]] = set()
        out: list[Artifact] = []
        for row in _store.versions(ns, name):
            if (
                (after is not None and row.created_at <= after)
                or (source_run is not None and row.source_run != source_run)
                or (source_action is not None and row.source_action != source_action)
                or (source_external_ref is not None and row.external_ref != source_external_ref)
                or any(row.attrs.get(k) not in vs for k, vs in wanted.items() if vs)
                or not matches(conditions, row.strings, row.timed)
            ):
                continue
            if latest_per_partition:
                part = (tuple(sorted(row.strings.items())), row.timed)
                if part in seen:
                    continue
                seen.add(part)
            out.append(cls(row))
            if 0 <= limit <= len(out):
                break
        return iter(out)

    @class_listing
    def list_names(
        cls: type[Artifact],
        search: str | None = None,
        limit: int = -1,
        *,
        project: str | None = None,
        domain: str | None = None,
    ) -> Iterator[ArtifactGroup]:
        """One ``ArtifactGroup`` per name (containing ``search``), newest activity first."""
        ns = _ns(project, domain)
        schemas = _store.schemas(ns)
        groups: dict[str, list[_store.VersionRow]] = {}
        for row in _store.versions(ns):
            if search and search not in row.name:
                continue
            groups.setdefault(row.name, []).append(row)
        out = [ArtifactGroup(cls(rows[0]), rows, schemas.get(n)) for n, rows in groups.items()]
        return iter(out if limit < 0 else out[:limit])

    @class_sync_and_aio
    def partition_values(
        cls: type[Artifact],
        name: str,
        key: str,
        *,
        project: str | None = None,
        domain: str | None = None,
        limit: int = 1000,
        partitions: Mapping[str, Any] | None = None,
        **fixed: Any,
    ) -> list[Any]:
        """The distinct values of partition ``key`` among ``name``'s versions (those matching
        the other keys given), ascending, at most ``limit`` (negative: all); time values as
        ``date``/``datetime``."""
        ns = _ns(project, domain)
        schema = cls.get_schema(name, project=project, domain=domain)
        if key not in schema.all_keys:
            raise ArtifactError(
                f"Artifact.partition_values({name!r}): {key!r} is not one of its partition keys "
                f"({schema.describe()})"
            )
        where = f"Artifact.partition_values({name!r})"
        conditions = selection(where, {**(partitions or {}), **fixed}, schema)
        values: set[Any] = set()
        for row in _store.versions(ns, name):
            if not matches(conditions, row.strings, row.timed):
                continue
            if key == schema.time_key and row.timed is not None:
                values.add(as_python(row.timed[1], row.timed[2]))
            elif key in row.strings:
                values.add(row.strings[key])
        ordered = sorted(values)
        return ordered if limit < 0 else ordered[:limit]

    @class_sync_and_aio
    def declare(
        cls: type[Artifact],
        name: str,
        partitions: Mapping[str, Any],
        *,
        project: str | None = None,
        domain: str | None = None,
    ) -> PartitionSchema:
        """Fix ``name``'s partition keys ahead of any version (an equal schema already fixed is
        accepted; another one is refused)."""
        if not isinstance(name, str) or not name:
            raise ArtifactError("Artifact.declare: an artifact name is required")
        return _store.declare(_ns(project, domain), name, schema_from_spec(name, partitions))

    @class_sync_and_aio
    def get_schema(
        cls: type[Artifact],
        name: str,
        *,
        project: str | None = None,
        domain: str | None = None,
    ) -> PartitionSchema:
        """The keys fixed for ``name`` (empty for an unpartitioned artifact)."""
        ns = _ns(project, domain)
        found = _store.schema(ns, name)
        if found is None:
            raise EntityNotFoundError(
                f"artifact {name!r} is neither declared nor has a version in {ns[0]}/{ns[1]}"
            )
        return found

    @sync_and_aio
    def delete(self) -> None:
        """Remove this version from the catalog (the data a File/Dir/DataFrame refers to stays
        in the raw data prefix)."""
        if not _store.delete((self.project, self.domain), self.name, self.version):
            raise EntityNotFoundError(f"artifact version {self.tracker} is already gone")


@dataclass(frozen=True)
class ArtifactGroup:
    """One artifact name: ``name``, ``latest`` (its newest version), ``versions`` (how many),
    ``partition_schema`` (None when unpartitioned) and ``latest_time_partition``."""

    latest: Artifact
    _rows: list[_store.VersionRow] = field(repr=False)
    _schema: PartitionSchema | None = field(repr=False)

    @property
    def name(self) -> str:
        return str(self.latest.name)

    @property
    def versions(self) -> int:
        return len(self._rows)

    @property
    def partition_schema(self) -> PartitionSchema | None:
        return self._schema if self._schema is not None and self._schema.all_keys else None

    def to_dict(self) -> dict[str, Any]:
        schema = self.partition_schema
        return {
            "name": self.name,
            "versions": self.versions,
            "partitions": list(schema.all_keys) if schema else [],
            "latest": self.latest.to_dict(),
        }

    def to_json(self) -> str:
        import json

        return json.dumps(self.to_dict())

    @property
    def latest_time_partition(self) -> date | datetime | None:
        """The newest time partition among the versions, or None."""
        times = [r.timed for r in self._rows if r.timed is not None]
        if not times:
            return None
        newest = max(times, key=lambda t: t[1])
        return as_python(newest[1], newest[2])


__all__ = ["Artifact", "ArtifactGroup", "PartitionSchema"]
