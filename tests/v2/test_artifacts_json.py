"""Artifact metadata as JSON (flytelike.artifacts._json), what the gRPC executor carries for an
output to publish or a caller's declaration: a round trip keeps what the catalog records."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

import flytelike.artifacts as artifacts
from flytelike.artifacts._json import from_json, to_json
from flytelike.remote._artifact_partitions import ArtifactError, split


def test_a_round_trip_keeps_every_field_and_the_partitions_the_catalog_stores() -> None:
    md = artifacts.Metadata(
        name="model",
        version="3",
        description="weights",
        attrs={"owner": "ml"},
        card=artifacts.Card(uri="file:///c.md", format="md", card_type="model"),
        kind="model",
        partitions={
            "region": "eu",
            "at": artifacts.TimePartition(date(2026, 12, 3), granularity="week"),
        },
        parents=("base@1",),
        version_from_content=False,
    )
    back = from_json(to_json(md))
    assert (back.name, back.version, back.description, back.kind) == (
        "model",
        "3",
        "weights",
        "model",
    )
    assert back.attrs == {"owner": "ml"} and back.card == md.card and back.parents == ("base@1",)
    assert split(back.partitions) == split(md.partitions)  # (the week, floored: a Monday)
    hourly = artifacts.Metadata(
        name="h", partitions={"t": datetime(2026, 12, 4, 10, 30, tzinfo=UTC)}
    )
    assert split(from_json(to_json(hourly)).partitions) == split(hourly.partitions)
    assert from_json(to_json(artifacts.Metadata(name="bare"))) == artifacts.Metadata(name="bare")


def test_malformed_json_names_the_problem() -> None:
    with pytest.raises(ArtifactError, match="malformed"):
        from_json('{"version": "1"}')
    with pytest.raises(ArtifactError, match="malformed"):
        from_json("not json")
