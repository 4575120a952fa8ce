"""The Ray backend runs actions on Ray workers with the engine's semantics: fan-out, files
between tasks, worker crashes as system errors, timeouts that cancel, batched maps with
retries, the user's own exception types, and clear errors for code the workers cannot get."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import ray_tasks as rt

import flytelike.engine as eng
from flytelike.backends import ItemBackend, get_backend
from flytelike.conformance import tasks as ct
from flytelike.engine import Engine, EngineConfig, WorkflowPhase


def test_selected_by_name_and_offers_item_batches() -> None:
    backend = get_backend("ray", item_batch_size=7)
    assert backend.name == "ray"
    assert isinstance(backend, ItemBackend)
    assert backend.item_batch_size == 7
    backend.close()


def test_its_default_window_is_an_option_and_a_chosen_one_wins() -> None:
    from flytelike_ray import RayBackend

    from flytelike.engine._config import run_windows

    backend = get_backend("ray", default_parallelism=64)
    assert backend.default_parallelism == 64  # type: ignore[attr-defined]
    assert run_windows(None, backend) == (64, 32) and run_windows(8, backend) == (8, 8)
    assert run_windows(None, RayBackend()) == (1024, 32)
    backend.close()
    with pytest.raises(ValueError, match="default_parallelism"):
        RayBackend(default_parallelism=0)


def test_actions_run_in_ray_workers(ray_engine: Engine) -> None:
    assert ray_engine.run(rt.pid).outputs() != os.getpid()


def test_fan_out_runs_side_by_side_on_workers(ray_engine: Engine) -> None:
    t0 = time.perf_counter()
    run = ray_engine.run(rt.fan_out, seconds=0.4)
    pids = run.outputs()
    assert len(pids) == 4 and os.getpid() not in pids
    assert len(set(pids)) == 2  # the session's two CPUs, both busy
    assert time.perf_counter() - t0 < 1.6  # two waves of 0.4 s, not four


def test_file_written_by_one_worker_is_read_by_another_task(ray_engine: Engine) -> None:
    run = ray_engine.run(rt.file_hand_off, text="hello")
    text, _, reader = run.outputs().partition(" (read by ")
    assert text == "hello"
    assert int(reader.rstrip(")")) != os.getpid()
    writer = next(a for a in run.actions() if a.name == "ray_tasks.write_text")
    outputs = run.action_outputs(writer.action_id)
    assert outputs is not None  # the File went under the run's raw data prefix:
    assert outputs["o0"].uri.startswith(ray_engine.config.data_prefix)  # type: ignore[attr-defined]


def test_user_exception_type_comes_back_to_a_direct_call(ray_engine: Engine) -> None:
    with pytest.raises(rt.Refused, match="not today") as info:
        rt.refuse(why="not today")
    assert any("flytelike run" in note for note in info.value.__notes__)


def test_kill_9_of_a_worker_mid_task_is_a_system_retry_recorded_once(
    ray_engine: Engine, counts: Path
) -> None:
    run = ray_engine.run(rt.killed_from_outside, key="victim", wait=False)
    pid_file = counts / "victim.pid"
    deadline = time.monotonic() + 30
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    victim = int(pid_file.read_text())
    os.kill(victim, 9)
    run.wait(timeout=60)
    assert run.phase is WorkflowPhase.SUCCEEDED
    assert run.outputs() not in (victim, os.getpid())
    assert (counts / "victim").read_text() == "2"  # the body ran once per attempt
    (action,) = run.actions()  # one action, with its two attempts
    assert action.phase == "SUCCEEDED" and action.attempts == 2
    attempts = run.attempts()
    assert [(a.attempt, a.phase) for a in attempts] == [
        (0, "RETRYABLE_FAILED"),
        (1, "SUCCEEDED"),
    ]
    assert attempts[0].error_kind == "SYSTEM" and "died" in attempts[0].message
    assert [log.text for log in run.logs()] == ["attempt 2\n"]  # (the killed one sent none)
    assert list(run.action_outputs(action.action_id) or {}) == ["o0"]


def test_the_worker_stops_a_body_past_its_timeout(ray_engine: Engine) -> None:
    t0 = time.perf_counter()
    run = ray_engine.run(rt.records_pid_then_sleeps, key="sleeper")
    assert run.phase is WorkflowPhase.TIMED_OUT
    assert time.perf_counter() - t0 < 8  # the 30 s sleep was interrupted in the worker
    message = _message(run.error)
    assert "timed out after 1s" in message and "counted from the start of its body" in message


def test_a_body_that_ignores_the_stop_is_cancelled_after_the_grace(
    ray_engine: Engine, ray_backend: Any, counts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ray_backend, "timeout_grace", 1.0)
    run = ray_engine.run(rt.records_pid_then_sleeps, key="deaf", deaf=True)
    assert run.phase is WorkflowPhase.TIMED_OUT
    assert "plus the backend's grace of 1s" in _message(run.error)
    pid = int((counts / "deaf").read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)
    assert not _alive(pid), "the timed-out task's worker still runs: it was not cancelled"


def test_a_timeout_counts_from_the_start_of_the_body_not_the_queue(ray_engine: Engine) -> None:
    import ray

    hold = ray.remote(num_cpus=1, max_retries=0)(rt.hold_cpu)
    busy = [hold.remote(2.5) for _ in range(2)]  # both of the session's CPUs, for 2.5 s
    t0 = time.time()
    run = ray_engine.run(rt.quick_with_timeout, seconds=0.5)  # queued ~2.5 s, then 0.5 s of body
    ray.get(busy)
    assert run.phase is WorkflowPhase.SUCCEEDED, _message(run.error)
    assert run.outputs() - t0 > 1.5  # its body really started after its 1 s timeout


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_map_items_go_in_batches_and_retry(
    ray_engine: Engine, ray_backend: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = ray_backend.run_item_columns  # (what the engine calls: the batch as columns)

    async def counting(task: Any, context: Any, ids: Any, fixed: Any, lists: Any) -> Any:
        calls.append(len(ids))
        return await real(task, context, ids, fixed, lists)

    monkeypatch.setattr(ray_backend, "run_item_columns", counting)
    run = ray_engine.run(rt.mapped_flaky, xs=list(range(30)))
    assert run.outputs() == [x * 10 for x in range(30)]
    assert calls[:3] == [10, 10, 10]  # concurrency=3: three batches in flight
    assert sum(calls) == 30 + 10  # every third item once more, after its recoverable error
    items = [a for a in run.actions() if a.kind == "map_item"]
    assert len(items) == 30
    assert sorted(a.attempts for a in items) == [1] * 20 + [2] * 10


class _ItemsOnly:
    """The Ray backend offering only the per-item ``run_items`` (no ``run_item_columns``)."""

    def __init__(self, backend: Any) -> None:
        self._backend = backend

    def __getattr__(self, name: str) -> Any:
        if name == "run_item_columns":
            raise AttributeError(name)
        return getattr(self._backend, name)


def test_run_items_item_by_item_still_answers_per_item(
    ray_backend: Any, tmp_path: Path, counts: Path
) -> None:
    engine = Engine(EngineConfig.from_env(home=tmp_path / "h"), backend=_ItemsOnly(ray_backend))  # type: ignore[arg-type]
    old = eng.set_default_engine(engine)
    try:
        run = engine.run(rt.mapped_flaky, xs=list(range(30)))
        assert run.outputs() == [x * 10 for x in range(30)]
        items = [a for a in run.actions() if a.kind == "map_item"]
        assert sorted(a.attempts for a in items) == [1] * 20 + [2] * 10
    finally:
        eng.set_default_engine(old)
        engine.close()


def test_a_large_map_is_batched(ray_engine: Engine) -> None:
    run = ray_engine.run(rt.mapped_square, xs=list(range(2000)))
    assert run.outputs() == [x * x for x in range(2000)]


def test_module_outside_the_shipped_code_root_fails_before_submission(
    ray_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "elsewhere_tasks.py").write_text(
        "import flytelike as fl\n\n@fl.task\ndef there(x: int) -> int:\n    return x\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    import elsewhere_tasks

    try:
        run = ray_engine.run(elsewhere_tasks.there, x=1)
    finally:
        sys.modules.pop("elsewhere_tasks", None)
    assert run.phase is WorkflowPhase.FAILED
    message = _message(run.error)
    assert "CodeShippingError" in message
    assert str(tmp_path) in message and "code_root=" in message


def test_a_scripts_code_root_needs_no_list_of_distributions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from flytelike_ray import _code

    def listed() -> frozenset[str]:
        raise AssertionError("listed the installed distributions (~0.4 s) for __main__")

    monkeypatch.setattr(_code, "_installed_top_levels", listed)
    assert _code.code_root("__main__") is None
    assert _code.code_root("not_imported_anywhere") is None
    with pytest.raises(AssertionError, match="listed"):  # (an imported module still asks)
        _code.code_root("ray_tasks")


def _message(error: Any) -> str:
    """An error's message, whether the run store hands it back as a dict or an object."""
    return str(error["message"] if isinstance(error, dict) else error.message)


