"""flyte 2's ``artifacts.produces``: a caller declares the outputs of the task it calls as
artifacts, end to end through ``flytelike.run`` and the local catalog."""

from __future__ import annotations

import logging
import tempfile
from datetime import date
from pathlib import Path

import pytest

import flytelike as flyte
import flytelike.artifacts as artifacts
from flytelike.errors import DefinitionError, RuntimeUserError
from flytelike.io import File
from flytelike.remote import Artifact
from flytelike.remote._artifact_partitions import ArtifactError

env = flyte.TaskEnvironment(name="declared")
CALLS: list[str] = []


def _file(text: str) -> File:
    path = Path(tempfile.mkdtemp()) / "events.txt"
    path.write_text(text)
    return File(str(path))


@env.task
async def clean(raw: str) -> File:
    """Knows nothing about artifacts."""
    return _file(raw.strip())


@env.task
async def clean_wrapped(raw: str) -> File:
    md = artifacts.Metadata(
        name="own-name",
        version="own-version",
        description="cleaned events",
        attrs={"owner": "clean", "shared": "task"},
        card=artifacts.Card(uri="file:///cards/own.md", format="md"),
    )
    return artifacts.new(_file(raw), md)


@env.task
def clean_sync(raw: str) -> tuple[File, int]:
    return _file(raw), len(raw)


@env.task(produces_artifacts=True)
async def nested(raw: str) -> File:
    return await clean(raw)  # (a call made by the called task: not declared for)


@env.task
async def main(raw: str, day: date) -> str:
    with artifacts.produces(o0=artifacts.Metadata(name="events", partitions={"date": day})):
        f = await clean.override(produces_artifacts=True)(raw=raw)
    async with f.open("rb") as fh:
        return bytes(await fh.read()).decode()


def test_the_declared_output_is_published_with_the_called_action_as_source() -> None:
    run = flyte.run(main, raw="  a,b  ", day=date(2026, 9, 1))
    assert run.outputs()[0] == "a,b"
    art = Artifact.get("events", date=date(2026, 9, 1))
    assert art.source_run == run.name and art.source_action.endswith("/c0")
    assert art.partitions == {"date": date(2026, 9, 1)}
    assert Path(art._value(File).path).read_text() == "a,b"


@env.task
async def merged(raw: str) -> str:
    declared = artifacts.Metadata(
        name="events", version="v7", attrs={"shared": "caller"}, parents=("v6",)
    )
    with artifacts.produces(o0=declared):
        await clean_wrapped.override(produces_artifacts=True)(raw=raw)
    return "ok"


def test_the_declaration_wins_for_identity_and_the_task_fills_in_the_rest() -> None:
    flyte.run(merged, raw="x")
    art = Artifact.get("events", version="v7")
    assert art.description == "cleaned events"
    assert art.card == {"uri": "file:///cards/own.md", "format": "md", "type": "generic"}
    assert art.attrs["owner"] == "clean" and art.attrs["shared"] == "caller"
    assert len(art.parents) == 1 and "v6" in str(art.parents[0])
    assert not list(Artifact.listall("own-name"))


@env.task
def sync_caller(raw: str) -> int:
    with artifacts.produces(o1=artifacts.Metadata(name="length", version="1")):
        _, n = clean_sync.override(produces_artifacts=True)(raw=raw)
    return n


def test_a_sync_caller_declares_the_second_output() -> None:
    assert flyte.run(sync_caller, raw="abcd").outputs()[0] == 4
    assert Artifact.get("length", version="1")._value(int) == 4


@env.task
async def twice(raw: str) -> str:
    with artifacts.produces(o0=artifacts.Metadata(name="events", version="1")):
        await nested(raw)
    return "ok"


def test_declarations_go_to_the_called_task_not_to_its_children() -> None:
    run = flyte.run(twice, raw="z")
    versions = list(Artifact.listall("events"))
    assert [v.version for v in versions] == ["1"]
    assert versions[0].source_action.count("/c") == 1  # (nested's action, not clean's)
    assert versions[0].source_run == run.name


@env.task
async def without_flag(raw: str) -> str:
    with artifacts.produces(o0=artifacts.Metadata(name="events", version="1")):
        await clean(raw)
    return "ok"


def test_a_task_without_produces_artifacts_publishes_nothing_and_says_why(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="flytelike.artifacts"):
        flyte.run(without_flag, raw="z")
    assert not list(Artifact.listall("events"))
    assert "does not run with produces_artifacts=True" in caplog.text
    assert "declared.clean" in caplog.text


@env.task
async def wrong_slot(raw: str) -> str:
    with artifacts.produces(o3=artifacts.Metadata(name="events")):
        await clean.override(produces_artifacts=True)(raw=raw)
    return "ok"


