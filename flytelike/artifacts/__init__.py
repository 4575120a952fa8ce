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
identities, as ``Metadata(parents=...)`` takes them) and ``produces`` (which raises
``NotSupportedLocallyError``: wrap the output with ``new`` in the task instead). Not flyte's:
``CatalogWatch``, what ``flytelike.scheduler.Scheduler(catalog=...)`` polls to fire
``OnArtifact`` triggers (``flytelike schedule serve`` passes one).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

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
from flytelike.remote._artifact import ArtifactKey, ArtifactVersionId
from flytelike.remote._errors import NotSupportedLocallyError


@contextmanager
def produces(**outputs: Any) -> Iterator[None]:
    """flyte's declaration, by the caller, that a called task's outputs are artifacts (with
    ``override(produces_artifacts=True)``): not available locally."""
    raise NotSupportedLocallyError(
        "flytelike.artifacts.produces(...) has no local meaning (a called task's outputs are "
        "not published for it); return artifacts.new(value, Metadata(...)) from the task itself "
        "instead"
    )
    yield  # pragma: no cover


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
