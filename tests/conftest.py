"""Fixtures shared by the test folders: a temporary FLYTELIKE_HOME (``home``) and a fresh engine
on it installed as the default (``engine``). Folders that need another engine (``v2``, ``ui``)
override ``engine`` in their own conftest. ``s3_endpoint`` starts moto's S3 server in a thread
on 127.0.0.1 (a free port) once per session (the data and executor tests use it)."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from flytelike import engine as eng
from flytelike.engine import Engine, EngineConfig


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


_S3_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    pytest.importorskip("s3fs", reason="pip install 's3fs' 'moto[server]' boto3")
    server_mod = pytest.importorskip("moto.server", reason="pip install 'moto[server]'")
    saved = {k: os.environ.get(k) for k in _S3_ENV}
    os.environ.update(_S3_ENV)
    port = _free_port()
    server = server_mod.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    # Any S3 client that misses the storage options still talks to this server, never AWS.
    os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{port}"
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
        os.environ.pop("AWS_ENDPOINT_URL", None)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
