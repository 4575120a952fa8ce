"""One local Ray instance for every Ray test (started by the backend, warmed up), and an
engine on it per test with its own ``FLYTELIKE_HOME``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flytelike import engine as eng
from flytelike.engine import Engine, EngineConfig

HERE = Path(__file__).parent


@pytest.fixture(scope="session")
def ray_backend() -> Iterator[object]:
    from flytelike_ray import RayBackend

    backend = RayBackend(num_cpus=2, code_root=str(HERE), log_to_driver=False)
    backend.warmup()
    yield backend
    backend.close()
    import ray

    ray.shutdown()


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
