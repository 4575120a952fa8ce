"""flyte 2's connectors (``flytelike.connectors``) and ``flytelike.app.ConnectorEnvironment``,
end to end with a toy connector: its jobs are entries of a JSON ledger file that finish after a
number of polls with twice their input (or fail, or never finish). The connector runs in this
process through the registry, and in the process of a served ``ConnectorEnvironment``."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import flytelike as flyte
from flytelike.app import ConnectorEnvironment
from flytelike.connectors import (
    AsyncConnector,
    ConnectorRegistry,
    ConnectorTaskFailed,
    Resource,
    ResourceMeta,
    TaskExecution,
)
from flytelike.connectors.utils import convert_to_flyte_phase, is_terminal_phase, module_for_path
from flytelike.engine import Engine
from flytelike.errors import DefinitionError
from flytelike.exceptions.system import FlyteConnectorNotFound

from .serving import free_port

TOY = """
import dataclasses, json, os

from flytelike import TaskTemplate
from flytelike.connectors import (
    AsyncConnector, AsyncConnectorExecutorMixin, ConnectorRegistry, Resource, ResourceMeta,
    TaskExecution,
)
from flytelike.models import NativeInterface


@dataclasses.dataclass
class JobMeta(ResourceMeta):
    job_id: str
    ledger: str


def load(path):
    with open(path) as f:
        return json.load(f)


def save(path, jobs):  # (atomically: the test reads the ledger meanwhile)
    with open(path + ".tmp", "w") as f:
        json.dump(jobs, f)
    os.replace(path + ".tmp", path)


class ToyConnector(AsyncConnector):
    name = "Toy Connector"
    task_type_name = "toy_job"
    metadata_type = JobMeta

    async def create(self, task_template, output_prefix, inputs=None, **kwargs):
        custom = dict(task_template.custom)
        ledger = custom["ledger"]
        jobs = load(ledger) if os.path.exists(ledger) else {}
        job_id = f"job{len(jobs)}"
        jobs[job_id] = {
            "x": inputs["x"], "polls": 0, "need": int(custom["polls"]), "fail": custom["fail"],
            "pid": os.getpid(), "deleted": 0, "type": task_template.type,
            "prefix": output_prefix, "token": kwargs.get("token"),
        }
        save(ledger, jobs)
        return JobMeta(job_id, ledger)

    async def get(self, resource_meta, **kwargs):
        jobs = load(resource_meta.ledger)
        job = jobs[resource_meta.job_id]
        job["polls"] += 1
        save(resource_meta.ledger, jobs)
        if job["polls"] < job["need"]:
            return Resource(phase=TaskExecution.RUNNING)
        if job["fail"]:
            return Resource(phase=TaskExecution.FAILED, message="the toy job broke")
        return Resource(phase=TaskExecution.SUCCEEDED, outputs={"y": job["x"] * 2})

    async def delete(self, resource_meta, **kwargs):
        jobs = load(resource_meta.ledger)
        jobs[resource_meta.job_id]["deleted"] += 1
        save(resource_meta.ledger, jobs)


ConnectorRegistry.register(ToyConnector(), override=True)


class ToyTask(AsyncConnectorExecutorMixin, TaskTemplate):
    def __init__(self, name, ledger, polls=2, fail=False, secrets=None, **kwargs):
        super().__init__(
            name=name,
            interface=NativeInterface({"x": (int, None)}, {"y": int}),
            task_type="toy_job",
            **kwargs,
        )
        self.ledger, self.polls, self.fail, self.secret_vars = ledger, polls, fail, secrets

    def custom_config(self, sctx):
        config = {"ledger": self.ledger, "polls": self.polls, "fail": self.fail}
        if self.secret_vars:
            config["secrets"] = self.secret_vars
        return config
