"""``flytelike.remote.FlyteRemote``: the seed's UnionRemote flows, run against the local engine."""

from __future__ import annotations

import asyncio
import datetime as dt
import time

import pytest

import flytelike
from flytelike import task, workflow
from flytelike.configuration import Config, PlatformConfig, SerializationSettings
from flytelike.engine import (
    AbortError,
    Engine,
    RunFailedError,
    RunNotFinishedError,
    RunNotFoundError,
)
from flytelike.errors import ConfigurationError
from flytelike.models import filters
from flytelike.models.core.execution import (
    NodeExecutionPhase,
    TaskExecutionPhase,
    WorkflowExecutionPhase,
)
from flytelike.remote import (
    EntityNotFoundError,
    ExecutionExistsError,
    FlyteRemote,
    FlyteTimeout,
    NotSupportedLocallyError,
    StoredEntity,
    UnionRemote,
)
from tests.engine import wfs


@task
def nap(s: float) -> float:
    time.sleep(s)
    return s


@workflow
def slow_wf(s: float = 0.5) -> float:
    return nap(s=nap(s=s))


@task
def boom(x: int) -> int:
    raise ValueError(f"bad {x}")


@pytest.fixture
def remote(engine: Engine) -> FlyteRemote:
    return UnionRemote(
        config=Config.for_endpoint(endpoint="union.example.com"),
        default_project="my-project",
        default_domain="my-domain",
        data_upload_location="s3://my-bucket/my-prefix",
    )


def test_union_remote_is_flyte_remote_and_lazy_exports() -> None:
    assert UnionRemote is FlyteRemote
    assert flytelike.UnionRemote is FlyteRemote and flytelike.FlyteRemote is FlyteRemote


def test_execute_wait_outputs_inputs(remote: FlyteRemote) -> None:
    execution = remote.execute(
        wfs.my_workflow, inputs={"a": 1, "b": 2, "c": 3, "m": 2, "n": 2}, wait=True
    )
    assert execution.is_done and execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED
    assert execution.outputs["o0"] == 2
    assert list(execution.outputs.keys()) == ["o0"]
    assert dict(execution.inputs) == {"a": 1, "b": 2, "c": 3, "m": 2, "n": 2}
    assert execution.id.project == "my-project" and execution.id.domain == "my-domain"
    assert execution.spec.launch_plan.name == "tests.engine.wfs.my_workflow"
    assert execution.closure.started_at is not None and execution.closure.duration is not None
    assert remote.generate_console_url(execution).startswith("file://")


def test_execute_names_and_prefixes(remote: FlyteRemote) -> None:
    e = remote.execute(wfs.add, inputs={"a": 1, "b": 2}, execution_name="task-execution", wait=True)
    assert e.id.name == "task-execution" and e.outputs["o0"] == 3
    with pytest.raises(ExecutionExistsError, match="task-execution"):
        remote.execute(wfs.add, inputs={"a": 1, "b": 2}, execution_name="task-execution")
    p = remote.execute(wfs.add, inputs={"a": 1, "b": 2}, execution_name_prefix="flyte", wait=True)
    assert p.id.name.startswith("flyte-") and len(p.id.name) == len("flyte-") + 19
    with pytest.raises(ValueError, match="Only one of execution_name and execution_name_prefix"):
        remote.execute(wfs.add, inputs={}, execution_name="a", execution_name_prefix="b")


def test_non_blocking_execute_then_wait(remote: FlyteRemote) -> None:
    execution = remote.execute(slow_wf, inputs={"s": 0.1})
    assert not execution.is_done
    with pytest.raises(RunNotFinishedError, match="Please wait until the execution has completed"):
        execution.outputs  # noqa: B018
    done = remote.wait(execution)
    assert done is execution and done.outputs["o0"] == 0.1
    assert set(done.node_executions) == {"n0", "n1"}


def test_wait_timeout(remote: FlyteRemote) -> None:
    execution = remote.execute(slow_wf, inputs={"s": 0.1})
    with pytest.raises(FlyteTimeout):
        remote.wait(execution, timeout=dt.timedelta(seconds=0.05))
    remote.wait(execution)


def test_failed_execution_outputs_raise(remote: FlyteRemote) -> None:
    execution = remote.execute(boom, inputs={"x": 3}, wait=True)
    assert execution.closure.phase == WorkflowExecutionPhase.FAILED
    assert execution.error is not None and "bad 3" in execution.error.message
    with pytest.raises(RunFailedError, match="Outputs could not be found"):
        execution.outputs  # noqa: B018


