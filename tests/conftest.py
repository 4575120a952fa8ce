"""Fixtures shared by the test folders: a temporary FLYTELIKE_HOME (``home``) and a fresh engine
on it installed as the default (``engine``); folders add to them in their own conftest (``v2``
makes ``engine`` automatic, ``ui`` turns the progress display off in ``home``). ``s3_endpoint``
is the URL of moto's S3 server, which the ``flytelike_s3`` fixture of flytelike's pytest plugin
starts once per session (the data, executor and Ray tests use it). The hypothesis profile
``fuzz`` holds the fuzz tests' settings (``pytest -m fuzz``): ``FLYTELIKE_FUZZ_EXAMPLES``
examples per test (default 40; the nightly run uses 10000). ``run_benchmarks`` runs
``benchmarks/run.py`` as the benchmark smoke tests do."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from flytelike import engine as eng
from flytelike.engine import Engine, EngineConfig
from flytelike.pytest_plugin import S3Server

settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("FLYTELIKE_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    h = tmp_path / "home"
    monkeypatch.setenv("FLYTELIKE_HOME", str(h))
    return h


@pytest.fixture
def engine(home: Path) -> Iterator[Engine]:
    e = Engine(EngineConfig.from_env())
    old = eng.set_default_engine(e)
    yield e
    eng.set_default_engine(old)
    e.close()


@pytest.fixture(scope="session")
def s3_endpoint(flytelike_s3: S3Server) -> str:
    """The endpoint URL of the S3 server of flytelike's pytest plugin (``flytelike_s3``)."""
    return flytelike_s3.endpoint_url


ROOT = Path(__file__).resolve().parent.parent


def _run_benchmarks(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def run_benchmarks() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``run_benchmarks("engine", "--quick", timeout=600)``: ``benchmarks/run.py`` with those
    arguments in a subprocess from the repository's root; what it printed and its status."""
    return _run_benchmarks
