"""The ``grpc`` backend passes the backend conformance suite against the Python executor."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flytelike.backends import get_backend
from flytelike.conformance import BackendConformance
from flytelike.executor import ExecutorServer, GrpcBackend


class TestGrpc(BackendConformance):
    @pytest.fixture
    def backend(
        self, executor: ExecutorServer, monkeypatch: pytest.MonkeyPatch
    ) -> Iterator[GrpcBackend]:
        monkeypatch.setenv("FLYTELIKE_EXECUTOR", executor.address)
        b = get_backend("grpc")  # (found through its entry point, configured from the env)
        assert isinstance(b, GrpcBackend)
        yield b
        b.close()
