"""Fixtures for the gRPC executor tests: a Python executor on 127.0.0.1 with an ephemeral port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("grpc")

from flytelike.executor import ExecutorServer

TOKEN = "s3cret-test-token"


@pytest.fixture(scope="module")
def executor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ExecutorServer]:
    """An executor without a token (loopback), unpacking code bundles in a temporary folder."""
    server = ExecutorServer("127.0.0.1", 0, code_cache=str(tmp_path_factory.mktemp("code")))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def secured_executor() -> Iterator[ExecutorServer]:
    """An executor that requires ``TOKEN``."""
    server = ExecutorServer("127.0.0.1", 0, token=TOKEN, max_message_bytes=64 * 1024)
    server.start()
    yield server
    server.stop()
