"""The backend conformance suite: abstract pytest classes every backend subclasses.

    from flytelike.backends.conformance import BackendConformance

    class TestMyBackend(BackendConformance):
        @pytest.fixture
        def backend(self):
            b = MyBackend()
            yield b
            b.close()

Each test runs real tasks and workflows (``_conformance_tasks``) through the engine on the
backend, so the same semantics (conversions, retries, timeouts, caching, map concurrency and
ratios, async tasks, context, environment) hold on every backend. Backends that run tasks in
other processes must see ``FLYTELIKE_CONFORMANCE_DIR`` (a shared directory for attempt counts).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flytelike.backends import _conformance_tasks as ct
from flytelike.engine import Engine, EngineConfig, RunFailedError, WorkflowPhase


class BackendConformance:
    """Subclass and provide a ``backend`` fixture."""

    @pytest.fixture
    def backend(self) -> Any:
        raise NotImplementedError("conformance subclasses provide a `backend` fixture")

    @pytest.fixture
    def engine(
        self, backend: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> Iterator[Engine]:
        counts = tmp_path / "counts"
        counts.mkdir()
        monkeypatch.setenv("FLYTELIKE_CONFORMANCE_DIR", str(counts))
        eng = Engine(EngineConfig.from_env(home=tmp_path / "home"), backend=backend)
        yield eng
        eng.close()

    def test_task(self, engine: Engine) -> None:
        assert engine.run(ct.add, a=1, b=2).outputs() == 3

    def test_workflow_chain(self, engine: Engine) -> None:
        run = engine.run(ct.chain, x=1)
        assert run.outputs() == 4
        assert run.phase is WorkflowPhase.SUCCEEDED
        assert [a.phase for a in run.actions()] == ["SUCCEEDED"] * 3

    def test_independent_nodes_run_concurrently(self, engine: Engine) -> None:
        # Judged by the recorded bodies overlapping, not by wall time (a backend's first
        # action may pay for starting workers).
        run = engine.run(ct.parallel_naps, seconds=0.3)
        assert run.outputs() == [0.3] * 4
        spans = [(a.started_at, a.ended_at) for a in run.attempts()]
        assert len(spans) == 4 and all(s is not None and e is not None for s, e in spans)
        events = sorted([(s, 1) for s, _ in spans] + [(e, -1) for _, e in spans])
        running = peak = 0
        for _, step in events:
            running += step
            peak = max(peak, running)
        assert peak >= 2, f"the four independent naps never overlapped: {spans}"

    def test_async_task(self, engine: Engine) -> None:
        assert engine.run(ct.anap, seconds=0.01).outputs() == 0.01

    def test_recoverable_error_is_retried(self, engine: Engine) -> None:
        run = engine.run(ct.flaky, key="flaky", failures=2)
        assert run.outputs() == 3
        phases = [a.phase for a in run.attempts()]
        assert phases == ["RETRYABLE_FAILED", "RETRYABLE_FAILED", "SUCCEEDED"]

    def test_other_errors_fail_at_once(self, engine: Engine) -> None:
        run = engine.run(ct.broken, key="broken")
        assert run.phase is WorkflowPhase.FAILED
        with pytest.raises(RunFailedError, match="not recoverable"):
            run.outputs()
        attempts = run.attempts()
        assert len(attempts) == 1
        assert "ValueError" in attempts[0].traceback

    def test_timeout_is_enforced(self, engine: Engine) -> None:
        t0 = time.perf_counter()
        run = engine.run(ct.slow, seconds=1.6)
        assert run.phase is WorkflowPhase.TIMED_OUT
        assert time.perf_counter() - t0 < 1.5
        assert run.error is not None and "timed out" in run.error.message
        assert run.error.timed_out

    def test_cache_hit(self, engine: Engine) -> None:
        first = engine.run(ct.cached_inc, key="c", x=1)
        second = engine.run(ct.cached_inc, key="c", x=1)
        assert first.outputs() == second.outputs() == 2
        assert second.actions()[0].cache_status == "HIT"
        assert (
            engine.run(ct.cached_inc, key="c", x=1, overwrite_cache=True).actions()[0].cache_status
            == "OVERWRITTEN"
        )

    def test_map(self, engine: Engine) -> None:
        run = engine.run(ct.mapped_inc, xs=list(range(20)))
        assert run.outputs() == list(range(1, 21))
        assert sum(1 for a in run.actions() if a.kind == "map_item") == 20

    def test_map_min_success_ratio(self, engine: Engine) -> None:
        assert engine.run(ct.mapped_ratio, xs=[0, 1, 2, 3]).outputs() == [0, None, 2, None]
        assert engine.run(ct.mapped_ratio, xs=[1, 3, 5, 2]).phase is WorkflowPhase.FAILED

    def test_context(self, engine: Engine) -> None:
        run = engine.run(ct.whoami)
        name, workdir = run.outputs().split("|")
        assert name == run.name
        assert not Path(workdir).exists()  # cleaned after the action

    def test_environment(self, engine: Engine) -> None:
        assert engine.run(ct.env_var).outputs() == "set"
