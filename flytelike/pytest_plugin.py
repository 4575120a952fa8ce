"""pytest fixtures for testing flytelike tasks and workflows (registered as the ``flytelike``
pytest plugin through the ``pytest11`` entry point, so installing flytelike is enough).

``flytelike_home``
    A temporary ``FLYTELIKE_HOME`` for the test: runs, cache entries and blobs land in the
    test's ``tmp_path``, never in ``~/.flytelike``. Direct calls (``wf(x=1)``) made in the test
    use a default engine on that home, which is closed at the end of the test.
``flytelike_engine``
    An ``Engine`` on ``flytelike_home``, also installed as the default engine, for tests that
    inspect runs: ``run = flytelike_engine.run(wf, x=1); run.actions()``.
``flytelike_s3``
    moto's S3 server on 127.0.0.1 (a free port), started once per session, as an ``S3Server``:
    its ``endpoint_url``, the fsspec ``storage_options`` that reach it and ``new_bucket()``.
    While it runs, the ``AWS_*`` credentials are fake and ``AWS_ENDPOINT_URL`` names it, so a
    client that misses the storage options still talks to it, never to AWS. Needs
    ``pip install 's3fs' 'moto[server]'``; without them the tests using it are skipped.

A test that uses neither fixture still works (direct calls use ``FLYTELIKE_HOME`` or
``~/.flytelike``); the fixtures make each test independent of the others and of the user's home.
Mocks: ``flytelike.testing.task_mock`` / ``flytelike.testing.patch``.
"""

from __future__ import annotations

import itertools
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from flytelike.engine import Engine


@pytest.fixture
def flytelike_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh ``FLYTELIKE_HOME`` under ``tmp_path``, with a default engine that uses it."""
    from flytelike import engine

    home = tmp_path / "flytelike-home"
    monkeypatch.setenv("FLYTELIKE_HOME", str(home))
    # Engines read the environment when they are built: drop the default one so that the next
    # direct call builds one on this home, and close whatever the test built.
    previous = engine.set_default_engine(None)
    try:
        yield home
    finally:
        built = engine.set_default_engine(previous)
        if built is not None:
            built.close()


@pytest.fixture
def flytelike_engine(flytelike_home: Path) -> Iterator[Engine]:
    """An engine on ``flytelike_home``, installed as the default engine for the test."""
    from flytelike import engine

    eng = engine.Engine(engine.EngineConfig.from_env())
    previous = engine.set_default_engine(eng)
    try:
        yield eng
    finally:
        engine.set_default_engine(previous)
        eng.close()


_S3_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}
_buckets = itertools.count()


@dataclass(frozen=True)
class S3Server:
    """An S3 server for tests (``flytelike_s3``): where it listens and how to reach it."""

    endpoint_url: str

    @property
    def storage_options(self) -> dict[str, dict[str, str]]:
        """fsspec storage options, by protocol, that reach this server (a ``DataContext``'s)."""
        return {"s3": {"endpoint_url": self.endpoint_url, "key": "testing", "secret": "testing"}}

    def new_bucket(self, prefix: str = "flytelike-test") -> str:
        """Create a bucket no other test of this session uses; returns its name."""
        import boto3  # type: ignore[import-untyped]  # (moto's dependency; no type stubs)

        name = f"{prefix}-{os.getpid()}-{next(_buckets)}"
        client = boto3.client("s3", endpoint_url=self.endpoint_url, region_name="us-east-1")
        client.create_bucket(Bucket=name)
        return name


@pytest.fixture(scope="session")
def flytelike_s3() -> Iterator[S3Server]:
    """moto's S3 server on 127.0.0.1, for the session, with fake AWS credentials set."""
    pytest.importorskip("s3fs", reason="pip install 's3fs' 'moto[server]'")
    server_mod = pytest.importorskip("moto.server", reason="pip install 'moto[server]'")
    from flytelike.backends import variables

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    endpoint = f"http://127.0.0.1:{port}"
    # (set for the session, the previous values back at its end)
    with variables({**_S3_ENV, "AWS_ENDPOINT_URL": endpoint}):
        server = server_mod.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        try:
            yield S3Server(endpoint)
        finally:
            server.stop()
