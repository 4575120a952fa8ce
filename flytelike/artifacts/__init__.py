"""flyte 2's ``flyte.artifacts``: tasks that publish their outputs to the local artifact catalog
(``flytelike.remote.Artifact``, ``<FLYTELIKE_HOME>/artifacts.db``).

A task returns ``artifacts.new(value, Metadata(name=..., version=..., partitions=...,
description=..., kind=..., card=...))``: its output is ``value`` (what downstream tasks and
``Run.outputs()`` see) and, once the action's attempt has succeeded, a version of the artifact
``name`` is recorded with that run, action and attempt as its source. A failed attempt publishes
nothing (a retry that succeeds publishes once); a cache hit runs no attempt and publishes
nothing again (the version came from the run that computed the value). A version the catalog
refuses (an existing ``version``, partitions other than the name's keys) fails the attempt
with the reason. Several artifact outputs of one attempt are published together or not at all.
Map items publish as each item's attempt succeeds.

Runs take artifacts as inputs: ``flytelike.run(main, x=Artifact.get("name", version="1.0"))``,
or a list of them for a ``list[...]`` input; each is bound as its stored value.

Names: ``Metadata``, ``Card``, ``CardFormat``, ``CardType``, ``Kind``, ``KIND_KEY``,
``MAX_PARENTS``, ``TimePartition``, ``Granularity``, ``new``, ``Artifact`` (the protocol of
values that declare their own metadata), ``ArtifactKey``/``ArtifactVersionId`` (the catalog's
identities, as ``Metadata(parents=...)`` takes them) and ``produces``.

``with produces(o0=Metadata(...)):`` inside a task declares that the outputs of the task called
in the block are artifacts, as if it had returned ``new(value, Metadata(...))``: keyword names
are output slots (``o0`` for the first output, ``o1`` for the second, ...). The called task
must run with ``produces_artifacts=True`` (``@env.task(produces_artifacts=True)`` or
``t.override(produces_artifacts=True)``, carried into the IR as ``v2.produces_artifacts``);
for a task without it the declaration is not published (flyte's platform publishes for the
flag only) and a warning says so. The declaration wins for name, version (and
``version_from_content``), partitions and parents; the task's own ``new`` metadata fills in the
description, card and attrs. Every task call in the block gets the declarations (call one task
per block; each ``flytelike.map`` item is such a call and publishes its own version), not the
calls that task makes. A slot the
task does not have fails its attempt with ``RuntimeUserError`` (code ``UndeclaredOutput``); a
declaration that is not a ``Metadata`` fails at ``produces(...)`` in the caller. Outside a task
the block does nothing. Not flyte's:
``CatalogWatch``, what ``flytelike.scheduler.Scheduler(catalog=...)`` polls to fire
``OnArtifact`` triggers (``flytelike schedule serve`` passes one).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flytelike.artifacts import _publish as _publish
from flytelike.artifacts._metadata import (
    KIND_KEY,
    MAX_PARENTS,
    Card,
    CardFormat,
    CardType,
    Granularity,
    Kind,
    Metadata,
    TimePartition,
)
from flytelike.artifacts._watch import CatalogWatch
from flytelike.artifacts._wrapper import Artifact, new
from flytelike.backends import declaring_outputs
from flytelike.remote import ArtifactError, ArtifactKey, ArtifactVersionId


@contextmanager
def produces(**outputs: Metadata) -> Iterator[None]:
    """Declare the outputs of the task called in the block as artifacts (module docstring)."""
    for slot, md in outputs.items():
        if not isinstance(md, Metadata):
            raise ArtifactError(
                f"artifacts.produces({slot}=...): a declaration must be a "
                f"flytelike.artifacts.Metadata, got {type(md).__name__}"
            )
    with declaring_outputs(outputs):
        yield


__all__ = [
    "KIND_KEY",
    "MAX_PARENTS",
    "Artifact",
    "ArtifactKey",
    "ArtifactVersionId",
    "Card",
    "CardFormat",
    "CardType",
    "CatalogWatch",
    "Granularity",
    "Kind",
    "Metadata",
    "TimePartition",
    "new",
    "produces",
]