def test_a_slot_the_task_lacks_fails_the_called_task() -> None:
    with pytest.raises(RuntimeUserError, match=r"output\(s\) o3, but declared.clean returns o0"):
        flyte.run(wrong_slot, raw="z")


@env.task
async def bad_declaration(raw: str) -> str:
    CALLS.append("before")
    with artifacts.produces(o0="events"):  # type: ignore[arg-type]
        CALLS.append("inside")
    return "ok"


def test_a_bad_declaration_fails_in_the_caller() -> None:
    CALLS.clear()
    with pytest.raises(RuntimeUserError, match=r"produces\(o0=...\): a declaration must be"):
        flyte.run(bad_declaration, raw="z")
    assert CALLS == ["before"]
    declared = artifacts.produces(o0=3)  # type: ignore[arg-type]
    with pytest.raises(ArtifactError, match=r"must be a flytelike.artifacts.Metadata"), declared:
        pass


def test_outside_a_task_the_block_does_nothing() -> None:
    with artifacts.produces(o0=artifacts.Metadata(name="events")):
        f, n = clean_sync.override(produces_artifacts=True)(raw="q")  # (a plain call)
    assert Path(f.path).read_text() == "q" and n == 1
    assert not list(Artifact.listall("events"))


def test_the_flag_is_carried_into_the_ir_and_checked() -> None:
    custom = dict(clean.override(produces_artifacts=True).template().custom)
    assert custom["v2.produces_artifacts"] == "true"
    assert "v2.produces_artifacts" not in dict(clean.template().custom)
    assert dict(nested.template().custom)["v2.produces_artifacts"] == "true"
    with pytest.raises(DefinitionError, match=r"produces_artifacts must be True or False"):
        env.task(produces_artifacts="yes")(lambda: None)


@env.task(retries=1)
async def flaky(raw: str) -> File:
    CALLS.append("flaky")
    if len(CALLS) == 1:
        raise RuntimeError("first attempt fails")
    return _file(raw)


@env.task
async def retried(raw: str) -> str:
    with artifacts.produces(o0=artifacts.Metadata(name="events")):
        await flaky.override(produces_artifacts=True)(raw=raw)
    return "ok"


def test_a_retried_task_publishes_once_from_the_attempt_that_succeeded() -> None:
    CALLS.clear()
    flyte.run(retried, raw="r")
    versions = list(Artifact.listall("events"))
    assert CALLS == ["flaky", "flaky"]
    assert len(versions) == 1 and versions[0]._row.source_attempt == 1


@env.task(produces_artifacts=True)
def shard(i: int) -> File:
    return _file(str(i))


@env.task
async def sharded(n: int) -> int:
    with artifacts.produces(o0=artifacts.Metadata(name="shards", partitions={"i": "any"})):
        return len(list(flyte.map(shard, range(n))))


def test_each_map_item_in_the_block_publishes_its_own_version() -> None:
    run = flyte.run(sharded, n=3)
    versions = list(Artifact.listall("shards"))
    assert run.outputs()[0] == 3
    assert sorted(v.source_action.rpartition("/")[2] for v in versions) == ["c0", "c1", "c2"]
    assert sorted(Path(v._value(File).path).read_text() for v in versions) == ["0", "1", "2"]


@env.task
async def declares_for_a_worker(raw: str) -> int:
    with artifacts.produces(o0=artifacts.Metadata(name="from-a-worker", version="1")):
        _, n = await clean_sync.override(produces_artifacts=True).aio(raw=raw)
    return n


def test_declarations_reach_a_task_run_in_a_worker_process_started_before_them(
    tmp_path: Path,
) -> None:
    """The engine puts the declarations in the child's ActionContext, so a worker process of a
    pool started earlier (it never saw the caller's memory) publishes them."""
    from flytelike.backends._local import LocalBackend
    from flytelike.engine import Engine, EngineConfig, set_default_engine

    engine = Engine(
        EngineConfig.from_env(home=tmp_path / "home"),
        backend=LocalBackend(mode="process", max_workers=1),
    )
    old = set_default_engine(engine)
    try:
        assert engine.run(clean_sync, raw="warm").outputs()[1] == 4  # (the pool starts)
        run = engine.run(declares_for_a_worker, raw="abc")
        assert run.outputs() == 3
        child = next(a for a in run.actions() if a.parent)
        art = Artifact.get("from-a-worker", version="1")
        assert art.source_action == child.action_id
        assert Path(art._value(File).path).read_text() == "abc"
    finally:
        set_default_engine(old)
        engine.close()
