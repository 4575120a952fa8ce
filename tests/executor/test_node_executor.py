"""The executor interface is language-neutral: a Node.js executor (``executors/node``), loaded
from the same ``.proto`` files, runs shell tasks for the ``grpc`` backend.

The fixture installs the executor's npm dependencies from its lockfile (``npm ci``) and starts it
on 127.0.0.1 with an ephemeral port. Skipped only where node or npm is missing.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import flytelike as fl
from flytelike.backends import ActionContext, ActionRequest
from flytelike.engine import Engine, EngineConfig, WorkflowPhase
from flytelike.executor import GrpcBackend
from typesystem import Scalar

from .conftest import listening

NODE_DIR = Path(__file__).resolve().parents[2] / "executors" / "node"
TOKEN = "node-test-token"

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or shutil.which("npm") is None, reason="needs node and npm"
)

greet = fl.ShellTask(
    "greet",
    script="echo hello {inputs.who}; echo note >&2; echo {inputs.n} > {inputs.path}",
    inputs=fl.kwtypes(who=str, n=int, path=str),
)
fails = fl.ShellTask("fails", script="echo broken >&2; exit 3", inputs=fl.kwtypes())
sleeps = fl.ShellTask(
    "sleeps",
    script="sleep 5",
    inputs=fl.kwtypes(),
    metadata=fl.TaskMetadata(timeout=1),
)


@fl.task
def python_task() -> int:
    return 1


@pytest.fixture(scope="module")
def node_executor() -> Iterator[str]:
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=NODE_DIR,
        check=True,
        timeout=600,
    )
    env = dict(os.environ, FLYTELIKE_EXECUTOR_TOKEN=TOKEN)
    with listening(["node", "executor.js", "--port", "0"], env, NODE_DIR, secured=True) as (_, a):
        yield a


@pytest.fixture
def backend(node_executor: str) -> Iterator[GrpcBackend]:
    b = GrpcBackend(address=node_executor, token=TOKEN)
    yield b
    b.close()


@pytest.fixture
def engine(backend: GrpcBackend, tmp_path: Path) -> Iterator[Engine]:
    eng = Engine(EngineConfig.from_env(home=tmp_path / "home"), backend=backend)
    yield eng
    eng.close()


def test_describe(backend: GrpcBackend) -> None:
    info = backend.describe()
    assert (info["name"], info["language"], info["task_kinds"]) == (
        "flytelike-node-shell",
        "node",
        ["shell"],
    )
    assert "stream" in info["capabilities"]  # (it serves RunActions)


def test_a_shell_task_runs_and_its_output_comes_back(backend: GrpcBackend, tmp_path: Path) -> None:
    inputs = {"who": Scalar("world"), "n": Scalar(3), "path": Scalar(str(tmp_path / "out"))}
    req = ActionRequest(greet.template(), inputs, ActionContext("r", "n0"))
    outcome = asyncio.run(backend.run_action(req))
    assert outcome.error is None and outcome.outputs == {}
    assert (tmp_path / "out").read_text() == "3\n"
    assert outcome.logs is not None
    assert outcome.logs.chunks == (("stdout", "hello world\n"), ("stderr", "note\n"))


def test_runs_through_the_engine(engine: Engine, tmp_path: Path) -> None:
    run = engine.run(greet, who="engine", n=7, path=str(tmp_path / "o"))
    assert run.phase is WorkflowPhase.SUCCEEDED
    assert (tmp_path / "o").read_text() == "7\n"


def test_a_failing_script_is_a_user_error(engine: Engine) -> None:
    run = engine.run(fails)
    assert run.phase is WorkflowPhase.FAILED
    assert run.error is not None
    assert "failed with exit code 3: broken" in run.error.message


def test_a_timeout_kills_the_script(engine: Engine) -> None:
    t0 = time.perf_counter()
    run = engine.run(sleeps)
    assert run.phase is WorkflowPhase.TIMED_OUT
    assert time.perf_counter() - t0 < 3.0


def test_other_kinds_are_unimplemented(engine: Engine) -> None:
    run = engine.run(python_task)
    assert run.phase is WorkflowPhase.FAILED
    assert run.error is not None
    assert "(UNIMPLEMENTED): task.kind: this executor does not run tasks of kind 'python'" in (
        run.error.message
    )


def test_a_wrong_token_is_unauthenticated(node_executor: str) -> None:
    b = GrpcBackend(address=node_executor, token="wrong")
    try:
        req = ActionRequest(fails.template(), {}, ActionContext("r", "n0"))
        outcome = asyncio.run(b.run_action(req))
    finally:
        b.close()
    assert outcome.error is not None
    assert "(UNAUTHENTICATED): the token is wrong" in outcome.error.message


def test_a_malformed_task_is_invalid_argument(backend: GrpcBackend) -> None:
    from dataclasses import replace

    task = replace(fails.template(), custom=(("script", "not json"),))
    outcome = asyncio.run(backend.run_action(ActionRequest(task, {}, ActionContext("r", "n0"))))
    assert outcome.error is not None
    assert "(INVALID_ARGUMENT): task.custom.script: is not JSON" in outcome.error.message


def test_a_template_travels_once_then_by_digest(
    engine: Engine, backend: GrpcBackend, tmp_path: Path
) -> None:
    # (the engine's backend sends greet's template with the first run only; the second and
    # third name it by digest, which the Node executor remembers; all go over one stream)
    for n in (1, 2, 3):
        run = engine.run(greet, who="again", n=n, path=str(tmp_path / "o"))
        assert run.phase is WorkflowPhase.SUCCEEDED
        assert (tmp_path / "o").read_text() == f"{n}\n"
    assert backend._streams is True


def test_an_unknown_digest_is_not_found(node_executor: str) -> None:
    import grpc

    from flytelike.executor import _wire
    from flytelike.proto import executor_pb2 as pb

    msg = pb.ActionRequest.FromString(
        _wire.request_to_proto(
            _wire.TaskCodec(), ActionRequest(fails.template(), {}, ActionContext("r", "n0")), ""
        )
    )
    msg.ClearField("task")
    msg.task_digest = "0" * 64
    with grpc.insecure_channel(node_executor) as channel:
        method = channel.unary_unary("/flytelike.executor.v1.Executor/RunAction")
        with pytest.raises(grpc.RpcError) as info:
            method(msg.SerializeToString(), metadata=(("authorization", f"Bearer {TOKEN}"),))
    assert info.value.code() is grpc.StatusCode.NOT_FOUND
    assert info.value.details().startswith("task_digest: unknown task digest '000")
