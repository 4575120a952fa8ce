"""Offloaded values go under the run's raw data prefix (``raw_data_path``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from flytelike import FlyteRecoverableException, map_task, task, workflow
from flytelike.engine import Engine
from flytelike.io import File


@task
def write(text: str) -> File:
    path = Path("out.txt")
    path.write_text(text)
    return File(path=str(path))


@task
def read(f: File) -> str:
    with f.open("r") as fh:
        return str(fh.read())


@workflow
def roundtrip(text: str) -> str:
    return read(f=write(text=text))


def test_files_go_under_the_runs_raw_data_path(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    prefix = tmp_path / "raw"
    run = engine.run(roundtrip, text="hello", raw_data_path=str(prefix))
    assert run.outputs() == "hello"
    written = [p for p in prefix.rglob("*") if p.is_file()]
    assert written and written[0].read_text() == "hello"


@task(retries=1)
def named(i: int) -> str:
    f = File.named_remote("model.bin")
    seen = Path(f"paths-{i}")
    with seen.open("a") as fh:
        fh.write(f"{f.path}\n")
    if i == 1 and len(seen.read_text().split()) == 1:
        raise FlyteRecoverableException(f"item {i} fails once")
    return str(f.path)


@workflow
def named_items(xs: list[int]) -> list[str]:
    return map_task(named)(i=xs)  # type: ignore[no-any-return]


@workflow
def named_chain(i: int) -> str:
    return named(i=i)


def test_named_remote_paths_are_per_action_and_stable_across_retries(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run = engine.run(named_items, xs=[0, 1, 2])
    paths = run.outputs()
    assert len(set(paths)) == 3
    for i, p in enumerate(paths):
        assert f"{run.name}/n0[{i}]" in p and p.endswith("model.bin")
    item = next(a for a in run.actions() if a.action_id == "n0[1]")
    assert item.attempts == 2
    first, second = (tmp_path / "paths-1").read_text().split()
    assert first == second == paths[1]  # the same on every attempt
    single = engine.run(named_chain, i=5)
    assert f"{single.name}/n0" in single.outputs()
