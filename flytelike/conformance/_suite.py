"""The backend conformance suite: abstract pytest classes every backend subclasses.

    from flytelike.conformance import BackendConformance

    class TestMyBackend(BackendConformance):
        @pytest.fixture
        def backend(self):
            b = MyBackend()
            yield b
            b.close()

Each test runs real tasks and workflows (``flytelike.conformance.tasks``) through the engine on the
backend, so the same semantics hold on every backend: conversions, cache, retries of both kinds
(user and system), timeouts (also on a cold worker), failure policy, map concurrency and
ratios, dynamic tasks, eager and flyte 2 child actions recorded as children, mocks, File, Dir
and DataFrame hand-off, decks the driver reads, secrets, environment variables set after the
backend started, ``flytelike run file.py`` code discovery, abort and resume. Backends that run
tasks in other processes must see ``FLYTELIKE_CONFORMANCE_DIR`` (a shared directory for attempt
counts) and the driver's ``FLYTELIKE_*`` variables.

Two fixtures may be overridden: ``backend`` (required) and ``cli_backend``, the ``flytelike
run`` options that select the same backend in a new process (default: ``--backend NAME``).
A backend that runs tasks in the driver's own process skips the one test that kills the
process running a task (a system error): there, that process is the test itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flytelike import testing
from flytelike.conformance import tasks as ct
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

    @pytest.fixture
    def cli_backend(self, backend: Any) -> list[str]:
        """``flytelike run`` options selecting this backend in a new process: its name, when a
        new process can find it by name (built in, or an entry point of ``flytelike.backends``);
        otherwise the test that needs it is skipped, saying so."""
        from importlib.metadata import entry_points

        name = str(backend.name)
        if name != "local" and name not in {
            e.name for e in entry_points(group="flytelike.backends")
        }:
            pytest.skip(
                f"backend {name!r} is not an entry point of flytelike.backends, so a new "
                "`flytelike run` process cannot select it; register it, or override the "
                "`cli_backend` fixture"
            )
        return ["--backend", name]

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

    # ------------------------------------------------------------------ retries, policy
    def test_a_worker_dying_mid_task_is_a_system_retry(self, engine: Engine) -> None:
        if engine.run(ct.pid).outputs() == os.getpid():
            pytest.skip("this backend runs tasks in the test's own process")
        run = engine.run(ct.dies_once, key="dies")  # (retries=0: only the system budget)
        assert run.phase is WorkflowPhase.SUCCEEDED, run.error
        (action,) = run.actions()
        assert action.attempts == 2
        first, second = run.attempts()
        assert first.phase == "RETRYABLE_FAILED" and first.error_kind == "SYSTEM"
        assert second.phase == "SUCCEEDED"

    def test_failure_policy_lets_independent_nodes_finish(
        self, engine: Engine, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        run = engine.run(ct.keep_going, marker="other")
        assert run.phase is WorkflowPhase.FAILED
        assert os.path.exists(os.path.join(os.environ["FLYTELIKE_CONFORMANCE_DIR"], "other"))
        phases = sorted(a.phase for a in run.actions())
        assert phases == ["FAILED", "SUCCEEDED"]

    # ------------------------------------------------------------------ maps, dynamic, children
    def test_map_concurrency_is_a_ceiling(self, engine: Engine) -> None:
        assert engine.run(ct.mapped_tracked, xs=list(range(8))).outputs() == list(range(8))
        path = os.path.join(os.environ["FLYTELIKE_CONFORMANCE_DIR"], "tracked")
        with open(path) as f:
            running, peak = (int(v) for v in f.read().split())
        assert running == 0 and 1 <= peak <= 2, f"{peak} items ran at once (concurrency=2)"

    def test_dynamic_children_are_recorded(self, engine: Engine) -> None:
        run = engine.run(ct.dyn_incs, n=3)
        assert run.outputs() == [1, 2, 3]
        children = [a for a in run.actions() if a.parent]
        assert len(children) == 3 and all(a.phase == "SUCCEEDED" for a in children)

    def test_eager_children_are_recorded_as_children(self, engine: Engine) -> None:
        run = engine.run(ct.eager_sum, n=3)
        assert run.outputs() == 1 + 2 + 3
        children = [a for a in run.actions() if "/" in a.action_id]
        assert len(children) == 3
        assert all(a.parent == run.entity_name and a.phase == "SUCCEEDED" for a in children)

    def test_flyte_2_children_are_recorded_as_children(self, engine: Engine) -> None:
        run = engine.run(ct.v2_parent, n=3)
        assert run.outputs() == 2 * (0 + 1 + 2)
        children = [a for a in run.actions() if "/" in a.action_id]
        assert len(children) == 3 and all(a.phase == "SUCCEEDED" for a in children)

    def test_mocks_apply(self, engine: Engine) -> None:
        with testing.task_mock(ct.inc) as m:
            m.return_value = 10
            assert engine.run(ct.chain, x=1).outputs() == 10
        assert m.call_count == 3
        assert engine.run(ct.chain, x=1).outputs() == 4  # (the mock is gone)

    # ------------------------------------------------------------------ data, decks, secrets
    def test_file_dir_and_dataframe_hand_off(self, engine: Engine) -> None:
        pytest.importorskip("pandas")
        run = engine.run(ct.hand_off, text="hello", n=3)
        assert run.outputs() == "hello|0.txt,1.txt,2.txt|3"

    def test_artifacts_are_published_when_the_attempt_succeeds(
        self, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A task's ``artifacts.new`` output and an output its caller declared with
        ``artifacts.produces`` reach the driver's catalog, with the run as their source."""
        from flytelike.remote import Artifact

        monkeypatch.setenv("FLYTELIKE_HOME", str(tmp_path / "catalog"))
        for task, name, version in (
            (ct.publish_note, "conformance-note", "v1"),
            (ct.declare_note, "conformance-declared", "v2"),
        ):
            run = engine.run(task, text=version)
            assert run.phase is WorkflowPhase.SUCCEEDED, run.error
            rec = run.record()  # (published in the run's namespace)
            found = Artifact.get(name, version, project=rec.project, domain=rec.domain)
            assert found.source_run == run.name

    def test_decks_are_readable_by_the_driver(self, engine: Engine) -> None:
        run = engine.run(ct.decked, text="seen")
        (uri,) = {u for _, name, u in run.decks() if name == "notes"}
        with open(uri.removeprefix("file://"), encoding="utf-8") as f:
            assert "<p>seen</p>" in f.read()

    def test_secrets(self, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("FLYTELIKE_SECRETS_CONF_TOKEN", "from the environment")
        folder = tmp_path / "secrets"
        (folder / "conf").mkdir(parents=True)
        (folder / "conf" / "file_token").write_text("from a file")
        monkeypatch.setenv("FLYTELIKE_SECRETS_DEFAULT_DIR", str(folder))
        assert engine.run(ct.secret, group="conf", key="token").outputs() == "from the environment"
        assert engine.run(ct.secret, group="conf", key="file_token").outputs() == "from a file"

    def test_environment_set_after_the_backend_started(
        self, engine: Engine, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        assert engine.run(ct.read_env, variable="FLYTELIKE_CONFORMANCE_LATE").outputs() == ""
        monkeypatch.setenv("FLYTELIKE_CONFORMANCE_LATE", "late")
        assert engine.run(ct.read_env, variable="FLYTELIKE_CONFORMANCE_LATE").outputs() == "late"

    # ------------------------------------------------------------------ timeouts, code
    def test_a_timeout_does_not_count_a_cold_import(
        self, engine: Engine, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The task's module takes 1.5 s to import, more than its 1 s timeout; a worker that
        imports it for the first time must still run the quick body."""
        monkeypatch.setenv("FLYTELIKE_CONFORMANCE_COLD", "1.5")
        from flytelike.conformance import _cold as cold

        run = engine.run(cold.cold_quick)
        assert run.phase is WorkflowPhase.SUCCEEDED, run.error

    def test_flytelike_run_finds_a_scripts_code(
        self, cli_backend: list[str], tmp_path: Path
    ) -> None:
        project = tmp_path / "project"
        project.mkdir()
        (project / "helpers.py").write_text("def double(x: int) -> int:\n    return 2 * x\n")
        (project / "app.py").write_text(
            "import flytelike as fl\nfrom helpers import double\n\n\n@fl.task\n"
            "def twice(x: int) -> int:\n    return double(x)\n\n\n@fl.workflow\n"
            "def wf(x: int) -> int:\n    return twice(x=twice(x=x))\n"
        )
        elsewhere = tmp_path / "elsewhere"  # (not the script's folder)
        elsewhere.mkdir()
        env = {k: v for k, v in os.environ.items() if k != "FLYTELIKE_BACKEND"}
        env["FLYTELIKE_HOME"] = str(tmp_path / "cli-home")
        args = [sys.executable, "-m", "flytelike", "run", *cli_backend]
        done = subprocess.run(
            [*args, str(project / "app.py"), "wf", "--x", "3"],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
        assert json.loads(done.stdout)["o0"] == 12

    # ------------------------------------------------------------------ abort, resume
    def test_abort_stops_a_running_task(self, engine: Engine) -> None:
        run = engine.run(ct.nap_marked, seconds=30.0, wait=False)
        marker = os.path.join(os.environ["FLYTELIKE_CONFORMANCE_DIR"], "napping")
        deadline = time.monotonic() + 60
        while not os.path.exists(marker) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert os.path.exists(marker), "the task never started"
        t0 = time.monotonic()
        engine.abort(run.name)
        run.wait(timeout=20)
        assert run.phase is WorkflowPhase.ABORTED
        assert time.monotonic() - t0 < 15  # not the 30 s nap

    def test_resume_reuses_what_succeeded(self, engine: Engine) -> None:
        run = engine.run(ct.resumable, key="resumed", x=1)
        assert run.phase is WorkflowPhase.FAILED
        shared = os.environ["FLYTELIKE_CONFORMANCE_DIR"]
        with open(os.path.join(shared, "allow"), "w") as f:
            f.write("yes")
        again = engine.resume(run.name)
        assert again.phase is WorkflowPhase.SUCCEEDED and again.outputs() == 4
        with open(os.path.join(shared, "resumed")) as f:
            assert f.read() == "1"  # the first node ran once, in the first run
