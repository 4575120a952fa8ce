"""A real second Ray node: a raylet joined to the session's Ray on this machine (``ray start
--address=...``), with a custom resource only it has. Tasks pinned to each node hand a File
across nodes through the run's raw data prefix; a local prefix is refused before the run is
recorded unless it is declared a shared mount (on one machine it truly is)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import multinode_tasks as mt
import pytest

from flytelike.engine import Engine, EngineConfig, WorkflowPhase

HERE = Path(__file__).resolve().parent


def _alive() -> list[dict[str, Any]]:
    import ray

    return [n for n in ray.nodes() if n.get("Alive")]


def _wait_for(nodes: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while len(_alive()) != nodes:
        if time.monotonic() > deadline:
            raise AssertionError(f"expected {nodes} alive Ray nodes, found {len(_alive())}")
        time.sleep(0.25)


@pytest.fixture(scope="module")
def second_node(ray_backend: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The id of a second node joined to the session's Ray (one CPU, the resource
    ``second_node``), stopped and gone from the cluster afterwards."""
    import ray

    address = ray.get_runtime_context().gcs_address
    log_path = tmp_path_factory.mktemp("second-node") / "ray-start.log"
    log = open(log_path, "w")  # noqa: SIM115 (closed when the node stops)
    proc = subprocess.Popen(
        [
            os.path.join(os.path.dirname(sys.executable), "ray"), "start",
            f"--address={address}", "--num-cpus=1", '--resources={"second_node": 1}',
            "--block", "--disable-usage-stats",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        _wait_for(2, 90)
    except AssertionError:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        log.close()
        out = log_path.read_text()
        raise AssertionError(f"the second Ray node did not join:\n{out[-3000:]}") from None
    node = next(n["NodeID"] for n in _alive() if "second_node" in (n.get("Resources") or {}))
    yield node
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    log.close()
    _wait_for(1, 90)


def test_a_file_made_on_one_node_is_read_on_the_other(second_node: str, tmp_path: Path) -> None:
    import ray
    from flytelike_ray import RayBackend

    head = ray.get_runtime_context().get_node_id()
    backend = RayBackend(
        code_root=str(HERE),
        shared_mount=True,  # (one machine: the local prefix is the same folder on both nodes)
        task_resources={"produce": {"second_node": 1}, "consume": {"special": 1}},
    )
    engine = Engine(EngineConfig.from_env(home=tmp_path / "home"), backend=backend)
    try:
        run = engine.run(mt.across, text="hello")
        assert run.phase is WorkflowPhase.SUCCEEDED, run.error
        text, made_on, read_on = run.outputs().split("|")
        assert text == "hello"
        assert made_on == second_node  # (only the second node has `second_node`)
        assert read_on == head  # (only the head has `special`)
    finally:
        engine.close()
        backend.close()


def test_a_local_prefix_is_refused_on_two_real_nodes_before_the_run_is_recorded(
    second_node: str, tmp_path: Path
) -> None:
    from flytelike_ray import RayBackend, RayBackendError

    backend = RayBackend(code_root=str(HERE))
    engine = Engine(EngineConfig.from_env(home=tmp_path / "home"), backend=backend)
    try:
        with pytest.raises(RayBackendError) as info:
            engine.run(mt.across, text="hello")
        assert "2 nodes" in str(info.value) and "s3://" in str(info.value)
        assert engine.list_runs() == []  # nothing of the run was written
    finally:
        engine.close()
        backend.close()
