"""flyte 2's platform verbs with a local meaning (issue 13, item 11): ``deploy`` registers
environments' tasks in the local store, ``flytelike.remote.Task.get`` finds and runs them (from
another process too), ``remote.Run``/``Action`` read the store, ``rerun`` runs a recorded run
again, ``build`` builds nothing, and the CLI spellings ``deploy``, ``get run`` and ``abort``."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

import flytelike as flyte
import flytelike.remote as remote
from flytelike._v2 import init as _init
from flytelike.cli import main
from flytelike.engine import Engine, RunNotFoundError
from flytelike.errors import DefinitionError, RemoteTaskNotFoundError, RemoteTaskUsageError

TEAM = """
import flytelike as flyte

base = flyte.TaskEnvironment(name="base")
team = flyte.TaskEnvironment(name="team", depends_on=[base])


@base.task
async def one() -> int:
    return 1


@team.task
async def double(x: int) -> int:
    return 2 * x


@team.task
async def greet(name: str, punct: str = "!") -> str:
    return f"hello {name}{punct}"
"""

USE = """
import flytelike as flyte
import flytelike.remote as remote

flyte.init(project="ml", domain="development")
task = remote.Task.get("team.double", auto_version="latest")
run = flyte.run(task, x=21)
print(run.outputs()[0], remote.Run.get(run.name).project)
"""


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.setattr(_init, "_CONFIG", [])
    (tmp_path / "team_envs.py").write_text(TEAM)
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("team_envs", None)
    import team_envs

    yield team_envs
    sys.modules.pop("team_envs", None)


def test_deploy_registers_tasks_that_another_process_runs(
    team: object, tmp_path: Path, engine: Engine
) -> None:
    flyte.init(project="ml", domain="development")
    (dep,) = flyte.deploy(team.team)  # type: ignore[attr-defined]
    assert list(dep.envs) == ["base", "team"]  # depends_on deployed with it
    names = sorted(t.name for t in dep.deployed_tasks)
    assert names == ["base.one", "team.double", "team.greet"]
    assert len({t.version for t in dep.deployed_tasks}) == 1
    assert "team.double (v" in dep.summary_repr()
    listed = list(remote.Task.listall(by_task_env="team"))
    assert [t.name for t in listed] == ["team.double", "team.greet"]
    (tmp_path / "use.py").write_text(USE)
    env = {**os.environ, "FLYTELIKE_HOME": str(engine.config.home), "PYTHONPATH": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, str(tmp_path / "use.py")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["42", "ml"]


def test_task_get_fetch_and_run(team: object, engine: Engine) -> None:
    flyte.init(project="ml", domain="development")
    flyte.deploy(team.team, version="v1")  # type: ignore[attr-defined]
    lazy = remote.Task.get("team.greet", version="v1")
    assert repr(lazy) == "Future for task with name team.greet"
    details = lazy.fetch()
    assert (details.name, details.version, details.environment) == ("team.greet", "v1", "team")
    assert details.required_args == ("name",) and details.default_input_args == ("punct",)
    assert details.task_type == "python" and details.secrets == []
    requests, limits = details.resources
    assert requests == limits  # (none declared)
    assert flyte.run(lazy, name="ada").outputs() == "hello ada!"
    assert flyte.run(details, name="bo", punct="?").outputs() == "hello bo?"
    assert asyncio.run(lazy.fetch.aio()) is details
    with pytest.raises(ValueError, match="Either version or auto_version"):
        remote.Task.get("team.greet")
    with pytest.raises(ValueError, match="'latest' or 'current'"):
        remote.Task.get("team.greet", auto_version="newest")
    missing = remote.Task.get("team.greet", version="v2")  # lazy: no error yet
    with pytest.raises(RemoteTaskNotFoundError, match="version v2 not found in ml development"):
        flyte.run(missing, name="x")
    other = remote.Task.get("team.greet", project="web", auto_version="latest")
    with pytest.raises(RemoteTaskNotFoundError):
        other.fetch()
    with pytest.raises(RemoteTaskUsageError, match="only inside a running task"):
        details(name="x")
    with pytest.raises(RemoteTaskUsageError, match="positional"):
        details("x")


def test_remote_task_called_inside_a_task_and_run_action_views(
    team: object, engine: Engine
) -> None:
    flyte.init(project="ml", domain="development")
    flyte.deploy(team.team)  # type: ignore[attr-defined]
    doubler = remote.Task.get("team.double", auto_version="latest")
    env = flyte.TaskEnvironment(name="user")

    @env.task
    async def parent(x: int) -> int:
        return await doubler(x=x) + 1

    run = flyte.run(parent, x=5)
    assert run.outputs() == 11
    got = remote.Run.get(run.name)
    assert (got.name, got.phase, got.project, got.domain) == (
        run.name,
        flyte.models.ActionPhase.SUCCEEDED,
        "ml",
        "development",
    )
    assert got.done() and got.outputs() == 11 and dict(got.inputs()) == {"x": 5}
    got.wait(quiet=True)
    run_details = got.details()  # (flyte's RunDetails: values are coroutines)
    assert run_details.name == run.name and run_details.done()
    assert asyncio.run(run_details.outputs()) == (11,)
    assert dict(asyncio.run(run_details.inputs())) == {"x": 5}
    got.abort()  # it ended: nothing to do, as flyte
    actions = list(remote.Action.listall(run.name))
    assert [a.task_name for a in actions] == ["user.parent", "team.double"]
    child = actions[1]
    assert child.parent == actions[0].name
    # flyte's Action: details(), wait() and sync() are coroutines; ActionDetails' values too,
    # and its runtime a timedelta
    details = asyncio.run(child.details())
    assert asyncio.run(child.sync()) is child and asyncio.run(child.wait(quiet=True)) is None
    assert asyncio.run(details.outputs()) == (10,)
    assert dict(asyncio.run(details.inputs())) == {"x": 5}
    assert isinstance(details.runtime, timedelta) and details.runtime.total_seconds() >= 0
    assert remote.Action.get(run_name=run.name, name=child.name).task_name == "team.double"
    assert asyncio.run(remote.Run.get.aio(run.name)).name == run.name
    names = [r.name for r in remote.Run.listall(in_phase=("succeeded",))]
    assert run.name in names
    newest = next(remote.Run.listall(sort_by=("created_at", "desc")))
    assert newest.name == run.name
    with pytest.raises(RunNotFoundError):
        remote.Run.get("no-such-run")
    with pytest.raises(remote.NotSupportedLocallyError):
        remote.Run.listall(created_by_subject="me")


def test_deploy_options(team: object, engine: Engine) -> None:
    (dry,) = flyte.deploy(team.team, dryrun=True)  # type: ignore[attr-defined]
    assert dry.dryrun and list(remote.Task.listall()) == []  # nothing recorded
    (dry,) = flyte.deploy(team.team, dry_run=True)  # type: ignore[attr-defined]  # (flyte 2.12's)
    assert dry.dryrun and list(remote.Task.listall()) == []
    with pytest.raises(DefinitionError, match="version must be set when copy_style is 'none'"):
        flyte.deploy(team.team, copy_style="none")  # type: ignore[attr-defined]
    with pytest.raises(DefinitionError, match="copy_style"):
        flyte.deploy(team.team, copy_style="zip")  # type: ignore[attr-defined]
    with pytest.raises(NotImplementedError):
        flyte.deploy(team.team, interactive_mode=True)  # type: ignore[attr-defined]
    with pytest.raises(DefinitionError, match="TaskEnvironment"):
        flyte.deploy("team")
    (dep,) = flyte.deploy(team.base, version="b1")  # type: ignore[attr-defined]
    assert [(t.name, t.version, t.project) for t in dep.deployed_tasks] == [
        ("base.one", "b1", "flytesnacks")
    ]


def test_rerun_build_and_build_images(engine: Engine) -> None:
    env = flyte.TaskEnvironment(name="again", image="ghcr.io/acme/again:1")

    @env.task
    async def plus(x: int) -> int:
        return x + 1

    first = flyte.with_runcontext(project="p1").run(plus, x=1)
    second = flyte.rerun(first.name)
    assert second.name != first.name and second.outputs() == 2
    rec = engine.store.get_run(second.name)
    assert rec is not None and rec.project == "p1"
    assert engine.store.run_literals(second.name, "inputs") == engine.store.run_literals(
        first.name, "inputs"
    )
    with pytest.raises(RunNotFoundError):
        flyte.rerun("no-such-run")
    built = flyte.build("ghcr.io/acme/app:2")
    assert (built.uri, built.remote_run) == ("ghcr.io/acme/app:2", None)
    assert asyncio.run(flyte.build.aio(env.image)).uri == "ghcr.io/acme/again:1"
    assert flyte.build_images(env) == {"again": "ghcr.io/acme/again:1"}
    seed = {"again": "ghcr.io/acme/again:built"}  # (built before: reused as it is)
    assert flyte.build_images(env, copy_style="all", seed_cache=seed) == seed
    with pytest.raises(DefinitionError, match="copy_style"):
        flyte.build_images(env, copy_style="zip")
    with pytest.raises(DefinitionError, match="expected an Image"):
        flyte.build(42)


def test_cli_deploy_get_run_and_abort(team: object, tmp_path: Path, engine: Engine) -> None:
    runner = CliRunner()
    file = str(tmp_path / "team_envs.py")
    out = runner.invoke(main, ["deploy", "--project", "cli", file, "team", "--version", "c1"])
    assert out.exit_code == 0, out.output
    assert "deployed team.double version c1 to cli/development" in out.output
    assert [t.version for t in remote.Task.listall(project="cli")] == ["c1"] * 3
    bad = runner.invoke(main, ["deploy", file, "nope"])
    assert bad.exit_code == 2 and "no TaskEnvironment named 'nope'; it has: base, team" in (
        bad.output
    )
    run = flyte.run(team.double, x=2)  # type: ignore[attr-defined]
    got = runner.invoke(main, ["get", "run", run.name])
    assert got.exit_code == 0 and f"run:      {run.name}" in got.output
    listed = runner.invoke(main, ["get", "run"])
    assert run.name in listed.output
    ended = runner.invoke(main, ["abort", run.name])
    assert ended.exit_code == 1 and "the run has already ended SUCCEEDED" in ended.output
    slow_env = flyte.TaskEnvironment(name="slow")

    @slow_env.task
    async def nap() -> None:
        await asyncio.sleep(30)

    running = flyte.run(nap, wait=False)
    while not any(a.phase == "RUNNING" for a in running.actions()):
        time.sleep(0.02)
    aborted = runner.invoke(main, ["abort", running.name])
    assert aborted.exit_code == 0, aborted.output
    assert f"aborted run {running.name}" in aborted.output
    assert remote.Run.get(running.name).phase == flyte.models.ActionPhase.ABORTED


def test_auto_version_current_is_the_running_tasks_deployment(engine: Engine) -> None:
    env = flyte.TaskEnvironment(name="cur")

    @env.task
    async def leaf(x: int) -> int:
        return x + 100

    @env.task
    async def top(x: int) -> int:
        return await remote.Task.get("cur.leaf", auto_version="current")(x=x)  # type: ignore[no-any-return]

    flyte.deploy(env, version="v7")
    assert flyte.run(remote.Task.get("cur.top", version="v7"), x=1).outputs() == 101
    with pytest.raises(ValueError, match="only be used within a task context"):
        remote.Task.get("cur.leaf", auto_version="current").fetch()


def test_override_of_a_remote_task(engine: Engine) -> None:
    env = flyte.TaskEnvironment(name="ov")

    @env.task
    async def show() -> str:
        return os.environ.get("MODE", "unset")

    flyte.deploy(env, version="o1")
    lazy = remote.Task.get("ov.show", version="o1")
    assert flyte.run(lazy).outputs() == "unset"
    fast = lazy.override(env_vars={"MODE": "fast"}, retries=2, timeout=30, short_name="fast")
    assert flyte.run(fast).outputs() == "fast"
    md = fast.fetch()._template.metadata
    assert (md.retries, md.timeout) == (2, 30.0) and "short_name='fast'" in repr(fast.fetch())
    assert flyte.run(lazy).outputs() == "unset"  # the deployment itself is unchanged
    with pytest.raises(RemoteTaskUsageError, match="cannot override queue locally"):
        lazy.fetch().override(queue="gpu")
    with pytest.raises(RemoteTaskUsageError, match="retries must be an int"):
        lazy.fetch().override(retries=-1)
