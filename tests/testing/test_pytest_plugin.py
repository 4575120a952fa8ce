"""The ``flytelike`` pytest plugin and ``flytelike.testing.patch``, used as a user's test suite
would use them: a test file run by pytest in a subprocess, with the plugin found through its
entry point."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

USER_TESTS = """
import os
from pathlib import Path

import pytest

from flytelike import task, workflow
from flytelike.testing import patch, task_mock


@task(cache=True, cache_version="1")
def fetch(n: int) -> list[int]:
    raise RuntimeError("talks to a database")


@task
def total(xs: list[int]) -> int:
    return sum(xs)


@workflow
def report(n: int) -> int:
    return total(xs=fetch(n=n))


@pytest.mark.usefixtures("flytelike_home")
@patch(fetch)
def test_patch_passes_the_mock(mock_fetch):
    mock_fetch.return_value = [1, 2, 3]
    assert report(n=3) == 6
    mock_fetch.assert_called_once_with(n=3)


@patch(fetch)
def test_patch_with_fixtures(flytelike_home, mock_fetch):
    mock_fetch.return_value = [4]
    assert report(n=1) == 4
    assert flytelike_home.is_dir()


def test_home_is_per_test(flytelike_home, tmp_path):
    assert os.environ["FLYTELIKE_HOME"] == str(flytelike_home)
    assert flytelike_home.parent == tmp_path
    with task_mock(fetch) as m:
        m.return_value = [5]
        assert report(n=1) == 5
    assert (flytelike_home / "runs.db").exists()


def test_engine_fixture_records_runs(flytelike_engine):
    with task_mock(fetch) as m:
        m.return_value = [2, 2]
        run = flytelike_engine.run(report, n=2)
    assert run.outputs() == 4
    assert run.phase.name == "SUCCEEDED"
    assert [r.name for r in flytelike_engine.list_runs()] == [run.name]
    assert Path(os.environ["FLYTELIKE_HOME"]) == flytelike_engine.config.home
"""


S3_USER_TESTS = """
from pathlib import Path

import fsspec

from flytelike import task
from flytelike.types.file import FlyteFile


@task
def write(text: str) -> FlyteFile:
    path = Path("note.txt")
    path.write_text(text)
    return FlyteFile(str(path))


def test_outputs_land_in_a_bucket(flytelike_engine, flytelike_s3, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bucket = flytelike_s3.new_bucket()
    assert bucket != flytelike_s3.new_bucket()
    run = flytelike_engine.run(write, text="hi", raw_data_path=f"s3://{bucket}/raw")
    uri = run.outputs().remote_source
    assert uri.startswith(f"s3://{bucket}/raw/")
    with fsspec.open(uri, "rt", **flytelike_s3.storage_options["s3"]) as f:
        assert f.read() == "hi"


def test_the_server_is_shared_and_aws_is_never_reached(flytelike_s3):
    import os

    assert os.environ["AWS_ENDPOINT_URL"] == flytelike_s3.endpoint_url
    assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
"""


def _pytest(cwd: Path, test_file: str, **env: str) -> subprocess.CompletedProcess[str]:
    """pytest run on ``test_file`` in a subprocess, as a user would run it."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test_file],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_user_suite_uses_the_fixtures_and_patch(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(textwrap.dedent(USER_TESTS))
    real_home = tmp_path / "must-stay-empty"
    out = _pytest(tmp_path, "test_user.py", FLYTELIKE_HOME=str(real_home))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "4 passed" in out.stdout
    assert not real_home.exists()  # every run went to the per-test homes


def test_a_user_suite_writes_to_the_s3_server_fixture(tmp_path: Path) -> None:
    pytest.importorskip("moto.server", reason="pip install 'moto[server]'")
    (tmp_path / "test_s3_user.py").write_text(S3_USER_TESTS)
    out = _pytest(tmp_path, "test_s3_user.py", AWS_ENDPOINT_URL="http://aws.invalid")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "2 passed" in out.stdout


def test_the_sample_user_project_passes_without_touching_the_users_home(tmp_path: Path) -> None:
    # examples/user_project is a user's project with its own pytest configuration; its tests use
    # the fixtures. HOME points at an empty directory: nothing may appear in ~/.flytelike.
    project = Path(__file__).resolve().parents[2] / "examples" / "user_project"
    fake_home = tmp_path / "user-home"
    fake_home.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "FLYTELIKE_HOME"}
    env["HOME"] = str(fake_home)
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "4 passed" in out.stdout
    assert not (fake_home / ".flytelike").exists()
    assert list(fake_home.iterdir()) == []


def test_the_fixtures_are_exported_by_flytelike_testing_for_explicit_use(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(
        "from flytelike.testing import flytelike_engine, flytelike_home  # noqa: F401\n"
    )
    (tmp_path / "test_explicit.py").write_text(
        "from flytelike import task\n\n"
        "@task\ndef inc(x: int) -> int:\n    return x + 1\n\n"
        "def test_inc(flytelike_engine, flytelike_home):\n"
        "    assert flytelike_engine.run(inc, x=1).outputs() == 2\n"
        "    assert (flytelike_home / 'runs.db').exists()\n"
    )
    out = _pytest(tmp_path, "test_explicit.py", PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1 passed" in out.stdout
