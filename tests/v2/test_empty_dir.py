"""``flyte.io.EmptyDir`` as flyte 2.12 uses it: a task that may or may not produce a directory
returns ``EmptyDir()`` (or ``Dir.empty()``); the caller receives a ``Dir`` whose ``is_empty`` is
true, as a task output, a dataclass field and a task input."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import flytelike as flyte
from flytelike.io import Dir, EmptyDir

env = flyte.TaskEnvironment("empty-dir")


@dataclasses.dataclass
class ScriptOutput:
    exit_code: int
    output_dir: Dir


@env.task
async def maybe_dir(make: bool, where: str) -> ScriptOutput:
    if make:
        Path(where).mkdir(parents=True, exist_ok=True)
        (Path(where) / "a.txt").write_text("a")
        return ScriptOutput(0, await Dir.from_local(where))
    return ScriptOutput(0, EmptyDir())


@env.task
async def empty() -> Dir:
    return Dir.empty()


@env.task
async def count_files(d: Dir) -> int:
    if d.is_empty:
        return -1
    return len([f async for f in d.walk()])


@env.task
async def pipeline(make: bool, where: str) -> int:
    out = await maybe_dir(make, where)
    return await count_files(out.output_dir)


def test_empty_dir_as_task_output() -> None:
    d = flyte.run(empty).outputs()[0]
    assert isinstance(d, Dir) and d.is_empty and d.list_files_sync() == []


def test_empty_dir_in_a_dataclass_and_as_input(tmp_path: Path) -> None:
    assert flyte.run(pipeline, False, str(tmp_path / "d")).outputs() == -1
    assert flyte.run(pipeline, True, str(tmp_path / "d")).outputs() == 1


def test_empty_dir_passed_to_a_run() -> None:
    assert flyte.run(count_files, EmptyDir()).outputs() == -1
