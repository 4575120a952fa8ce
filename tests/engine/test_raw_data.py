"""Offloaded values go under the run's raw data prefix (``raw_data_path``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from flytelike import task, workflow
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
