"""flyte 2's ``flyte.artifacts``: tasks that publish outputs to the local artifact catalog, and
runs that take catalog versions as inputs, written as a flyte user writes them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import flytelike as flyte
import flytelike.artifacts as artifacts
from flytelike.io import File
from flytelike.remote import Artifact, NotSupportedLocallyError
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
    declared = artifacts.produces(o0=artifacts.Metadata(name="n"))
    with pytest.raises(NotSupportedLocallyError, match=r"return artifacts.new"), declared:
        pass


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
