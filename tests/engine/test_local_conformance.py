"""The local backend passes the backend conformance suite, in thread and process mode."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flytelike.backends import get_backend
from flytelike.backends._local import LocalBackend
from flytelike.conformance import BackendConformance


class TestLocalThreads(BackendConformance):
    @pytest.fixture
    def backend(self) -> Iterator[LocalBackend]:
        b = get_backend("local")
        assert isinstance(b, LocalBackend)
        yield b
        b.close()


class TestLocalProcesses(BackendConformance):
    @pytest.fixture
    def backend(self) -> Iterator[LocalBackend]:
        b = LocalBackend(mode="process", max_workers=2)
        yield b
        b.close()
