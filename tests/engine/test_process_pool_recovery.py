"""The local backend's process mode starts its workers through multiprocessing's fork server.
When a worker cannot be started (the fork server went away: it exits when a pool shut down in
the middle of starting a worker hangs up on it), the attempt is tried again with a fresh pool:
its body never ran, so nothing runs twice and the run does not fail."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pytest

from flytelike.backends._local import LocalBackend
from flytelike.conformance.tasks import pid
from flytelike.engine import Engine, EngineConfig, WorkflowPhase


class _RefusingOnce(ProcessPoolExecutor):
    refused = 0

    def submit(self, *args: Any, **kwargs: Any) -> Any:
        if _RefusingOnce.refused < 2:
            _RefusingOnce.refused += 1
            raise ConnectionRefusedError(111, "Connection refused")  # (as a dead fork server)
        return super().submit(*args, **kwargs)


def test_a_worker_that_cannot_start_is_tried_again(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flytelike.backends._local as local

    monkeypatch.setattr(local, "ProcessPoolExecutor", _RefusingOnce)
    backend = LocalBackend(mode="process", max_workers=1)
    engine = Engine(
        EngineConfig.from_env(home=os.path.join(str(tmp_path), "home")), backend=backend
    )
    try:
        run = engine.run(pid)
        assert run.phase is WorkflowPhase.SUCCEEDED, run.error
        assert run.outputs() != os.getpid()  # (in a worker)
        assert _RefusingOnce.refused == 2
        assert [a.attempts for a in run.actions()] == [1]  # one attempt: no system retry used
    finally:
        engine.close()