"""


@pytest.fixture
def toy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The toy connector's module, written to a fresh folder that is the working directory."""
    (tmp_path / "toy_connector.py").write_text(TOY)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("toy_connector", None)
    module = importlib.import_module("toy_connector")
    yield module
    sys.modules.pop("toy_connector", None)
    ConnectorRegistry.unregister("toy_job")


def jobs(tmp_path: Path) -> list[dict[str, Any]]:
    return list(json.loads((tmp_path / "ledger.json").read_text()).values())


def test_in_process_run_polls_until_the_job_succeeds(
    toy: Any, tmp_path: Path, engine: Engine
) -> None:
    task = toy.ToyTask("toy", str(tmp_path / "ledger.json"), polls=3)
    run = engine.run(task, x=5)
    assert run.outputs() == 10
    (job,) = jobs(tmp_path)
    assert job["polls"] == 3 and job["pid"] == os.getpid() and job["deleted"] == 0
    assert job["type"] == "toy_job" and "connector-" in job["prefix"]
    assert task.phases == [TaskExecution.QUEUED, TaskExecution.RUNNING, TaskExecution.SUCCEEDED]
    ((action, tab, uri),) = run.decks()  # the phases, recorded as the action's
    assert (action, tab) == ("toy", "Connector")
    page = Path(uri.removeprefix("file://")).read_text()
    assert "<td>RUNNING</td>" in page and "<td>SUCCEEDED</td>" in page and "toy_job" in page
    custom = dict(task.template().custom)
    assert json.loads(custom["v2.task_type"]) == "toy_job"
    assert json.loads(custom["v2.connector_config"])["polls"] == 3


def test_parent_task_and_direct_call(toy: Any, tmp_path: Path) -> None:
    task = toy.ToyTask("toy", str(tmp_path / "ledger.json"))
    env = flyte.TaskEnvironment("connector_parent")

    @env.task
    async def parent(x: int) -> int:
        return await task(x=x) + 1

    assert flyte.run(parent, x=3).outputs()[0] == 7
    assert asyncio.run(task(x=4)) == 8  # outside a run: the connector runs here
    assert [j["x"] for j in jobs(tmp_path)] == [3, 4]


def test_failed_job_fails_the_task_with_the_connectors_message(toy: Any, tmp_path: Path) -> None:
    task = toy.ToyTask("bad", str(tmp_path / "ledger.json"), fail=True)
    with pytest.raises(flyte.errors.RuntimeUserError, match="the toy job broke") as info:
        flyte.run(task, x=1)
    assert info.value.code == "ConnectorTaskFailed"
    with pytest.raises(ConnectorTaskFailed, match="ended FAILED: the toy job broke"):
        asyncio.run(task(x=1))


def test_timeout_and_abort_delete_the_job(toy: Any, tmp_path: Path, engine: Engine) -> None:
    ledger = str(tmp_path / "ledger.json")
    slow = toy.ToyTask("slow", ledger, polls=10**6, timeout=1)
    with pytest.raises(flyte.errors.TaskTimeoutError):
        flyte.run(slow, x=1)
    forever = toy.ToyTask("forever", ledger, polls=10**6)
    run = engine.run(forever, wait=False, x=2)
    deadline = time.monotonic() + 10
    while not (tmp_path / "ledger.json").exists() or len(jobs(tmp_path)) < 2:
        assert time.monotonic() < deadline, "the job was never created"
        time.sleep(0.02)
    run.abort()
    run.wait(10)
    assert [j["deleted"] for j in jobs(tmp_path)] == [1, 1]
    assert forever.phases[-1] == TaskExecution.ABORTED


def test_secrets_reach_the_connector(toy: Any, tmp_path: Path, monkeypatch: Any) -> None:
    task = toy.ToyTask("sec", str(tmp_path / "ledger.json"), secrets={"token": "TOY_TOKEN"})
    with pytest.raises(DefinitionError, match="environment variable 'TOY_TOKEN'"):
        asyncio.run(task(x=1))
    monkeypatch.setenv("TOY_TOKEN", "s3cret")
    assert asyncio.run(task(x=1)) == 2
    assert jobs(tmp_path)[-1]["token"] == "s3cret"


