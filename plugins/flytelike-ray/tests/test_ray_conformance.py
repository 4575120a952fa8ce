"""The Ray backend passes the backend conformance suite (on the session's local Ray)."""

from __future__ import annotations

import pytest

from flytelike.backends.conformance import BackendConformance


class TestRayConformance(BackendConformance):
    @pytest.fixture
    def backend(self, ray_backend: object) -> object:
        return ray_backend