def test_the_template_reaches_the_cluster_once_and_requests_carry_its_key(
    ray_engine: Engine, ray_backend: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ray.experimental import internal_kv

    puts: list[bytes] = []
    real_put = internal_kv._internal_kv_put

    def put(key: bytes, value: bytes, *args: Any, **kwargs: Any) -> Any:
        puts.append(key)
        return real_put(key, value, *args, **kwargs)

    payloads: list[bytes] = []
    real_submit = ray_backend._submit

    def submit(which: int, opts: Any, payload: bytes) -> Any:
        payloads.append(payload)
        return real_submit(which, opts, payload)

    monkeypatch.setattr(internal_kv, "_internal_kv_put", put)
    monkeypatch.setattr(ray_backend, "_submit", submit)
    assert ray_engine.run(rt.negate, x=4).outputs() == -4
    assert ray_engine.run(rt.negate, x=5).outputs() == -5  # a second run: nothing put again
    assert len(puts) == 1 and b"/template/" in puts[0]
    stored = internal_kv._internal_kv_get(puts[0], namespace="flytelike")
    assert stored is not None and stored[:2] == b"\x80\x05"  # the pickled template
    for payload in payloads:
        key = pickle.loads(payload)[0]
        assert key == puts[0].decode()  # the request names the template, it does not hold it
        assert stored not in payload


def test_a_large_output_is_written_by_the_worker_and_read_from_storage(
    ray_engine: Engine, ray_backend: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    payloads: list[bytes] = []
    real_submit = ray_backend._submit

    def submit(which: int, opts: Any, payload: bytes) -> Any:
        payloads.append(payload)
        return real_submit(which, opts, payload)

    monkeypatch.setattr(ray_backend, "_submit", submit)
    n = 50_000  # ~150 KB of msgpack: over the 64 KiB offload limit
    run = ray_engine.run(rt.big_hand_off, n=n)
    total, reader = run.outputs()
    assert total == n * (n - 1) // 2 and reader != os.getpid()
    prefix = ray_engine.config.data_prefix.removeprefix("file://")
    (blob,) = Path(prefix, "runs", run.name).rglob("o0.msgpack")  # written by the worker
    assert blob.stat().st_size > 64 * 1024
    second = pickle.loads(payloads[1])
    (sent,) = second[1].values()
    assert sent == "file://" + str(blob)  # the next task got the URI, not the bytes
    small = pickle.loads(payloads[0])[1]
    assert all(type(v) is bytes for v in small.values())  # small literals travel inline
    ray_engine.delete_runs([run.name])
    assert not blob.exists()  # removed with the run


def test_resources_become_ray_task_options(ray_engine: Engine) -> None:
    assert ray_engine.run(rt.half_cpu).outputs() == 0.5


def test_a_request_no_node_can_hold_fails_before_submission(ray_engine: Engine) -> None:
    t0 = time.perf_counter()
    run = ray_engine.run(rt.greedy)
    assert run.phase is WorkflowPhase.FAILED
    assert time.perf_counter() - t0 < 5  # not left pending in Ray
    message = _message(run.error)
    assert "ray_tasks.greedy" in message and "CPU=64" in message
    assert "no node of the Ray cluster" in message


def test_node_overrides_become_ray_resources(ray_engine: Engine) -> None:
    assert ray_engine.run(rt.overridden_cpu).outputs() == 1.5  # with_overrides(requests=...)
    t0 = time.perf_counter()
    for wf, said in [
        (rt.overridden_greedy, "CPU=3, memory=1.02e+03Gi"),
        (rt.needs_an_a100, "accelerator A100"),
    ]:
        run = ray_engine.run(wf)
        assert run.phase is WorkflowPhase.FAILED
        message = _message(run.error)
        assert "ray_tasks.assigned_cpu" in message and said in message, message
        assert "no node of the Ray cluster" in message
    assert time.perf_counter() - t0 < 5  # refused before submission, not left pending


def test_a_worker_dying_mid_batch_retries_its_items_as_system_errors(ray_engine: Engine) -> None:
    run = ray_engine.run(rt.mapped_crash, xs=list(range(10)))
    assert run.outputs() == [x + 100 for x in range(10)]
    items = sorted((a for a in run.actions() if a.kind == "map_item"), key=lambda a: a.action_id)
    attempts = {a.action_id.rsplit("[", 1)[1].rstrip("]"): a.attempts for a in items}
    # the batch holding item 5 (items 5-9, concurrency 2) ran twice; the other batch once
    assert attempts == {str(i): 1 if i < 5 else 2 for i in range(10)}


def test_a_local_raw_data_prefix_is_refused_on_a_multi_node_cluster_before_the_run_is_recorded(
    tmp_path: Path,
) -> None:
    """The engine asks the backend (``check_run``) before it records the run; the cluster is
    described as three nodes (this machine runs one), the check is the backend's own."""
    from flytelike_ray import RayBackend, RayBackendError
    from flytelike_ray._cluster import Connection

    from flytelike.engine import EngineConfig

    backend = RayBackend()
    backend._conn = Connection(False, None, (), 3, ({"CPU": 2.0},) * 3)  # as if connected
    engine = Engine(EngineConfig.from_env(home=tmp_path / "home"), backend=backend)
    with pytest.raises(RayBackendError) as info:
        engine.run(ct.chain, x=1, raw_data_path="file:///data/runs")
    message = str(info.value)
    assert "file:///data/runs is a local path" in message
    assert "3 nodes" in message and "s3://" in message
    assert engine.list_runs() == []  # nothing of the run was written
    engine.close()


def test_a_shared_mount_is_accepted_on_a_multi_node_cluster() -> None:
    from flytelike_ray import RayBackend, RayBackendError
    from flytelike_ray._cluster import Connection

    from flytelike.compiler import closure_of

    three = Connection(False, None, (), 3, ({"CPU": 2.0},) * 3)  # as if connected
    closure = closure_of(ct.chain)
    backend = RayBackend(shared_mount=True)
    backend._conn = three
    backend.check_run(closure, "file:///mnt/shared/runs")  # (accepted)
    refusing = RayBackend()
    refusing._conn = three
    with pytest.raises(RayBackendError, match="shared_mount=true"):
        refusing.check_run(closure, "file:///mnt/shared/runs")


def test_what_a_task_prints_on_a_worker_is_stored_with_its_attempt(ray_engine: Engine) -> None:
    run = ray_engine.run(rt.chatty, x=7)
    assert run.outputs() == 7
    (log,) = run.logs()
    assert log.stdout == "working on 7\n" and log.stderr == "careful\n"
    assert log.attempt == 0


def test_what_map_items_print_on_a_worker_is_stored_with_each_item(ray_engine: Engine) -> None:
    run = ray_engine.run(rt.mapped_chatty, xs=[0, 1, 2])
    assert run.outputs() == [0, 1, 2]
    logs = sorted(run.logs(), key=lambda log: log.action_id)
    assert [log.action_id.rsplit("[", 1)[1] for log in logs] == ["0]", "1]", "2]"]
    assert [log.stdout for log in logs] == ["item 0\n", "item 1\n", "item 2\n"]
    assert [log.stderr for log in logs] == ["", "odd one\n", ""]


def test_batches_of_first_attempts_run_as_chunks_on_the_worker(ray_engine: Engine) -> None:
    """A batch of consecutive first attempts runs as one chunk (``_worker._as_chunk``): each
    item still has its own log, a failed item its own error and retry."""
    xs = list(range(64))
    run = ray_engine.run(rt.mapped_chatty, xs=xs)  # (batches of 2: 64 items over 32)
    assert run.outputs() == xs
    logs = {log.action_id.rsplit("[", 1)[1][:-1]: log for log in run.logs()}
    assert sorted(map(int, logs)) == xs
    assert all(logs[str(x)].stdout == f"item {x}\n" for x in xs)
    assert logs["1"].stderr == "odd one\n" and logs["2"].stderr == ""
    flaky = ray_engine.run(rt.mapped_flaky, xs=list(range(30)))  # (chunks with failed items)
    assert flaky.outputs() == [x * 10 for x in range(30)]
    items = [a for a in flaky.actions() if a.kind == "map_item"]
    assert sorted(a.attempts for a in items) == [1] * 20 + [2] * 10


def test_task_resources_ask_for_ray_custom_resources(
    ray_engine: Engine, ray_backend: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flytelike_ray._resources import custom_resources

    monkeypatch.setattr(
        ray_backend, "task_resources", custom_resources({"special": {"special": 1.5}})
    )
    ray_backend._templates.clear()
    try:
        assert ray_engine.run(rt.special).outputs() == 1.5  # (by its short name)
        monkeypatch.setattr(ray_backend, "task_resources", custom_resources({"*": {"special": 3}}))
        ray_backend._templates.clear()
        run = ray_engine.run(rt.special)
        assert run.phase is WorkflowPhase.FAILED
        message = _message(run.error)
        assert "special=3" in message and "no node of the Ray cluster" in message
    finally:
        ray_backend._templates.clear()


def test_task_resources_are_checked_when_the_backend_is_made() -> None:
    from flytelike_ray import RayBackend, RayBackendError

    with pytest.raises(RayBackendError, match="built-in resources"):
        RayBackend(task_resources={"app.train": {"CPU": 2}})
    with pytest.raises(RayBackendError, match="amount >= 0"):
        RayBackend(task_resources={"app.train": {"special": -1}})


def test_importing_and_selecting_the_backend_imports_no_ray() -> None:
    code = (
        "import sys\n"
        "from flytelike.backends import get_backend\n"
        "backend = get_backend('ray')\n"
        "assert not [m for m in sys.modules if m == 'ray' or m.startswith('ray.')], 'ray loaded'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