def test_unknown_task_type_names_it(toy: Any) -> None:
    class Nowhere(toy.AsyncConnectorExecutorMixin, flyte.TaskTemplate):
        pass

    task = Nowhere(name="nowhere", interface=flyte.models.NativeInterface({}, {}), task_type="nope")
    with pytest.raises(flyte.errors.RuntimeUserError, match="no connector for task type 'nope'"):
        flyte.run(task)
    with pytest.raises(FlyteConnectorNotFound, match=r"'nope' version 0.*toy_job"):
        ConnectorRegistry.get_connector("nope")


def test_definition_errors(toy: Any) -> None:
    with pytest.raises(DefinitionError, match=r"unknown parameter.*colour"):
        toy.ToyTask("t", "l", colour="blue")
    with pytest.raises(DefinitionError, match="already registered"):
        ConnectorRegistry.register(toy.ToyConnector())
    with pytest.raises(DefinitionError, match="not a phase"):
        Resource(phase="sideways")
    with pytest.raises(DefinitionError, match="must come first"):

        class NoTemplate(toy.AsyncConnectorExecutorMixin):  # type: ignore[misc]
            pass

        NoTemplate(name="w", interface=flyte.models.NativeInterface({}, {}), task_type="toy_job")
    with pytest.raises(DefinitionError, match="outside the working directory"):
        ConnectorEnvironment(name="c", include=["../elsewhere.py"])


def test_phases_resource_meta_and_overrides(toy: Any, tmp_path: Path) -> None:
    assert Resource(phase=3).phase is TaskExecution.SUCCEEDED
    assert Resource(phase="done").phase is TaskExecution.SUCCEEDED
    assert convert_to_flyte_phase("Pending") == TaskExecution.INITIALIZING
    assert is_terminal_phase(TaskExecution.ABORTED) and not is_terminal_phase("running")
    meta = toy.JobMeta("j1", "ledger")
    assert toy.JobMeta.decode(meta.encode()) == meta
    with pytest.raises(DefinitionError, match="unknown field"):
        toy.JobMeta.decode(b'{"job": 1}')

    @dataclasses.dataclass
    class Plain(ResourceMeta):
        n: int

    assert Plain.decode(Plain(3).encode()).n == 3
    assert issubclass(toy.ToyConnector, AsyncConnector)
    task = toy.ToyTask("toy", str(tmp_path / "ledger.json"))
    retried = task.override(retries=2)
    assert retried.template().metadata.retries == 2 and task.template().metadata.retries == 0
    assert retried.task_type == "toy_job" and asyncio.run(retried(x=5)) == 10


def test_include_paths_become_module_names() -> None:
    assert module_for_path("my_connector.py", "w") == "my_connector"
    assert module_for_path("pkg/connector.py", "w") == "pkg.connector"
    assert module_for_path("pkg/", "w") == "pkg"
    assert module_for_path(os.path.join(os.getcwd(), "a", "b.py"), "w") == "a.b"
    env = ConnectorEnvironment(name="conn", include=["pkg/connector.py"], port=9999)
    assert env.type == "connector" and env.port.port == 9999
    assert env.command_line() == [
        sys.executable, "-m", "flytelike.connectors", "--port", "9999",
        "--modules", "pkg.connector",
    ]  # fmt: skip


