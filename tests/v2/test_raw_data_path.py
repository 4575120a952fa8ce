"""``flyte.ctx().raw_data_path`` is a ``flyte.models.RawDataPath`` as in flyte 2.12: ``.path`` is
the run's raw data folder (one per run under the configured prefix, or the run's own
``raw_data_path`` as given; a plain path on local disk), ``get_random_remote_path`` a fresh
location under it, ``repr``/``str`` as flyte prints it; ``None`` outside a task."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import flytelike as flyte
from flytelike.models import RawDataPath

env = flyte.TaskEnvironment("raw-data")


@env.task
async def where() -> list[str]:
    raw = flyte.ctx().raw_data_path
    assert isinstance(raw, RawDataPath) and raw.path_rewrite is None
    target = raw.get_random_remote_path("out.txt")
    Path(target).write_text("hi")
    return [raw.path, target, raw.get_random_remote_path(), str(raw)]


def test_raw_data_path_in_a_task(tmp_path: Path) -> None:
    prefix = tmp_path / "raw"
    path, target, bare, text = (
        flyte.with_runcontext(raw_data_path=f"file://{prefix}").run(where).outputs()[0]
    )
    assert path == str(prefix) and text == f"RawDataPath({str(prefix)!r})"
    assert Path(target).parent.parent == prefix and Path(target).read_text() == "hi"
    assert Path(bare).parent == prefix and not os.path.exists(bare)


@env.task
async def folder() -> str:
    raw = flyte.ctx().raw_data_path
    assert raw is not None
    return raw.path


@env.task
async def root_and_child() -> list[str]:
    raw = flyte.ctx().raw_data_path
    assert raw is not None
    return [raw.path, await folder()]


def test_one_raw_data_folder_per_run() -> None:
    first = flyte.run(root_and_child)
    second = flyte.run(root_and_child)
    (a, a_child), (b, _) = first.outputs()[0], second.outputs()[0]
    assert a != b and a == a_child  # each run its own folder, shared by the run's tasks
    assert Path(a).name == first.name and Path(b).name == second.name
    assert Path(a).parent == Path(b).parent and Path(a).is_dir()


def test_a_run_folder_under_a_remote_prefix() -> None:
    raw = RawDataPath.of_run("s3://bucket/data/", "r1")
    assert raw.path == "s3://bucket/data/r1"


def test_remote_prefix_and_outside_a_task() -> None:
    raw = RawDataPath.from_prefix("s3://bucket/data/")
    assert raw.path == "s3://bucket/data/" and repr(raw) == "RawDataPath('s3://bucket/data/')"
    got = raw.get_random_remote_path("f.csv")
    assert got.startswith("s3://bucket/data/") and got.endswith("/f.csv") and "//f" not in got
    assert raw == RawDataPath(path="s3://bucket/data/") and hash(raw) == hash(
        RawDataPath(path=raw.path)
    )
    assert flyte.ctx().raw_data_path is None


def test_from_local_folder(tmp_path: Path) -> None:
    made = RawDataPath.from_local_folder(tmp_path / "a" / "b")
    assert made.path == str(tmp_path / "a" / "b") and (tmp_path / "a" / "b").is_dir()
    assert RawDataPath.from_local_folder("rel/x").path == "rel/x"
    temp = RawDataPath.from_local_folder().path
    assert os.path.isdir(temp)
    os.rmdir(temp)
    with pytest.raises(ValueError, match=r"expected a str, a pathlib\.Path or None"):
        RawDataPath.from_local_folder(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="non-empty str"):
        RawDataPath(path="")
