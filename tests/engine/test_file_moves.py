"""A file a task creates in its working directory reaches the next task without a copy: it is
renamed into the local store (same inode), and the task's working directory is still removed."""

from __future__ import annotations

import os

import flytelike as fl
from flytelike.engine import Engine


@fl.task
def make(text: str) -> tuple[fl.File, int]:
    path = os.path.join(fl.current_context().working_directory, "made.txt")
    with open(path, "w") as f:
        f.write(text)
    return fl.File(path), os.stat(path).st_ino


@fl.task
def inode_and_text(f: fl.File) -> tuple[int, str]:
    path = os.fspath(f)
    with open(path) as fh:
        return os.stat(path).st_ino, fh.read()


@fl.workflow
def handoff(text: str) -> tuple[int, int, str]:
    f, made = make(text=text)
    seen, got = inode_and_text(f=f)
    return made, seen, got  # type: ignore[return-value]


def test_a_file_made_in_the_working_directory_is_moved_not_copied(engine: Engine) -> None:
    made, seen, got = engine.run(handoff, text="hello").outputs()
    assert got == "hello"
    assert seen == made  # the same file: renamed into the store


@fl.task
def user_file(path: str) -> fl.File:
    return fl.File(path)


def test_a_file_outside_the_working_directory_is_copied(engine: Engine, tmp_path: object) -> None:
    path = os.path.join(str(tmp_path), "mine.txt")
    with open(path, "w") as f:
        f.write("mine")
    out = engine.run(user_file, path=path).outputs()
    assert os.path.exists(path)  # the user's file stays where it was
    assert os.stat(os.fspath(out)).st_ino != os.stat(path).st_ino


env = fl.TaskEnvironment("moves")


@env.task
def child_reads(f: fl.File) -> str:
    with open(os.fspath(f)) as fh:
        return fh.read()


@env.task
def parent_keeps_its_file() -> str:
    path = os.path.join(fl.current_context().working_directory, "mine.txt")
    with open(path, "w") as f:
        f.write("still here")
    got = child_reads(f=fl.File(path))  # a child call while the parent runs: copied
    with open(path) as fh:
        return got + " / " + fh.read()


def test_a_file_handed_to_a_child_call_stays_in_the_parents_working_directory(
    engine: Engine,
) -> None:
    assert engine.run(parent_keeps_its_file).outputs() == "still here / still here"
