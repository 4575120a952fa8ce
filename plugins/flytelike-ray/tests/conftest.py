"""One local Ray instance for every Ray test (started by the backend, warmed up), and an
engine on it per test with its own ``FLYTELIKE_HOME``."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from flytelike import engine as eng
from flytelike.engine import Engine, EngineConfig

HERE = Path(__file__).parent


@pytest.fixture(scope="session")
def ray_backend() -> Iterator[object]:
    """The session's Ray: two CPUs and two of the custom resource ``special``, no dashboard,
    its own temporary directory (a short path: Ray's sockets live there), removed afterwards;
    warmed up until both workers have imported flytelike."""
    try:
        from flytelike_ray import RayBackend
    except ImportError as e:  # fail every Ray test, loudly, rather than skip them
        pytest.fail(
            f"the Ray backend's tests need the flytelike-ray distribution ({e}); install it with "
            "`pip install -e plugins/flytelike-ray` (it brings ray)"
        )
    temp = tempfile.mkdtemp(prefix="ray-", dir="/tmp" if os.path.isdir("/tmp") else None)
    backend = RayBackend(
        num_cpus=2,
        code_root=str(HERE),
        log_to_driver=False,
        init_options={"_temp_dir": temp, "resources": {"special": 2}},
    )
    backend.warmup()
    yield backend
    backend.close()
    import ray

    ray.shutdown()
    shutil.rmtree(temp, ignore_errors=True)


@pytest.fixture
def counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "counts"
    d.mkdir()
    monkeypatch.setenv("FLYTELIKE_RAY_TEST_DIR", str(d))
    return d


@pytest.fixture
def ray_engine(ray_backend: object, tmp_path: Path, counts: Path) -> Iterator[Engine]:
    e = Engine(EngineConfig.from_env(home=tmp_path / "home"), backend=ray_backend)  # type: ignore[arg-type]
    old = eng.set_default_engine(e)
    yield e
    eng.set_default_engine(old)
    e.close()
