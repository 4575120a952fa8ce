"""The local meanings of flyte 2.12's ``flyte.git``, ``flyte.report`` widgets, ``flyte.models``
context records and the rest of ``flyte.errors`` (the names test only checks they resolve)."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path

import pytest

import flytelike as flyte
from flytelike import errors
from flytelike.git import GitStatus, config_from_root
from flytelike.git._status import _https

env = flyte.TaskEnvironment("modules")

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _repo(root: Path, remote: str) -> Path:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)

    root.mkdir()
    git("init", "-q")
    git("config", "user.email", "t@example.com")
    git("config", "user.name", "t")
    (root / "wf.py").write_text("x = 1\n")
    git("add", "wf.py")
    git("commit", "-q", "-m", "first")
    git("remote", "add", "origin", remote)
    return root


@needs_git
def test_git_status_of_the_current_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _repo(tmp_path / "repo", "git@github.com:acme/pipelines.git")
    monkeypatch.chdir(repo)
    status = GitStatus.from_current_repo()
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True)
    assert status.is_valid and status.is_tree_clean
    assert status.remote_url == "https://github.com/acme/pipelines"
    assert status.repo_dir.resolve() == repo.resolve() and status.commit_sha == sha.stdout.strip()
    url = status.build_url(repo / "wf.py", 1)
    assert url == f"https://github.com/acme/pipelines/blob/{status.commit_sha}/wf.py#L1"
    (repo / "new.py").write_text("")  # untracked: the tree is no longer clean, no line anchor
    dirty = GitStatus.from_current_repo()
    assert not dirty.is_tree_clean and not dirty.build_url(repo / "wf.py", 1).endswith("#L1")
    assert dirty.build_url(tmp_path / "elsewhere.py", 1) == ""


@needs_git
def test_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert GitStatus.from_current_repo() == GitStatus()
    assert not GitStatus().is_valid and GitStatus().build_url("x.py", 1) == ""
    assert config_from_root() is None


@needs_git
def test_config_from_root_feeds_init_from_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flytelike._v2 import init as _init

    monkeypatch.setattr(_init, "_CONFIG", [])
    repo = _repo(tmp_path / "repo", "https://gitlab.com/acme/pipelines.git")
    (repo / "sub").mkdir()
    monkeypatch.chdir(repo / "sub")
    assert config_from_root() is None  # no .flyte/config.yaml yet
    (repo / ".flyte").mkdir()
    (repo / ".flyte" / "config.yaml").write_text("task:\n  project: ml\n  domain: staging\n")
    found = config_from_root()
    assert found is not None and found.resolve() == (repo / ".flyte/config.yaml").resolve()
    flyte.init_from_config(found)
    assert (flyte.current_project(), flyte.current_domain()) == ("ml", "staging")
    status = GitStatus.from_current_repo()
    assert status.build_url(repo / "wf.py", 3).startswith(
        "https://gitlab.com/acme/pipelines/-/blob/"
    )


def test_remote_urls_become_https() -> None:
    assert _https("git@github.com:o/r.git") == "https://github.com/o/r"
    assert _https("ssh://git@gitlab.com/o/r.git") == "https://gitlab.com/o/r"
    assert _https("https://user:token@github.com/o/r") == "https://github.com/o/r"
    assert _https("https://github.com/o/r") == "https://github.com/o/r"


def test_report_widgets() -> None:
    assert flyte.report.abbreviate("<b>") == "&lt;b&gt;"
    long = flyte.report.abbreviate("x" * 20, limit=5)
    assert long.startswith("<details><summary>xxxxx... (+15)</summary>") and "x" * 20 in long
    assert flyte.report.duration_ms("2026-01-01T00:00:00Z", "2026-01-01T00:00:01.5Z") == "1500 ms"
    assert flyte.report.duration_ms("", "2026-01-01T00:00:00") == ""
    assert flyte.report.duration_ms("not a time", "2026-01-01T00:00:00") == ""
    flyte.report.Timeline().row(label="outside a task: dropped")


@env.task(report=True)
async def timeline() -> None:
    tl = flyte.report.Timeline("steps")
    tl.heading("Load <data>")
    tl.row(label="read", meta="3 files", detail="<i>ok</i>", error="boom")


def test_timeline_writes_to_its_tab() -> None:
    run = flyte.run(timeline)
    decks = run.decks()
    assert "steps" in {tab for _, tab, _ in decks}
    text = Path(decks[0][2].removeprefix("file://")).read_text()
    assert "Load &lt;data&gt;" in text and "<b>read</b>" in text and "boom" in text


@env.task
async def where_am_i() -> str:
    ctx = flyte.ctx()
    assert isinstance(ctx, flyte.models.TaskContext)
    assert isinstance(ctx.action, flyte.models.ActionID)
    assert ctx  # truthy inside a task
    return ctx.action.run_name


def test_models_context_records() -> None:
    run = flyte.run(where_am_i)
    assert run.outputs() == run.name
    assert flyte.ctx() is flyte.models.NULL_TASK_CONTEXT
    assert not flyte.ctx()  # flyte's idiom: `if flyte.ctx():` tells whether a task runs here
    assert flyte.models.extract_return_annotation(tuple[int, str]) == {"o0": int, "o1": str}
    a, b = flyte.models.generate_random_name(), flyte.models.generate_random_name()
    assert a != b and len(a) == 36


def test_more_flyte_errors() -> None:
    assert issubclass(errors.DeadlineExceededError, errors.TaskTimeoutError)
    assert issubclass(errors.ResourceExhaustedError, errors.SlowDownError)
    assert issubclass(errors.AppleSiliconModelNotFoundError, errors.RuntimeUserError)
    assert issubclass(errors.UnionRpcError, errors.RuntimeSystemError)
    assert not issubclass(errors.ActionNotFoundError, errors.BaseRuntimeError)
    e = errors.DeploymentError("no image")
    assert (e.code, e.kind, str(e)) == ("DeploymentError", "user", "no image")
    pulled = errors.ImagePullBackOffError("ErrImagePull", "cannot pull", "worker-1")
    assert (pulled.code, pulled.root_cause_message, pulled.worker) == (
        "ErrImagePull",
        "cannot pull",
        "worker-1",
    )
    pkg = errors.InvalidPackageError("libfoo", "not found")
    assert pkg.package_name == "libfoo" and "libfoo" in str(pkg)
    gpu = errors.GPUFaultSystemError("GpuXidError", "xid 79", gpu_index=0, node="n1")
    assert isinstance(gpu, errors.RuntimeSystemError) and gpu.kind == "system"
    assert (gpu.gpu_index, gpu.node, gpu.severity) == (0, "n1", None)  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match="unknown fault field"):
        errors.GPUFaultUserError("GpuXidError", "x", colour="red")
    assert errors.GPU_FAULT_CODES[0] == "GpuXidError"
    by_code = errors.APPLE_SILICON_ERRORS_BY_CODE["APPLE_SILICON_DAEMON_OOM"]
    assert by_code is errors.AppleSiliconDaemonOOMError


def test_silence_polling_error() -> None:
    seen: list[object] = []
    loop = asyncio.new_event_loop()
    try:
        loop.default_exception_handler = seen.append  # type: ignore[method-assign]
        errors.silence_polling_error(loop, {"exception": BlockingIOError()})
        errors.silence_polling_error(loop, {"exception": ValueError("x"), "message": "m"})
    finally:
        loop.close()
    assert len(seen) == 1


sleepy = flyte.TaskEnvironment("sleepy", plugin_config=flyte.extras.Sleep())


@sleepy.task
async def wait_for(seconds: float) -> float:
    await asyncio.sleep(seconds)
    return seconds


def test_sleep_plugin_config_is_carried_and_the_body_runs() -> None:
    custom = dict(flyte.closure_of(wait_for).tasks[0].custom)
    assert json.loads(custom["v2.plugin_config"]) == {"task_type": "core-sleep"}
    assert flyte.extras.Sleep() == flyte.extras.Sleep()
    assert flyte.run(wait_for, 0.01).outputs() == 0.01


def test_flyte_extend_names() -> None:
    # flyte 2.12's flyte.extend.__all__: the names with a local meaning resolve, the others say why
    import typing

    import flytelike.extend as extend

    assert extend.TaskTemplate is extend.AsyncFunctionTaskTemplate is flyte.TaskTemplate
    assert typing.get_args(extend.Architecture) == ("linux/amd64", "linux/arm64")
    assert isinstance(extend.is_initialized(), bool)
    for name in (
        "ImageBuildEngine", "ImageBuilder", "ImageChecker", "RuntimeTaskTemplate",
        "TaskPluginRegistry", "download_code_bundle", "get_proto_extended_resources",
        "get_proto_resources", "lazy_module", "pod_spec_from_resources",
        "PRIMARY_CONTAINER_DEFAULT_NAME",
    ):  # fmt: skip
        with pytest.raises(ImportError, match="flytelike does not implement it"):
            exec(f"from flytelike.extend import {name}", {})


def test_flyte_app_extras_control_plane_helpers_say_why() -> None:
    # flyte-sdk's webhook app examples import them
    for name in ("FlyteWebhookAppEnvironment", "FastAPIPassthroughAuthMiddleware"):
        with pytest.raises(ImportError, match="control plane"):
            exec(f"from flytelike.app.extras import {name}", {})
