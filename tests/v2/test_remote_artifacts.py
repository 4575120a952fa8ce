"""flyte 2's ``flyte.remote.Artifact`` and ``PartitionSchema``, on the local artifact catalog
(``<FLYTELIKE_HOME>/artifacts.db``), written as a flyte user writes them."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

import flytelike as flyte
import flytelike.remote as remote
from flytelike.io import File
from flytelike.remote import Artifact, PartitionSchema
from flytelike.remote._artifact_partitions import ArtifactError

env = flyte.TaskEnvironment(name="artifacts")


@dataclass
class Metrics:
    accuracy: float
    labels: list[str]


@dataclass(frozen=True)
class Month:  # (what flyte.artifacts.TimePartition carries: a value and a granularity)
    value: date
    granularity: str = "month"


@env.task
async def train(n: int) -> str:
    art = await Artifact.create.aio(Metrics(0.5 + n / 100, ["a"]), name="metrics", version=f"v{n}")
    return art.version


def test_create_get_latest_and_version_round_trip_values() -> None:
    first = Artifact.create(Metrics(0.9, ["cat", "dog"]), name="metrics", version="1.0")
    second = Artifact.create(Metrics(0.95, ["cat"]), name="metrics", version="1.1", kind="model")
    assert (first.name, first.version, second.kind, first.kind) == (
        "metrics",
        "1.0",
        "model",
        "generic",
    )
    assert Artifact.get("metrics").version == "1.1"  # latest
    pinned = Artifact.get("metrics", version="1.0")
    assert asyncio.run(pinned.to_python(Metrics)) == Metrics(0.9, ["cat", "dog"])
    guessed = asyncio.run(Artifact.get("metrics").to_python())
    assert (guessed.accuracy, guessed.labels) == (0.95, ["cat"])
    assert [a.version for a in Artifact.listall("metrics")] == ["1.1", "1.0"]  # newest first
    assert first.tracker == f"{first.project}/{first.domain}/metrics@1.0"
    assert first.url.startswith("file://") and first.url.endswith("#" + first.tracker)
    assert first.created_by and first.created_at <= datetime.now(UTC)
    with pytest.raises(remote.EntityNotFoundError, match=r"'metrics' has no version '9'"):
        Artifact.get("metrics", version="9")
    with pytest.raises(remote.EntityNotFoundError, match="'nothing' has no version"):
        Artifact.get("nothing")


def test_an_existing_version_is_refused_and_kept() -> None:
    Artifact.create(7, name="count", version="v1")
    with pytest.raises(ArtifactError, match=r"already has a version 'v1'.*give another version"):
        Artifact.create(8, name="count", version="v1")
    assert asyncio.run(Artifact.get("count", version="v1").to_python()) == 7


def test_a_file_is_stored_by_reference_under_the_raw_data_prefix(tmp_path: Path) -> None:
    local = tmp_path / "weights.bin"
    local.write_bytes(b"\x00\x01weights")
    art = Artifact.create(File.from_local_sync(str(local)), name="weights", kind="model")
    prefix = flyte.engine.default_engine().config.data_prefix
    assert art.value_uri is not None and art.value_uri.startswith(prefix)
    local.unlink()  # (the catalog holds the copy in the raw data prefix, not the local file)
    got = asyncio.run(Artifact.get("weights").to_python(File))
    with got.open_sync("rb") as f:
        assert f.read() == b"\x00\x01weights"


def test_a_value_that_would_be_pickled_is_refused() -> None:
    class Opaque:
        pass

    with pytest.raises(ArtifactError, match="would be stored pickled"):
        Artifact.create(Opaque(), name="opaque")
    with pytest.raises(ArtifactError, match="name is required"):
        Artifact.create(1)


def test_declared_partitions_are_checked_naming_the_key() -> None:
    schema = Artifact.declare("events", partitions={"date": date, "region": str})
    assert schema == PartitionSchema("date", "day", ("region",), declared=True)
    assert schema.all_keys == ("date", "region")
    Artifact.create(1, name="events", partitions={"date": date(2026, 9, 17), "region": "us"})
    with pytest.raises(ArtifactError, match="partition 'region' is missing"):
        Artifact.create(2, name="events", partitions={"date": date(2026, 9, 17)})
    with pytest.raises(ArtifactError, match="partition 'team' is not one of its keys"):
        Artifact.create(2, name="events", partitions={"date": date(2026, 9, 17), "region": "us",
                                                       "team": "a"})  # fmt: skip
    with pytest.raises(ArtifactError, match="partition 'date' is hourly, it must be daily"):
        Artifact.create(2, name="events", partitions={"date": datetime(2026, 9, 17, 3),
                                                       "region": "us"})  # fmt: skip
    with pytest.raises(ArtifactError, match="partition 'region' is None"):
        Artifact.create(2, name="events", partitions={"date": date(2026, 9, 17), "region": None})
    with pytest.raises(ArtifactError, match=r"already date \(day\), region .*not hour"):
        Artifact.declare("events", partitions={"hour": datetime})
    assert Artifact.declare("events", partitions={"region": str, "date": "day"}).declared
    with pytest.raises(ArtifactError, match=r"partition 'x': .*not a kind"):
        Artifact.declare("other", partitions={"x": float})
    with pytest.raises(ArtifactError, match="at most one time key"):
        Artifact.declare("other", partitions={"a": date, "b": datetime})
    assert [a.version for a in Artifact.listall("events")] != []  # (the first is kept)


def test_the_first_version_fixes_the_schema() -> None:
    with pytest.raises(remote.EntityNotFoundError, match="neither declared nor has a version"):
        Artifact.get_schema("report")
    Artifact.create("x", name="report", partitions={"date": Month(date(2026, 8, 14))})
    schema = Artifact.get_schema("report")
    assert schema == PartitionSchema("date", "month", (), declared=False)
    assert Artifact.get("report").partitions == {"date": date(2026, 8, 1)}  # floored
    assert Artifact.get("report").time_partition == remote._artifact.TimePartitionValue(
        "date", date(2026, 8, 1), "month"
    )
    with pytest.raises(ArtifactError, match="fixed by its first version"):
        Artifact.create("y", name="report")
    Artifact.create("plain", name="plain")
    assert Artifact.get_schema("plain").all_keys == ()


def test_partition_selection_get_listall_and_values() -> None:
    day = date(2026, 8, 1)
    for i in range(4):
        for region in ("us", "eu"):
            Artifact.create(f"{region}{i}", name="raw", version=f"{region}-{i}-a",
                            partitions={"date": day + timedelta(days=i), "region": region})  # fmt: skip
    Artifact.create("us1-b", name="raw", version="us-1-b",
                    partitions={"date": day + timedelta(days=1), "region": "us"})  # fmt: skip
    got = Artifact.get("raw", date=date(2026, 8, 2), region="us")
    assert got.version == "us-1-b"  # the latest of that partition
    assert (
        Artifact.get("raw", partitions={"date": "2026-08-03", "region": "eu"}).version == "eu-2-a"
    )
    in_range = Artifact.listall(
        "raw", date=(date(2026, 8, 2), date(2026, 8, 3)), region="us", latest_per_partition=True
    )
    assert [a.version for a in in_range] == ["us-1-b", "us-2-a"]  # (newest first)
    assert len(list(Artifact.listall("raw", region=["us", "eu"], date=day))) == 2
    assert Artifact.partition_values("raw", "region") == ["eu", "us"]
    assert Artifact.partition_values("raw", "date", region="eu")[:2] == [day, date(2026, 8, 2)]
    with pytest.raises(remote.EntityNotFoundError, match="no version for partition"):
        Artifact.get("raw", date=date(2030, 1, 1), region="us")
    with pytest.raises(ArtifactError, match="'region' is a range or list"):
        Artifact.get("raw", region=["us", "eu"])
    with pytest.raises(ArtifactError, match="either a version or partition values"):
        Artifact.get("raw", version="us-0-a", region="us")
    with pytest.raises(ArtifactError, match="partition 'team' is not a key"):
        list(Artifact.listall("raw", team="a"))
    with pytest.raises(ArtifactError, match="needs an artifact name"):
        list(Artifact.listall(latest_per_partition=True))


def test_hourly_partitions_floor_to_the_hour() -> None:
    Artifact.create(1, name="hourly", partitions={"hour": datetime(2026, 9, 1, 13, 45)})
    art = Artifact.get("hourly", hour=datetime(2026, 9, 1, 13, 5, tzinfo=UTC))
    assert art.partitions == {"hour": datetime(2026, 9, 1, 13, tzinfo=UTC)}
    assert Artifact.get("hourly", hour="2026-09-01T13").version == art.version


def test_filters_kind_attrs_source_and_time() -> None:
    before = datetime.now(UTC)
    Artifact.create(1, name="m", kind="model", attrs={"framework": "torch"})
    Artifact.create(2, name="m", kind="model", attrs={"framework": "jax"})
    Artifact.create(3, name="d", kind="data", external_ref="s3://bucket/x")
    assert [a.name for a in Artifact.listall(kind="data")] == ["d"]
    assert len(list(Artifact.listall(attrs={"framework": ["torch", "jax"]}))) == 2
    assert len(list(Artifact.listall(attrs={"framework": "jax"}))) == 1
    ext = list(Artifact.listall(source_external_ref="s3://bucket/x"))
    assert [a.source for a in ext] == ["s3://bucket/x"] and ext[0].source_run is None
    assert len(list(Artifact.listall(created_after=before))) == 3
    assert list(Artifact.listall(created_after=datetime.now(UTC) + timedelta(hours=1))) == []
    assert len(list(Artifact.listall(limit=2))) == 2


def test_a_task_records_its_run_and_action_as_source() -> None:
    run = flyte.run(train, n=3)
    assert run.outputs()[0] == "v3"
    art = Artifact.get("metrics", version="v3")
    assert art.source_run == run.name and art.source_action
    assert art.source.startswith(f"run {run.name}/")
    assert art.source_run_url is not None and run.name in art.source_run_url
    assert [a.version for a in Artifact.listall(source_run=run.name)] == ["v3"]
    assert asyncio.run(art.to_python()).accuracy == pytest.approx(0.53)


def test_list_names_groups_versions() -> None:
    Artifact.create(1, name="alpha", partitions={"date": date(2026, 1, 1)})
    Artifact.create(2, name="alpha", partitions={"date": date(2026, 3, 1)})
    Artifact.create(3, name="beta")
    groups = list(Artifact.list_names())
    assert [(g.name, g.versions) for g in groups] == [("beta", 1), ("alpha", 2)]
    assert groups[0].partition_schema is None
    assert groups[1].partition_schema == PartitionSchema("date", "day", ())
    assert groups[1].latest_time_partition == date(2026, 3, 1)
    assert [g.name for g in Artifact.list_names(search="alp")] == ["alpha"]


def test_aio_and_async_iteration() -> None:
    async def main() -> list[str]:
        await Artifact.declare.aio("a", partitions={"k": str})
        await Artifact.create.aio(1, name="a", version="1", partitions={"k": "x"})
        got = await Artifact.get.aio("a", k="x")
        assert (await Artifact.get_schema.aio("a")).keys == ("k",)
        assert await Artifact.partition_values.aio("a", "k") == ["x"]
        assert [g.name async for g in Artifact.list_names.aio()] == ["a"]
        await got.delete.aio()
        return [a.version async for a in Artifact.listall.aio("a")]

    assert asyncio.run(main()) == []


def test_delete_removes_one_version() -> None:
    Artifact.create(1, name="gone", version="1")
    second = Artifact.create(2, name="gone", version="2")
    second.delete()
    assert Artifact.get("gone").version == "1"
    with pytest.raises(remote.EntityNotFoundError, match="already gone"):
        second.delete()
    Artifact.get("gone").delete()
    with pytest.raises(remote.EntityNotFoundError):
        Artifact.get_schema("gone")  # (no version left, never declared: the name is gone)


def test_concurrent_writers_lose_no_version() -> None:
    errors: list[BaseException] = []

    def publish(i: int) -> None:
        try:
            Artifact.create(i, name="busy", version=str(i), partitions={"k": str(i % 2)})
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=publish, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(int(a.version) for a in Artifact.listall("busy")) == list(range(16))


def test_namespaces_are_separate() -> None:
    Artifact.create(1, name="shared", project="p1", domain="development")
    Artifact.create(2, name="shared", project="p2", domain="development")
    assert asyncio.run(Artifact.get("shared", project="p2").to_python()) == 2
    assert len(list(Artifact.listall("shared", project="p1"))) == 1


def test_a_refused_version_copies_no_data(tmp_path: Path) -> None:
    Artifact.declare("checked", partitions={"region": str})
    local = tmp_path / "data.csv"
    local.write_text("a,b\n")
    prefix = Path(flyte.engine.default_engine().config.data_prefix.removeprefix("file://"))
    before = sorted(prefix.rglob("*")) if prefix.exists() else []
    with pytest.raises(ArtifactError, match="partition 'region' is missing"):
        Artifact.create(File.from_local_sync(str(local)), name="checked")
    assert (sorted(prefix.rglob("*")) if prefix.exists() else []) == before
    Artifact.create(1, name="checked", version="1", partitions={"region": "us"})
    assert Artifact.partition_values("checked", "region", limit=-1) == ["us"]
    assert Artifact.partition_values("checked", "region", limit=0) == []


def test_lineage_records_and_literals() -> None:
    import json

    base = Artifact.create(Metrics(0.1, []), name="base", version="1", description="seed")
    child = Artifact.create(
        Metrics(0.2, ["x"]), name="tuned", parents=[base.artifact_version_id, "0"]
    )
    assert child.parents == (f"{base.project}/{base.domain}/base@1", "0")
    record = json.loads(base.to_json())
    assert (record["name"], record["version"], record["description"]) == ("base", "1", "seed")
    (group,) = Artifact.list_names(search="tuned")
    assert json.loads(group.to_json())["latest"]["parents"] == list(child.parents)
    stored = asyncio.run(base.coerce_to_literal())
    assert stored == asyncio.run(base.coerce_to_literal(Metrics))
    with pytest.raises(ArtifactError, match="parent 3 is neither"):
        Artifact.create(1, name="orphan", parents=[3])


def test_a_card_is_kept_and_its_type_is_the_kind_fallback() -> None:
    @dataclass(frozen=True)
    class Card:  # (the fields of flyte.artifacts.Card)
        uri: str
        format: str = "md"
        card_type: str = "model"

    art = Artifact.create(1, name="carded", card=Card("file:///tmp/README.md"))
    assert art.card == {"uri": "file:///tmp/README.md", "format": "md", "type": "model"}
    assert art.kind == "model"  # no flyte.io/kind attr: the card's type
    with pytest.raises(ArtifactError, match="kind must be one of"):
        Artifact.create(1, name="carded", kind="weights")
