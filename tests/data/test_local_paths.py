"""Files and directories a task receives (and a local run returns) have local paths, as in
flytekit: ``.path``, ``str()`` and ``os.fspath()`` name the file on local disk, so
``open(f.path)`` works; where it is stored is ``.remote_source``. A shell task gets local paths
for ``{inputs.x}`` (the documented ``ShellTask`` example runs)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flytelike import (
    FlyteDirectory,
    FlyteFile,
    OutputLocation,
    ShellTask,
    current_context,
    kwtypes,
    task,
    workflow,
)
from flytelike.engine import Engine
from typesystem import TypeRegistry
from typesystem.io import DataContext, Dir, File, _paths


@pytest.fixture
def home(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The suite's home (tests/conftest.py), with the test's directory as the working directory
    (before the suite's ``engine`` is built)."""
    monkeypatch.chdir(tmp_path)
    return home


def test_a_value_read_from_the_store_has_its_local_path(
    store: DataContext, workdir: str, registry: TypeRegistry
) -> None:
    Path("data.txt").write_text("hello")
    lit = registry.to_literal(FlyteFile("data.txt"), FlyteFile)
    f = registry.to_python(lit, FlyteFile)
    assert f.remote_source == lit.uri
    if _paths.is_local(lit.uri):
        assert os.path.isabs(f.path) and not f.path.startswith("file:")
        assert str(f) == os.fspath(f) == f.path
        with open(f.path) as fh:
            assert fh.read() == "hello"
    else:  # a remote store: the path is the URI until fetched; os.fspath fetches it
        assert f.path == lit.uri == str(f)
        with open(os.fspath(f)) as fh:
            assert fh.read() == "hello"
    assert repr(f) == (
        f"File(path={f.path!r}, name='data.txt', format='', hash=None, hash_method=None)"
    )


def test_a_value_made_from_a_path_keeps_the_path_as_given(workdir: str) -> None:
    f = FlyteFile("data.txt")
    assert f.path == str(f) == "data.txt"
    d = FlyteDirectory("some/dir")
    assert d.path == str(d) == "some/dir"


@task
def write_file() -> FlyteFile:
    with open("greeting.txt", "w") as fh:
        fh.write("hello")
    return FlyteFile("greeting.txt")


@task
def read_file(f: FlyteFile) -> str:
    with open(f.path) as fh:  # the documented flytekit pattern
        text = fh.read()
    with open(f) as fh:  # os.PathLike
        assert fh.read() == text
    return f"{text}|{f}|{f.remote_source}"


@task
def write_dir() -> FlyteDirectory:
    os.makedirs("out", exist_ok=True)
    for name in ("a.txt", "b.txt"):
        Path("out", name).write_text(name)
    return FlyteDirectory("out")


@task
def list_dir(d: FlyteDirectory) -> list[str]:
    return sorted(os.listdir(d.path))


@workflow
def files_wf() -> tuple[str, FlyteFile, list[str], FlyteDirectory]:
    f = write_file()
    d = write_dir()
    return read_file(f=f), f, list_dir(d=d), d


def test_task_inputs_and_workflow_outputs_are_local_paths(engine: Engine) -> None:
    text, f, names, d = files_wf()
    content, path_seen, source_seen = text.split("|")
    assert content == "hello"
    assert os.path.isabs(path_seen) and os.path.isfile(path_seen)
    assert source_seen.startswith("file://") and source_seen.endswith("/greeting.txt")
    assert isinstance(f, File) and os.path.isfile(f.path) and str(f) == f.path
    assert Path(f.path).read_text() == "hello"
    assert names == ["a.txt", "b.txt"]
    assert isinstance(d, Dir) and sorted(os.listdir(d.path)) == names
    assert d.remote_source is not None and d.remote_source.startswith("file://")


# The ShellTask example of the flytekit user guide, as documented.
t1 = ShellTask(
    name="task_1",
    debug=True,
    script="""
    set -ex
    echo "Hey there! Let's run some bash scripts using a shell task."
    echo "Showcasing shell tasks." >> {inputs.x}
    if grep "shell" {inputs.x}
    then
        echo "Found it!" >> {inputs.x}
    else
        echo "Not found!"
    fi
    """,
    inputs=kwtypes(x=FlyteFile),
    output_locs=[OutputLocation(var="i", var_type=FlyteFile, location="{inputs.x}")],
)

t2 = ShellTask(
    name="task_2",
    debug=True,
    script="""
    set -ex
    cp {inputs.x} {inputs.y}
    tar -zcvf {outputs.j} {inputs.y}
    """,
    inputs=kwtypes(x=FlyteFile, y=FlyteDirectory),
    output_locs=[OutputLocation(var="j", var_type=FlyteFile, location="{inputs.y}.tar.gz")],
)

t3 = ShellTask(
    name="task_3",
    debug=True,
    script="""
    set -ex
    tar -zxvf {inputs.z}
    cat {inputs.y}/$(basename {inputs.x}) | wc -m > {outputs.k}
    """,
    inputs=kwtypes(x=FlyteFile, y=FlyteDirectory, z=FlyteFile),
    output_locs=[OutputLocation(var="k", var_type=FlyteFile, location="output.txt")],
)


@task
def create_entities() -> tuple[FlyteFile, FlyteDirectory]:
    working_dir = Path(current_context().working_directory)
    flytefile = working_dir / "test.txt"
    flytefile.touch()

    flytedir = working_dir / "testdata"
    flytedir.mkdir(exist_ok=True)

    flytedir_file = flytedir / ".gitkeep"
    flytedir_file.touch()
    return flytefile, flytedir  # type: ignore[return-value]


@workflow
def shell_task_wf() -> FlyteFile:
    x, y = create_entities()
    t1_out = t1(x=x)
    t2_out = t2(x=t1_out, y=y)
    t3_out = t3(x=x, y=y, z=t2_out)
    return t3_out  # type: ignore[no-any-return]


def test_the_documented_shell_task_example_runs(engine: Engine) -> None:
    out = shell_task_wf()
    assert os.path.isfile(out.path) and str(out) == out.path
    # t1 appended two lines to x; t2 copied it into y; t3 counted its characters.
    expected = len("Showcasing shell tasks.\nFound it!\n")
    assert int(Path(out.path).read_text().strip()) == expected


def test_shell_task_inputs_from_a_remote_store_are_fetched_first(
    engine: Engine, tmp_path: Path
) -> None:
    src = tmp_path / "in.txt"
    src.write_text("remote bytes")
    cat = ShellTask(
        name="cat_remote",
        script="cat {inputs.x} > {outputs.y}",
        inputs=kwtypes(x=FlyteFile),
        output_locs=[OutputLocation(var="y", var_type=FlyteFile, location="copied.txt")],
    )

    @workflow
    def wf(x: FlyteFile) -> FlyteFile:
        return cat(x=x)  # type: ignore[no-any-return]

    run = engine.run(wf, x=FlyteFile(str(src)), raw_data_path="memory://shell-test")
    out = run.outputs()
    assert out.remote_source.startswith("memory://")
    with out.open("rb") as fh:
        assert fh.read() == b"remote bytes"
