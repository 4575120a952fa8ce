"""One local Ray instance for every Ray test (started by the backend, warmed up), an engine on
it per test with its own ``FLYTELIKE_HOME``, and a Ray Client server for it when a test asks
(``ray_client_address``)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
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


@pytest.fixture(scope="session")
def ray_client_address(ray_backend: object) -> Iterator[str]:
    """``ray://127.0.0.1:PORT``: a Ray Client server (the proxy ``ray start --head
    --ray-client-server-port=PORT`` runs) in front of the session's Ray, stopped afterwards."""
    import ray

    node = ray._private.worker._global_node  # (this process started the session's Ray)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    log = open(os.path.join(node.get_session_dir_path(), "client-server.log"), "w")  # noqa: SIM115
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ray.util.client.server",
            f"--address={node.address}",
            "--host=127.0.0.1",
            f"--port={port}",
            "--mode=proxy",
            f"--runtime-env-agent-address={node.runtime_env_agent_address}",
            f"--node-id={node.node_id}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the Ray Client server did not start; see {log.name}")
                time.sleep(0.1)
        yield f"ray://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


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
