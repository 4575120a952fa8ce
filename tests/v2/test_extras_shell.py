"""flyte 2.12's shell tasks (``flyte.extras.shell.create``) as a flyte user writes them: typed
inputs staged and rendered into the script (files, lists, dirs, flags, dicts, optionals,
defaults), outputs collected (files, globs, scalars, stdout), failures and timeouts reported;
locally the script runs with bash on this machine."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest

import flytelike as flyte
from flytelike.errors import DefinitionError, RuntimeUserError, TaskTimeoutError
from flytelike.extras import shell
from flytelike.io import Dir, File

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")

count_lines = shell.create(
    name="count_lines",
    image="debian:12-slim",
    inputs={
        "a": File,
        "more": list[File],
        "numbered": bool,
        "limit": int,
        "label": str | None,
        "extras": dict[str, str],
        "ref": Dir | None,
    },
    outputs={"parts": shell.Glob("*.txt"), "total": int, "log": shell.Stdout(type=str)},
    script=r"""
        cat {inputs.a} {inputs.more} | head -n {inputs.limit} > {outputs.parts}/all.txt
        echo "flags: {flags.numbered} {flags.label} {flags.more}" | sed "s#$PWD##g"
        printf '%s|' {flags.extras}; echo
        echo "ref: {flags.ref}"
        wc -l < {outputs.parts}/all.txt | tr -d ' ' > {outputs.total}
        echo ignored > {outputs.parts}/skip.log
    """,
    flag_aliases={"more": ("--more", "repeat"), "extras": ("--set-", "equals")},
    defaults={"limit": 100},
)


def _file(tmp: Path, name: str, text: str) -> File:
    path = tmp / name
    path.write_text(text)
    return File(str(path))


def test_a_shell_task_renders_runs_and_collects(tmp_path: Path) -> None:
    a = _file(tmp_path, "a.txt", "one\ntwo\n")
    b = _file(tmp_path, "b.txt", "three\n")
    parts, total, log = asyncio.run(
        count_lines(a=a, more=[b], numbered=True, extras={"k": "v w", "x": "y"})
    )
    assert total == 3 and [Path(p.download_sync()).name for p in parts] == ["all.txt"]
    assert Path(parts[0].download_sync()).read_text() == "one\ntwo\nthree\n"
    lines = log.splitlines()
    assert lines[0].startswith("flags: -numbered  --more ") and lines[0].endswith("/b.txt")
    assert lines[1] == "--set-k=v w|--set-x=y|"  # (each pair one word, spaces kept)
    assert lines[2] == "ref:"  # an unset optional Dir renders no flag (the text is stripped)
    assert count_lines.image == "debian:12-slim"  # (carried for a cluster)


def test_inputs_are_checked_and_failures_reported(tmp_path: Path) -> None:
    a = _file(tmp_path, "a.txt", "x\n")
    with pytest.raises(DefinitionError, match="input 'numbered' was not given"):
        count_lines.run_sync(a=a, more=[], extras={})
    with pytest.raises(DefinitionError, match="unknown input"):
        count_lines.run_sync(a=a, more=[], numbered=False, extras={}, nope=1)
    failing = shell.create(
        "failing", image="debian:12-slim", inputs={"n": int}, outputs={"out": File},
        script="echo before; echo oops >&2; exit {inputs.n}",
    )  # fmt: skip
    with pytest.raises(RuntimeUserError, match=r"exited with 3[\s\S]*before[\s\S]*oops"):
        failing.run_sync(n=3)
    with pytest.raises(RuntimeUserError, match="wrote no output 'out'"):
        failing.run_sync(n=0)
    slow = shell.create("slow", image="x", script="sleep 5", timeout=1)
    with pytest.raises(TaskTimeoutError, match="timeout of 1s"):
        slow.run_sync()
    with pytest.raises(DefinitionError, match="unsupported type"):
        shell.create("bad", image="x", inputs={"s": set[int]}, script="")
    with pytest.raises(DefinitionError, match="unknown placeholder"):
        shell.create("bad", image="x", script="echo {input.x}").run_sync()
    with pytest.raises(DefinitionError, match="Stdout/Stderr output"):
        shell.create(
            "bad", image="x", outputs={"o": shell.Stdout()}, script="{outputs.o}"
        ).run_sync()


def test_retries_dirs_and_use_inside_a_task(tmp_path: Path) -> None:
    marker = tmp_path / "tried"
    flaky = shell.create(
        "flaky", image="x", inputs={"marker": str, "src": Dir}, outputs={"copy": Dir},
        script='if [ ! -e {inputs.marker} ]; then touch {inputs.marker}; exit 1; fi; '
               "cp -r {inputs.src}/. {outputs.copy}/",
        retries=1,
    )  # fmt: skip
    src = tmp_path / "src"
    src.mkdir()
    (src / "f.txt").write_text("hi")
    env = flyte.TaskEnvironment("shell_env", depends_on=[flaky.env])

    @env.task
    async def pipeline(src: Dir) -> str:
        copied = await flaky(marker=str(marker), src=src)
        return (Path(copied.download_sync()) / "f.txt").read_text()

    assert flyte.run(pipeline, src=Dir(str(src))).outputs()[0] == "hi"
    assert flaky.env.name == "flaky"


def test_a_call_from_a_task_is_a_child_action_the_engine_retries_and_caches(
    tmp_path: Path, engine: Any
) -> None:
    tries = tmp_path / "tries"
    counted = shell.create(
        "counted", image="x", inputs={"tries": str, "word": str}, outputs={"out": str},
        script="echo x >> {inputs.tries}; "
               'if [ $(wc -l < {inputs.tries}) -lt 2 ]; then exit 1; fi; '
               "echo {inputs.word}-done > {outputs.out}",
        retries=1,
    )  # fmt: skip
    env = flyte.TaskEnvironment("shell_parent", depends_on=[counted.env])

    @env.task
    async def parent(word: str) -> str:
        return await counted(tries=str(tries), word=word)

    run = engine.run(parent, word="hi")
    assert run.outputs() == "hi-done"
    child = next(a for a in run.actions() if a.parent)
    assert child.name.endswith("counted") and child.phase == "SUCCEEDED"
    assert [a.phase for a in run.attempts(child.action_id)] == ["RETRYABLE_FAILED", "SUCCEEDED"]
    assert tries.read_text().count("x") == 2  # (one try per attempt)

    # cache="auto" (flyte's default for shell tasks): the same inputs again do not run it
    assert engine.run(parent, word="hi").outputs() == "hi-done"
    assert tries.read_text().count("x") == 2
    # as a task of its own, through flytelike.run
    assert flyte.run(counted.as_task(), tries=str(tries), word="yo").outputs()[0] == "yo-done"
    assert tries.read_text().count("x") == 3


def test_an_edited_script_is_not_served_from_the_cache(tmp_path: Path, engine: Any) -> None:
    log = tmp_path / "log"

    def made(text: str) -> Any:
        return shell.create(
            "edited", image="x", inputs={"log": str}, outputs={"out": str},
            script=f"echo {text} >> {{inputs.log}}; echo {text} > {{outputs.out}}",
        )  # fmt: skip

    assert engine.run(made("one").as_task(), log=str(log)).outputs() == "one"
    assert engine.run(made("one").as_task(), log=str(log)).outputs() == "one"
    assert engine.run(made("two").as_task(), log=str(log)).outputs() == "two"
    assert log.read_text().split() == ["one", "two"]
    off = shell.create(
        "off", image="x", inputs={"log": str}, outputs={"o": int},
        script="echo off >> {inputs.log}; echo 1 > {outputs.o}", cache="disable",
    )  # fmt: skip
    assert engine.run(off.as_task(), log=str(log)).outputs() == 1
    assert engine.run(off.as_task(), log=str(log)).outputs() == 1
    assert log.read_text().split() == ["one", "two", "off", "off"]  # (not cached)


def test_an_input_name_that_cannot_be_a_task_parameter_is_refused() -> None:
    odd = shell.create("odd", image="x", inputs={"__defaults__": str}, script="echo hi")
    with pytest.raises(DefinitionError, match="must be a Python identifier not starting"):
        odd.as_task()
