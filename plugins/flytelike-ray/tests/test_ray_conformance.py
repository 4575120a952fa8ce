"""The Ray backend passes the backend conformance suite (on the session's local Ray)."""

from __future__ import annotations

import pytest

from flytelike.conformance import BackendConformance


class TestRayConformance(BackendConformance):
    @pytest.fixture
    def backend(self, ray_backend: object) -> object:
        return ray_backend

    @pytest.fixture
    def cli_backend(self, ray_backend: object) -> list[str]:
        """A new ``flytelike run`` process joins the session's Ray (a fresh Ray job, so the
        script's folder is shipped as its working_dir)."""
        import ray

        address = ray.get_runtime_context().gcs_address
        return ["--backend", "ray", "--backend-option", f"address={address}"]
