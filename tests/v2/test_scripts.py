"""flyte 2's ``run_python_script`` and ``load_plugin_config``, locally: a script runs as a
recorded run; a plugin config is built from a YAML file."""

from __future__ import annotations

import asyncio
import dataclasses
import sys
import textwrap
import time
import types
from pathlib import Path

import pytest

import flytelike as flyte
from flytelike.engine import Engine, RunFailedError
from flytelike.errors import ConfigurationError

SCRIPT = """\
import pathlib, sys
print("args", sys.argv[1:])
print("warning", file=sys.stderr)
out = pathlib.Path("out")
out.mkdir(exist_ok=True)
(out / "result.txt").write_text(" ".join(sys.argv[1:]))
"""


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "train.py"
    path.write_text(SCRIPT)
    return path


def test_a_script_runs_as_a_recorded_run(script: Path, engine: Engine) -> None:
    run = flyte.run_python_script(
        script, extra_args=["--epochs", "3"], output_dir="out", wait=True, gpu=1, queue="gpu"
    )
    assert isinstance(run, flyte.remote.Run) and run.phase == flyte.models.ActionPhase.SUCCEEDED
    (out,) = run.outputs()
    assert out.exit_code == 0
    assert out.stdout == "args ['--epochs', '3']\nwarning\n"
    local = Path(out.output_dir.download_sync())
    assert (local / "result.txt").read_text() == "--epochs 3"
    [action] = flyte.remote.Action.listall(run.name)
    assert action.task_name == "python_script_train.execute_script"
    [template] = engine.store.run_closure(run.name).tasks
    assert template.resources.requests.cpu == "4" and template.resources.requests.gpu == "1"
    assert ("v2.queue", '"gpu"') in template.custom
    logs = "".join(t for log in engine.get_run(run.name).logs() for _, t in log.chunks)
    assert "args ['--epochs', '3']" in logs


def test_a_named_run_without_output_dir_and_async(script: Path) -> None:
    run = asyncio.run(flyte.run_python_script.aio(script, name="nightly-train"))
    assert run.name == "nightly-train"
    run.wait(quiet=True)
    (out,) = run.outputs()
    assert out.output_dir.is_empty


def test_a_failing_script_fails_the_run(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("print('about to fail')\nraise SystemExit(3)\n")
    run = flyte.run_python_script(bad, wait=True)
    assert run.phase == flyte.models.ActionPhase.FAILED
    with pytest.raises(RunFailedError, match="exit code 3, last output: about to fail"):
        run.outputs()


def test_a_script_past_its_timeout_is_killed(tmp_path: Path) -> None:
    slow = tmp_path / "slow.py"
    marker = tmp_path / "finished"
    slow.write_text(f"import time, pathlib\ntime.sleep(2)\npathlib.Path({str(marker)!r}).touch()\n")
    started = time.monotonic()
    run = flyte.run_python_script(slow, timeout=1, wait=True)
    assert run.phase == flyte.models.ActionPhase.TIMED_OUT
    time.sleep(max(0.0, started + 2.5 - time.monotonic()))
    assert not marker.exists()  # (killed with its task: it would have written it by now)


def test_what_needs_a_cluster_says_so(script: Path, tmp_path: Path) -> None:
    with pytest.raises(flyte.remote.NotSupportedLocallyError, match=r"-m pdb .*train\.py"):
        flyte.run_python_script(script, debug=True)
    with pytest.raises(flyte.remote.NotSupportedLocallyError, match="torchrun"):
        flyte.run_python_script(script, clustered=True, replicas=2, nproc_per_node=4)
    with pytest.raises(ConfigurationError, match="requires both replicas and nproc_per_node"):
        flyte.run_python_script(script, clustered=True)
    with pytest.raises(ConfigurationError, match="replicas only apply when clustered=True"):
        flyte.run_python_script(script, replicas=2)
    with pytest.raises(FileNotFoundError):
        flyte.run_python_script(tmp_path / "missing.py")
    with pytest.raises(ConfigurationError, match=r"must be a \.py file"):
        flyte.run_python_script(tmp_path)


@dataclasses.dataclass
class WorkerGroup:
    group_name: str
    replicas: int = 1


@dataclasses.dataclass
class Head:
    ray_start_params: dict[str, str] | None = None


@dataclasses.dataclass
class ClusterConfig:
    worker_node_config: list[WorkerGroup]
    head_node_config: Head | None = None
    runtime_env: dict[str, str] | None = None


@pytest.fixture
def plugin_module(monkeypatch: pytest.MonkeyPatch) -> str:
    module = types.ModuleType("acme_plugins")
    module.ClusterConfig = ClusterConfig  # type: ignore[attr-defined]
    module.NotADataclass = dict  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "acme_plugins", module)
    return "acme_plugins"


def test_load_plugin_config_builds_nested_dataclasses(plugin_module: str, tmp_path: Path) -> None:
    path = tmp_path / "ray.yaml"
    path.write_text(
        textwrap.dedent(
            f"""\
            plugin: {plugin_module}.ClusterConfig
            config:
              worker_node_config:
                - group_name: workers
                  replicas: 2
              head_node_config:
                ray_start_params:
                  num-cpus: "0"
            """
        )
    )
    config = flyte.load_plugin_config(path)
    assert config == ClusterConfig(
        [WorkerGroup("workers", 2)], Head({"num-cpus": "0"}), runtime_env=None
    )
    env = flyte.TaskEnvironment(name="with_plugin", plugin_config=config)
    assert env.plugin_config is config


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("- just a list", "top-level 'plugin' key"),
        ("plugin: acme_plugins.Missing", "cannot load plugin config class 'acme_plugins.Missing'"),
        ("plugin: acme_plugins.NotADataclass", "is not a dataclass"),
        ("plugin: acme_plugins.ClusterConfig\nconfig: [1]", "'config' must be a mapping"),
        (
            "plugin: acme_plugins.ClusterConfig\nconfig: {workers: []}",
            r"unknown field\(s\) \['workers'\]",
        ),
        (
            "plugin: acme_plugins.ClusterConfig\nconfig: {worker_node_config: [{group_name: a, "
            "size: 3}]}",
            r"config\.worker_node_config\[0\]: unknown field\(s\) \['size'\]",
        ),
    ],
)
def test_bad_plugin_config_files_say_what_is_wrong(
    plugin_module: str, tmp_path: Path, text: str, error: str
) -> None:
    path = tmp_path / "plugin.yaml"
    path.write_text(text)
    with pytest.raises(ConfigurationError, match=error):
        flyte.load_plugin_config(path)
