"""flyte 2's ``flyte.artifacts``: tasks that publish outputs to the local artifact catalog, and
runs that take catalog versions as inputs, written as a flyte user writes them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import flytelike as flyte
import flytelike.artifacts as artifacts
from flytelike import scheduler
from flytelike.errors import ConfigurationError
from flytelike.io import File
from flytelike.remote import Artifact
from flytelike.remote._artifact_partitions import ArtifactError

env = flyte.TaskEnvironment(name="produce")

ATTEMPTS: list[int] = []


async def _file(text: str) -> File:
    import tempfile

    path = Path(tempfile.mkdtemp()) / "weights.txt"
    path.write_text(text)
    return await File.from_local(str(path))


@env.task
async def train(text: str, version: str) -> File:
    f = await _file(text)
    md = artifacts.Metadata(
        name="weights",
        version=version,
        description="trained weights",
        kind="model",
        partitions={"date": date(2026, 8, 1), "region": "us"},
        card=artifacts.Card(uri="file:///cards/w.md", format="md", card_type="model"),
    )
    return artifacts.new(f, md)


@env.task
async def read(f: File) -> str:
    async with f.open("rb") as fh:
        return bytes(await fh.read()).decode()


@env.task
async def read_all(files: list[File]) -> list[str]:
    return [await read(f) for f in files]


@env.task
async def pipeline(text: str, version: str) -> str:
    return await read(await train(text, version))


def test_a_task_publishes_its_output_and_downstream_tasks_see_the_value() -> None:
    run = flyte.run(pipeline, text="hello", version="1.0")
    assert run.outputs()[0] == "hello"
    art = Artifact.get("weights", version="1.0")
    assert (art.kind, art.description, art.partitions) == (
        "model",
        "trained weights",
        {"date": date(2026, 8, 1), "region": "us"},
    )
    assert art.card == {"uri": "file:///cards/w.md", "format": "md", "type": "model"}
    assert art.source_run == run.name and art.source_action.endswith("c0")
    assert art._row.source_attempt == 0
    assert Artifact.get("weights", date=date(2026, 8, 1), region="us").version == "1.0"


def test_a_run_takes_an_artifact_and_a_list_of_them_as_inputs() -> None:
    flyte.run(train, text="a", version="1")
    flyte.run(train, text="b", version="2")
    assert flyte.run(read, f=Artifact.get("weights", version="1")).outputs()[0] == "a"
    picked = [Artifact.get("weights", version="2"), Artifact.get("weights", version="1")]
    assert flyte.run(read_all, files=picked).outputs()[0] == ["b", "a"]
    assert flyte.run(read_all, files=list(Artifact.listall("weights"))).outputs()[0] == ["b", "a"]


@env.task(retries=2)
def flaky() -> File:
    ATTEMPTS.append(1)
    if len(ATTEMPTS) == 1:
        raise RuntimeError("first attempt fails")
    path = Path(__import__("tempfile").mkdtemp()) / "x.txt"
    path.write_text("ok")
    return artifacts.new(File(str(path)), artifacts.Metadata(name="flaky"))


def test_a_failed_attempt_publishes_nothing_and_the_retry_publishes_once() -> None:
    ATTEMPTS.clear()
    run = flyte.run(flaky)
    versions = list(Artifact.listall("flaky"))
    assert len(ATTEMPTS) == 2 and len(versions) == 1
    assert (versions[0].source_run, versions[0]._row.source_attempt) == (run.name, 1)


def test_a_version_the_catalog_refuses_fails_the_action_and_publishes_nothing() -> None:
    flyte.run(train, text="a", version="1.0")
    with pytest.raises(Exception, match=r"already has a version '1.0'"):
        flyte.run(pipeline, text="b", version="1.0")
    assert [a.version for a in Artifact.listall("weights")] == ["1.0"]


@env.task(cache="auto")
async def cached(text: str) -> File:
    return artifacts.new(await _file(text), artifacts.Metadata(name="cached"))


def test_a_cache_hit_publishes_nothing_again() -> None:
    flyte.run(cached, text="same")
    flyte.run(cached, text="same")
    assert len(list(Artifact.listall("cached"))) == 1
    flyte.run(cached, text="other")
    assert len(list(Artifact.listall("cached"))) == 2


@env.task
async def two(text: str) -> tuple[File, int]:
    md = artifacts.Metadata(name="pair", version_from_content=True)
    return artifacts.new(await _file(text), md), len(text)


def test_one_of_several_outputs_and_content_addressed_versions() -> None:
    first = flyte.run(two, text="abc").outputs()
    assert first[1] == 3 and isinstance(first[0], File)
    versions = list(Artifact.listall("pair"))
    assert len(versions) == 1 and versions[0].version
    assert (versions[0]._row.source_action or "").startswith("produce.two")


def test_new_checks_what_it_is_given_and_metadata_checks_itself() -> None:
    with pytest.raises(ArtifactError, match=r"a int cannot be an artifact"):
        artifacts.new(3, artifacts.Metadata(name="n"))
    with pytest.raises(ArtifactError, match=r"kind must be one of"):
        artifacts.Metadata(name="n", kind="weights")  # type: ignore[arg-type]
    with pytest.raises(ArtifactError, match=r"partition 'day' is None"):
        artifacts.Metadata(name="n", partitions={"day": None})
    model = artifacts.Metadata.create_model_metadata(name="m", framework="torch")
    assert model.resolved_attrs()[artifacts.KIND_KEY] == "model"
    wrapped = artifacts.new(File("/tmp/x"), artifacts.Metadata(name="n"))
    assert isinstance(wrapped, File) and wrapped.get_artifact_metadata().name == "n"


def test_card_create_from_copies_the_card() -> None:
    card = artifacts.Card.create_from(content="# model", format="md", card_type="model")
    assert card.uri and Path(card.uri.removeprefix("file://")).read_text() == "# model"


@env.task
def shard(i: int) -> File:
    path = Path(__import__("tempfile").mkdtemp()) / f"{i}.txt"
    path.write_text(str(i))
    return artifacts.new(File(str(path)), artifacts.Metadata(name="shards", partitions={"i": i}))


@env.task
async def shards(n: int) -> list[File]:
    return list(flyte.map(shard, range(n)))


def test_map_items_publish_one_version_each() -> None:
    files = flyte.run(shards, n=3).outputs()[0]
    assert len(files) == 3
    assert Artifact.partition_values("shards", "i") == ["0", "1", "2"]


on_weights = flyte.Trigger(
    "on_weights",
    flyte.OnArtifact("weights", region="us"),
    inputs={
        "model": flyte.TriggeredArtifact,
        "day": flyte.TriggeredPartition("date"),
        "when": flyte.TriggerTime,
    },
)


in_a_child = flyte.Trigger(
    "in_a_child",
    flyte.OnArtifact("weights", version="env"),
    inputs={"model": flyte.TriggeredArtifact, "day": flyte.TriggeredPartition("date")},
    env_vars={"CHECK_LABEL": "child"},  # (so the run goes to a process of its own)
)


@env.task(triggers=[on_weights, in_a_child])
async def check(
    model: File, day: datetime, when: datetime = datetime(2026, 1, 1), label: str = "x"
) -> str:
    import os

    label = os.environ.get("CHECK_LABEL", label)
    return f"{await read(model)}|{day.isoformat()}|{label}|{when.tzinfo is not None}"


def _serve(start: datetime, trigger: str = "on_weights", **kwargs: object) -> list[Any]:
    import sys

    entries = scheduler.find_entries(sys.modules[__name__], start)
    assert [e.name for e in entries] == ["produce.check:on_weights", "produce.check:in_a_child"]
    s = scheduler.Scheduler(
        [e for e in entries if e.name.endswith(trigger)],
        clock=scheduler.SystemClock(),
        start=start,
        catalog=artifacts.CatalogWatch(),
        poll=timedelta(seconds=0.2),
        **kwargs,  # type: ignore[arg-type]
    )
    return s.serve()


def test_an_artifact_trigger_fires_once_per_new_matching_version() -> None:
    flyte.run(train, text="before", version="0")  # (created before the scheduler starts)
    start = datetime.now(UTC)
    flyte.run(train, text="new", version="1")
    eu = Artifact.get("weights", version="1")
    Artifact.create(
        File(str(eu.value_uri)),
        name="weights",
        version="eu",
        partitions={"date": date(2026, 8, 2), "region": "eu"},  # (not the trigger's region)
    )
    firings = _serve(start, until=datetime.now(UTC) + timedelta(seconds=1))
    assert len(firings) == 1 and firings[0].outcome == "SUCCEEDED"
    assert firings[0].when == Artifact.get("weights", version="1").created_at
    run = flyte.remote.Run.get(firings[0].run_name)
    assert run.outputs()[0] == "new|2026-08-01T00:00:00+00:00|x|True"
    again = _serve(start, until=datetime.now(UTC) + timedelta(seconds=1))
    assert [f.outcome for f in again] == ["skipped: already fired (run exists)"]


def test_triggered_inputs_need_an_artifact_trigger() -> None:
    import types

    wrong = flyte.Trigger("t", flyte.Cron("0 * * * *"), inputs={"model": flyte.TriggeredArtifact})

    @env.task(triggers=[wrong])
    async def bad(model: File) -> None:
        return None

    module = types.ModuleType("m")
    module.bad = bad  # type: ignore[attr-defined]
    with pytest.raises(ConfigurationError, match=r"only an OnArtifact\(...\) automation binds"):
        scheduler.find_entries(module, datetime.now(UTC))


def test_an_artifact_trigger_with_env_vars_fires_in_a_process_of_its_own() -> None:
    start = datetime.now(UTC)
    flyte.run(train, text="for the child", version="env")
    firings = _serve(start, "in_a_child", until=datetime.now(UTC) + timedelta(seconds=0.5))
    assert [f.outcome for f in firings] == ["SUCCEEDED"]
    run = flyte.remote.Run.get(firings[0].run_name)
    assert run.outputs()[0] == "for the child|2026-08-01T00:00:00+00:00|child|False"


class DeclaredWeights(File):
    """A value that declares its own artifact metadata (the ``Artifact`` protocol)."""

    def get_artifact_metadata(self) -> artifacts.Metadata:
        return artifacts.Metadata(name="declared", version="d1")


@env.task
async def declare_itself() -> File:
    f = await _file("declared")
    return DeclaredWeights(path=f.path)


def test_a_value_that_declares_its_metadata_is_published() -> None:
    assert isinstance(DeclaredWeights(path="/x"), artifacts.Artifact)
    assert flyte.run(declare_itself).outputs()[0].path
    assert Artifact.get("declared", version="d1").source_run
