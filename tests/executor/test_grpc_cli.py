"""``flytelike run --backend grpc`` against ``flytelike serve executor``, both real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import listening

PROJECT = """
import os

import flytelike as fl


@fl.task
def double(x: int) -> int:
    print(f"doubling {x}")
    return 2 * x


@fl.task
def where() -> int:
    return os.getpid()


@fl.workflow
def wf(x: int) -> int:
    return double(x=double(x=x))


@fl.workflow
def mapped(xs: list[int]) -> list[int]:
    return fl.map_task(double)(x=xs)
"""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str, dict[str, str]]]:
    env = dict(os.environ, FLYTELIKE_HOME=str(tmp_path / "home"), FLYTELIKE_EXECUTOR_TOKEN="tk")
    argv = [sys.executable, "-m", "flytelike", "serve", "executor", "--port", "0"]
    with listening(argv, env, tmp_path, secured=True) as (proc, address):
        yield proc, address, env


def run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flytelike", "run", "--backend", "grpc", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=cwd,
    )


def test_run_on_a_served_executor(
    served: tuple[subprocess.Popen[str], str, dict[str, str]], tmp_path: Path
) -> None:
    proc, address, env = served
    project = tmp_path / "project"
    project.mkdir()
    (project / "flows.py").write_text(textwrap.dedent(PROJECT))
    env = dict(env, FLYTELIKE_EXECUTOR=address)

    done = run([str(project / "flows.py"), "wf", "--x", "3"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"o0": 12}
    assert "SUCCEEDED" in done.stderr

    done = run([str(project / "flows.py"), "where"], env, tmp_path)
    assert json.loads(done.stdout) == {"o0": proc.pid}  # (ran in the executor's process)

    done = run([str(project / "flows.py"), "mapped", "--xs", "[1, 2, 3]"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"o0": [2, 4, 6]}

    bad = run(
        [str(project / "flows.py"), "wf", "--x", "3"],
        dict(env, FLYTELIKE_EXECUTOR_TOKEN="no"),
        tmp_path,
    )
    assert bad.returncode == 1
    assert "UNAUTHENTICATED" in bad.stderr


def test_serve_refuses_other_interfaces_without_a_token(tmp_path: Path) -> None:
    env = dict(os.environ, FLYTELIKE_HOME=str(tmp_path / "home"))
    env.pop("FLYTELIKE_EXECUTOR_TOKEN", None)
    done = subprocess.run(
        [sys.executable, "-m", "flytelike", "serve", "executor", "--host", "192.0.2.1"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 1
    assert "refusing to serve on '192.0.2.1' without a token" in done.stderr


def test_run_without_an_executor_address_says_what_to_set(tmp_path: Path) -> None:
    (tmp_path / "flows.py").write_text(textwrap.dedent(PROJECT))
    env = dict(os.environ, FLYTELIKE_HOME=str(tmp_path / "home"))
    env.pop("FLYTELIKE_EXECUTOR", None)
    done = run([str(tmp_path / "flows.py"), "wf", "--x", "3"], env, tmp_path)
    assert done.returncode == 1
    assert "Error: the grpc backend needs the executor's address: pass --executor" in done.stderr
    assert "or set FLYTELIKE_EXECUTOR=host:port" in done.stderr
    assert "Traceback" not in done.stderr


def test_run_with_executor_option(
    served: tuple[subprocess.Popen[str], str, dict[str, str]], tmp_path: Path
) -> None:
    proc, address, env = served
    (tmp_path / "flows.py").write_text(textwrap.dedent(PROJECT))
    env = dict(env)
    env.pop("FLYTELIKE_EXECUTOR", None)
    env.pop("FLYTELIKE_BACKEND", None)
    base = [sys.executable, "-m", "flytelike", "run"]
    for args in (
        ["--executor", address, str(tmp_path / "flows.py"), "where"],
        [str(tmp_path / "flows.py"), "where", "--executor", address],  # (after ENTITY too)
    ):
        done = subprocess.run(
            base + args, capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == {"o0": proc.pid}
    for args, message in (
        (["--backend", "local"], "but --backend local was given too"),
        (["--backend-option", f"address={address}"], "give it once"),
    ):
        done = subprocess.run(
            [*base, "--executor", address, *args, str(tmp_path / "flows.py"), "where"],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            cwd=tmp_path,
        )
        assert done.returncode == 2 and message in done.stderr, done.stderr


def test_serve_with_a_client_ca_needs_its_own_certificate(tmp_path: Path) -> None:
    env = dict(os.environ, FLYTELIKE_HOME=str(tmp_path / "home"))
    done = subprocess.run(
        [sys.executable, "-m", "flytelike", "serve", "executor", "--tls-client-ca", "ca.pem"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 1
    assert "mutual TLS (--tls-client-ca) needs the server's own certificate too" in done.stderr