def test_recent_executions_limit_and_filters(remote: FlyteRemote) -> None:
    for i in range(3):
        remote.execute(wfs.add, inputs={"a": i, "b": 1}, wait=True)
    remote.execute(boom, inputs={"x": 1}, wait=True)
    recent = remote.recent_executions(limit=2)
    assert len(recent) == 2 and recent[0].spec.launch_plan.name.endswith("boom")
    assert len(remote.recent_executions(limit=5000)) == 4
    ok = remote.recent_executions(
        limit=10,
        filters=[
            filters.Filter.from_python_std("eq(workflow.name,tests.engine.wfs.add)"),
            filters.Equal("phase", "SUCCEEDED"),
            filters.LessThan("duration", 60),
        ],
    )
    assert len(ok) == 3 and all(e.closure.phase == "SUCCEEDED" for e in ok)
    failures = [NodeExecutionPhase.FAILED, NodeExecutionPhase.ABORTED]
    assert len([e for e in remote.recent_executions() if e.closure.phase in failures]) == 1
    with pytest.raises(ValueError, match="cannot filter local executions on 'cluster'"):
        remote.recent_executions(filters=[filters.Equal("cluster", "x")])


def test_terminate_running_executions(remote: FlyteRemote) -> None:
    execution = remote.execute(slow_wf, inputs={"s": 0.2}, wait=False)
    deadline = time.monotonic() + 2
    while remote.sync(execution).closure.phase != NodeExecutionPhase.RUNNING:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    running = [e for e in remote.recent_executions(limit=10) if e.closure.phase == "RUNNING"]
    assert [e.id.name for e in running] == [execution.id.name]
    remote.terminate(running[0], cause="Terminated manually via script.")
    remote.wait(execution, timeout=5)
    assert execution.closure.phase == WorkflowExecutionPhase.ABORTED
    with pytest.raises(AbortError):
        remote.terminate(execution, cause="again")


def test_fetch_execution_and_sync_nodes(remote: FlyteRemote) -> None:
    first = remote.execute(wfs.my_workflow, inputs={"a": 1, "b": 2, "c": 3, "m": 2, "n": 2})
    remote.wait(first)
    execution = remote.fetch_execution(name=first.id.name, project="my-project")
    assert execution.outputs["o0"] == 2 and set(execution.inputs.keys()) == set("abcmn")
    assert execution.node_executions == {}
    synced = remote.sync(execution, sync_nodes=True)
    assert sorted(synced.node_executions) == ["n0", "n1", "n2", "n3"]
    n2 = synced.node_executions["n2"]
    assert n2.id.node_id == "n2" and n2.closure.phase == NodeExecutionPhase.SUCCEEDED
    assert dict(n2.inputs) == {"a": 2, "b": 2} and n2.outputs["o0"] == 4
    assert n2.task_executions[0].closure.phase == TaskExecutionPhase.SUCCEEDED


def test_fetch_workflow_by_name_then_execute(remote: FlyteRemote) -> None:
    wf = remote.fetch_workflow(name="tests.engine.wfs.my_workflow", version="v1")
    assert wf is wfs.my_workflow
    e = remote.execute(wf, inputs={"a": 1, "b": 1, "c": 1, "m": 1, "n": 1}, wait=True)
    assert e.outputs["o0"] == 2
    t = remote.fetch_task(name="tests.engine.wfs.add", version="v1")
    assert remote.execute(t, inputs={"a": 2, "b": 5}, wait=True).outputs["o0"] == 7
    lp = remote.fetch_launch_plan(name="tests.engine.wfs.my_workflow", project="flytesnacks")
    assert isinstance(lp, flytelike.LaunchPlan) and lp.workflow is wfs.my_workflow
    with pytest.raises(EntityNotFoundError, match="is a workflow, not a task"):
        remote.fetch_task(name="tests.engine.wfs.my_workflow")
    with pytest.raises(EntityNotFoundError, match="import the module that defines it"):
        remote.fetch_workflow(name="no_such_module.wf")


def test_registered_and_stored_entities(remote: FlyteRemote) -> None:
    settings = SerializationSettings(image_config=None)
    assert remote.register_task(entity=nap, serialization_settings=settings, version="v2") is nap
    assert remote.fast_register_workflow(entity=slow_wf) is slow_wf
    assert remote.fetch_workflow(name=slow_wf.name) is slow_wf
    with pytest.raises(TypeError, match="use register_workflow"):
        remote.register_task(entity=slow_wf)

    # An entity known only from the run store (here: a local function, which no import
    # finds) is executed again from its recorded closure.
    @task
    def double(x: int) -> int:
        return 2 * x

    remote.execute(double, inputs={"x": 2}, wait=True)
    stored = remote.fetch_task(name=double.name)
    assert isinstance(stored, StoredEntity) and stored.name == double.name
    assert remote.execute(stored, inputs={"x": 21}, wait=True).outputs["o0"] == 42


def test_stream_execution_events(remote: FlyteRemote) -> None:
    async def main() -> list[str]:
        execution = remote.execute(slow_wf, inputs={"s": 0.05})
        return [
            f"{e.kind}:{e.node_id}:{e.phase}"
            async for e in remote.stream_execution_events(
                include_workflow_executions=True,
                include_node_executions=False,
                include_task_executions=False,
                execution=execution,
            )
        ]

    got = asyncio.run(main())
    assert got[-1] == "workflow::SUCCEEDED"

    async def node_events() -> list[str]:
        stream = remote.stream_execution_events(
            event_count=2,
            include_node_executions=True,
            include_task_executions=False,
            include_workflow_executions=False,
        )
        out: list[str] = []
        first = asyncio.ensure_future(stream.__anext__())
        await asyncio.sleep(0.02)
        remote.execute(wfs.add, inputs={"a": 1, "b": 1})
        out.append(str((await first).phase))
        out += [str(e.phase) async for e in stream]
        return out

    assert asyncio.run(node_events()) == ["QUEUED", "RUNNING"]


