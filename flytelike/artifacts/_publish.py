"""Publishing a task's artifact outputs: the catalog rows made when the attempt's outputs
become literals (checked against the catalog then: a version it would refuse fails the
attempt), inserted in one transaction when the engine knows the attempt succeeded
(``flytelike.backends._produced``). Each version's source is the run, action and attempt
that produced it; its namespace is the run's project and domain."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from flytelike.artifacts._json import from_json, to_json
from flytelike.artifacts._metadata import Metadata
from flytelike.backends import ActionContext, set_artifact_builder
from flytelike.remote import PartitionSchema

# (remote's artifact catalog: flytelike.artifacts reads and writes its rows, values, partitions)
from flytelike.remote import _artifact_store as _store
from flytelike.remote import _artifact_values as _values  # (as above)
from flytelike.remote._artifact_partitions import schema_of, split  # (as above)
from typesystem import LiteralType


@dataclass(frozen=True)
class Produced:
    """The versions an attempt's outputs publish, ``(row, schema, content-addressed)`` each, and
    the ``(output name, Metadata)`` they were made of (what a wire format carries instead)."""

    rows: tuple[tuple[_store.VersionRow, PartitionSchema, bool], ...]
    declared: tuple[tuple[str, Metadata], ...] = ()

    def publish(self) -> None:
        _store.insert_all(list(self.rows))


def _namespace(action: ActionContext) -> tuple[str, str]:
    if action.project and action.domain:
        return action.project, action.domain
    from flytelike.remote._task import _namespace as configured  # (FlyteRemote's one rule)

    return configured(action.project or None, action.domain or None)


def _row(output: str, md: Metadata, literal: Any, py: Any, action: ActionContext) -> Any:
    import typesystem
    from flytelike.remote import User
    from typesystem import _proto  # (typesystem's protobuf codec: off its face, loads protobuf)

    value = typesystem.to_msgpack(literal)
    lt = py if isinstance(py, LiteralType) else typesystem.default_registry().literal_type(py)
    version = md.version
    if version is None and md.version_from_content:
        version = hashlib.sha256(value).hexdigest()[:32]
    strings, timed = split(md.partitions)
    schema = schema_of(strings, timed)
    ns = _namespace(action)
    content = md.version is None and md.version_from_content
    if not content:  # (a version the catalog would refuse fails the attempt, naming it)
        _store.precheck(ns, md.name, version, schema)
    card = md.card
    row = _store.VersionRow(
        seq=0,
        project=ns[0],
        domain=ns[1],
        name=md.name,
        version=version or uuid.uuid4().hex,
        created_at=_store.now(),
        created_by=User.get().subject(),
        value=value,
        type=_proto.literal_type_to_proto_bytes(lt),
        description=md.description or "",
        attrs=md.resolved_attrs(),
        card=(
            {"uri": card.uri, "format": card.format, "type": card.card_type}
            if card is not None
            else None
        ),
        parents=tuple(_values.parent(p) for p in (md.parents or ())),
        strings=strings,
        timed=timed,
        source_run=action.run_name,
        source_action=action.action_id,
        source_attempt=action.attempt,
        external_ref=None,
    )
    return row, schema, content


def build(items: list[tuple[str, Any, Any, Any]], action: ActionContext) -> Produced:
    """The rows of ``(output name, metadata, literal, python type or LiteralType)`` outputs of
    ``action``."""
    rows = []
    for output, md, literal, py in items:
        if not isinstance(md, Metadata):
            from flytelike.remote import ArtifactError

            raise ArtifactError(
                f"output `{output}` declares {type(md).__name__} as its artifact metadata; give "
                "a flytelike.artifacts.Metadata"
            )
        rows.append(_row(output, md, literal, py, action))
    return Produced(tuple(rows), tuple((output, md) for output, md, _, _ in items))


set_artifact_builder(build, to_json, from_json)