def test_served_connector_environment_runs_the_connector_in_its_process(
    toy: Any, tmp_path: Path, engine: Engine
) -> None:
    ledger = str(tmp_path / "ledger.json")
    env = ConnectorEnvironment(
        name="toy-connectors", include=["toy_connector.py"], port=free_port()
    )
    handle = flyte.serve(env)
    try:
        assert handle.type == "connector" and handle.is_running()
        assert flyte.run(toy.ToyTask("toy", ledger, polls=3), x=21).outputs()[0] == 42
        with pytest.raises(flyte.errors.RuntimeUserError, match="the toy job broke"):
            flyte.run(toy.ToyTask("bad", ledger, fail=True), x=1)
        forever = toy.ToyTask("forever", ledger, polls=10**6)
        run = engine.run(forever, wait=False, x=2)
        deadline = time.monotonic() + 10
        while len(jobs(tmp_path)) < 3 or jobs(tmp_path)[-1]["polls"] < 1:
            assert time.monotonic() < deadline, "the job was never polled"
            time.sleep(0.02)
        run.abort()
        run.wait(10)
        served = jobs(tmp_path)
        assert {j["pid"] for j in served} == {handle._proc.pid}  # type: ignore[union-attr]
        assert [j["polls"] for j in served[:2]] == [3, 2]
        assert [j["deleted"] for j in served] == [0, 0, 1]
    finally:
        handle.stop()
    # Once the environment is stopped, the registry of this process runs the connector again.
    assert asyncio.run(toy.ToyTask("toy", ledger)(x=1)) == 2
    assert jobs(tmp_path)[-1]["pid"] == os.getpid()


def test_service_answers_not_found_for_a_type_it_does_not_host(toy: Any) -> None:
    from flytelike.connectors._client import ServiceClient, ServiceError
    from flytelike.proto import connector_pb2 as pb

    env = ConnectorEnvironment(
        name="toy-connectors", include=["toy_connector.py"], port=free_port()
    )
    with flyte.serve(env) as handle:
        client = ServiceClient(handle.url.removeprefix("http://"))
        listed = asyncio.run(
            client.call("ListConnectors", pb.ListConnectorsRequest(), pb.ListConnectorsResponse)
        )
        assert [
            (c.name, [t.name for t in c.supported_task_categories]) for c in listed.connectors
        ] == [("Toy Connector", ["toy_job"])]
        request = pb.GetTaskRequest(resource_meta=b"{}")
        request.task_category.name = "nope"
        with pytest.raises(ServiceError, match=r"NOT_FOUND.*'nope'"):
            asyncio.run(client.call("GetTask", request, pb.GetTaskResponse))


def test_flytelike_serve_connector_serves_the_included_modules(toy: Any, tmp_path: Path) -> None:
    import subprocess

    from flytelike.connectors._client import ServiceClient
    from flytelike.proto import connector_pb2 as pb

    port = free_port()
    cmd = [sys.executable, "-m", "flytelike", "serve", "connector", "--port", str(port)]
    proc = subprocess.Popen([*cmd, "toy_connector.py"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith(f"connector service on 127.0.0.1:{port}: Toy Connector")
        listed = asyncio.run(
            ServiceClient(f"127.0.0.1:{port}").call(
                "ListConnectors", pb.ListConnectorsRequest(), pb.ListConnectorsResponse
            )
        )
        assert [c.name for c in listed.connectors] == ["Toy Connector"]
    finally:
        proc.terminate()
        code = proc.wait(10)
        proc.stdout.close()  # type: ignore[union-attr]
    assert code == 0  # (SIGTERM stops the service cleanly)
    missing = subprocess.run([*cmd, "nosuch.py"], capture_output=True, text=True)
    assert missing.returncode == 1 and "connector module 'nosuch' could not be imported" in (
        missing.stderr
    )


def test_public_names_are_pinned_and_importing_is_cheap() -> None:
    import subprocess

    import flytelike.connectors as connectors

    assert connectors.__all__ == [
        "AsyncConnector", "AsyncConnectorExecutorMixin", "ConnectorRegistry", "ConnectorService",
        "ConnectorTaskFailed", "Resource", "ResourceMeta", "TaskExecution", "TaskLog",
    ]  # fmt: skip
    code = (
        "import sys, flytelike.connectors, flytelike.app; "
        "print([m for m in ('grpc', 'google.protobuf') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