def test_phase_constants() -> None:
    assert WorkflowExecutionPhase.SUCCEEDED.code == 4 and NodeExecutionPhase.SUCCEEDED.code == 3
    assert WorkflowExecutionPhase.enum_to_string(4) == "SUCCEEDED"
    assert WorkflowExecutionPhase.enum_to_string(WorkflowExecutionPhase.FAILED) == "FAILED"
    assert NodeExecutionPhase.enum_to_string("running") == "RUNNING"
    assert TaskExecutionPhase.RETRYABLE_FAILED.code == 6
    assert WorkflowExecutionPhase.RUNNING == NodeExecutionPhase.RUNNING
    assert flytelike.WorkflowExecutionPhase is WorkflowExecutionPhase


def test_configuration_is_inert_and_cluster_calls_explain() -> None:
    cfg = Config(
        platform=PlatformConfig(
            endpoint="union.example.com", client_id="id", auth_mode="client_credentials"
        )
    )
    assert cfg.platform.endpoint == "union.example.com"
    assert Config.auto().source == "auto" and Config.from_file("x.yaml").source == "file:x.yaml"
    assert Config.for_sandbox().platform.insecure
    # flytekit's other sections: recorded as given, defaults without reading anything
    from flytelike.configuration import AuthType, DataConfig, S3Config, SecretsConfig

    data = DataConfig(s3=S3Config(endpoint="http://localhost:30002", access_key_id="minio"))
    sandbox = Config(
        platform=PlatformConfig(endpoint="localhost:30080", auth_mode=AuthType.PKCE),
        data_config=data,
        secrets=SecretsConfig(env_prefix="X_"),
    )
    assert sandbox.extra["data_config"].s3.endpoint == "http://localhost:30002"
    assert (DataConfig.auto().s3.retries, SecretsConfig.auto().env_prefix) == (3, "_FSEC_")
    assert FlyteRemote(config=sandbox).default_project == "flytesnacks"
    remote = FlyteRemote.for_endpoint("union.example.com", interactive_mode_enabled=True)
    assert remote.default_project == "flytesnacks" and remote.default_domain == "development"
    with pytest.raises(NotSupportedLocallyError, match="no"):
        remote.client  # noqa: B018
    with pytest.raises(NotImplementedError):
        remote.create_artifact()


def test_runs_are_namespaced_by_project_and_domain(remote: FlyteRemote, engine: Engine) -> None:
    """The remote's default project/domain (or a call's) is where execute records a run (and
    its cache entries), fetch_execution looks and recent_executions lists."""
    mine = remote.execute(wfs.add, inputs={"a": 1, "b": 2}, wait=True)
    assert (mine.id.project, mine.id.domain) == ("my-project", "my-domain")
    theirs = remote.execute(wfs.add, inputs={"a": 1, "b": 2}, project="ml", wait=True)
    assert (theirs.id.project, theirs.id.domain) == ("ml", "my-domain")
    recorded = {r.name: (r.project, r.domain) for r in engine.list_runs(-1)}
    assert recorded[mine.id.name] == ("my-project", "my-domain")
    assert recorded[theirs.id.name] == ("ml", "my-domain")
    assert [e.id.name for e in remote.recent_executions()] == [mine.id.name]
    assert [e.id.name for e in remote.recent_executions(project="ml")] == [theirs.id.name]
    assert remote.recent_executions(domain="production") == []
    fetched = remote.fetch_execution(name=theirs.id.name, project="ml")
    assert fetched.id.project == "ml" and fetched.outputs["o0"] == 3
    with pytest.raises(RunNotFoundError, match=r"in project 'my-project'.*pass project='ml'"):
        remote.fetch_execution(name=theirs.id.name)
    other = FlyteRemote(default_project="ml", default_domain="my-domain")
    assert [e.id.name for e in other.recent_executions()] == [theirs.id.name]
    with pytest.raises(ConfigurationError, match="FlyteRemote: project 'no spaces'"):
        FlyteRemote(default_project="no spaces")
    with pytest.raises(ConfigurationError, match="domain"):
        remote.execute(wfs.add, inputs={"a": 1, "b": 2}, domain="")


def test_default_namespace_is_the_engines(monkeypatch: pytest.MonkeyPatch) -> None:
    from flytelike.engine import EngineConfig

    monkeypatch.setenv("FLYTELIKE_PROJECT", "team")
    eng = Engine(EngineConfig.from_env())
    try:
        remote = FlyteRemote(engine=eng)
        assert (remote.default_project, remote.default_domain) == ("team", "development")
        run = remote.execute(wfs.add, inputs={"a": 2, "b": 2}, wait=True)
        assert eng.list_runs(1)[0].project == "team" and run.id.project == "team"
    finally:
        eng.close()
