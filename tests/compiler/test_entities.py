"""Launch plans, maps, dynamic and eager tasks, imperative workflows, references, shell tasks."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from typing import Any, Optional

import pytest

from flytelike import (
    CronSchedule,
    FixedRate,
    LaunchPlan,
    OutputLocation,
    ShellTask,
    Workflow,
    dynamic,
    eager,
    kwtypes,
    map_task,
    reference_launch_plan,
    reference_task,
    reference_workflow,
    task,
    workflow,
)
from flytelike.errors import (
    BindingTypeError,
    CompileError,
    DefinitionError,
    LaunchPlanError,
    ReferenceEntityError,
)
from flytelike.ir import ArrayNode, LaunchPlanNode, TaskNode, WorkflowNode
from flytelike.testing import task_mock
from typesystem import CollectionType, UnionType


@task
def add(a: int, b: int) -> int:
    return a + b


@task
def fragile(x: int) -> int:
    if x < 0:
        raise ValueError("negative")
    return x


@task
def two_outputs(x: int) -> tuple[int, int]:
    return x, x


@workflow
def adder(a: int, b: int = 10) -> int:
    return add(a=a, b=b)


@workflow
def stamped(a: int, kickoff: dt.datetime) -> int:
    return add(a=a, b=1)


pytestmark = pytest.mark.usefixtures("fresh_launch_plans")


# ------------------------------------------------------------------------------ launch plans
def test_default_launch_plan() -> None:
    lp = LaunchPlan.get_or_create(adder)
    assert lp.name == adder.name and lp is LaunchPlan.get_default_launch_plan(None, adder)
    assert lp(a=1) == 11
    assert lp.template().interface.inputs[1].default is not None


def test_fixed_and_default_inputs() -> None:
    lp = LaunchPlan.get_or_create(
        adder, name="fixed", fixed_inputs={"b": 1}, default_inputs={"a": 5}
    )
    assert lp() == 6 and lp(a=2) == 3
    assert [v.name for v in lp.template().interface.inputs] == ["a"]
    assert lp.template().fixed_inputs[0][0] == "b"
    with pytest.raises(LaunchPlanError, match="fixed"):
        lp.local_call({"b": 3})


def test_a_redefined_workflow_gets_its_own_default_launch_plan() -> None:
    # a notebook cell run again, or a test defining the workflow per case, makes a new object
    # with the same name; flytekit hands back the first one's default launch plan
    def make(k: int) -> Any:
        @workflow
        def scaled(a: int) -> int:
            return add(a=a, b=k)  # type: ignore[no-any-return]

        return scaled

    first, second = make(1), make(10)
    assert first.name == second.name
    assert LaunchPlan.get_or_create(first)(a=1) == 2
    lp = LaunchPlan.get_or_create(second)
    assert lp.workflow is second and lp(a=1) == 11
    assert LaunchPlan.get_or_create(second) is lp


def test_launch_plan_errors() -> None:
    with pytest.raises(LaunchPlanError, match="Only named launchplans"):
        LaunchPlan.get_or_create(adder, default_inputs={"a": 1})
    LaunchPlan.get_or_create(adder, name="x", default_inputs={"a": 1})
    assert (
        LaunchPlan.get_or_create(adder, name="x", default_inputs={"a": 1}) is LaunchPlan.CACHE["x"]
    )
    with pytest.raises(LaunchPlanError, match="already exists"):
        LaunchPlan.get_or_create(adder, name="x", default_inputs={"a": 2})
    with pytest.raises(LaunchPlanError, match="not an input"):
        LaunchPlan.get_or_create(adder, name="y", fixed_inputs={"zzz": 1})
    with pytest.raises(LaunchPlanError, match="does not match its type"):
        LaunchPlan.get_or_create(adder, name="z", fixed_inputs={"a": "text"})
    with pytest.raises(LaunchPlanError, match="kickoff_time_input_arg"):
        LaunchPlan.get_or_create(adder, name="s", schedule=FixedRate(dt.timedelta(hours=1), "a"))
    lp = LaunchPlan.create(
        "ok", stamped, schedule=CronSchedule(schedule="@daily", kickoff_time_input_arg="kickoff")
    )
    assert lp.template().schedule.cron == "0 0 * * *"  # type: ignore[union-attr]


def test_schedules_validate() -> None:
    for expr in [
        "0 12 * * MON-FRI",
        "0 0 1 * *",
        "0 0 * JAN,JUL *",
        "*/5 * * * *",
        "30 2 * * 1",
        "0 0 15 * ?",
    ]:
        CronSchedule(schedule=expr)
    with pytest.raises(DefinitionError, match="5 fields"):
        CronSchedule(schedule="* * *")
    with pytest.raises(DefinitionError, match="invalid hour"):
        CronSchedule(schedule="0 25 * * *")
    with pytest.raises(DefinitionError, match="less than a minute"):
        FixedRate(dt.timedelta(seconds=30))


def test_launch_plan_node_inside_a_workflow() -> None:
    lp = LaunchPlan.get_or_create(adder, name="inner", fixed_inputs={"b": 2})

    @workflow
    def wf() -> list[int]:
        return [lp(a=i) for i in range(3)]

    assert wf() == [2, 3, 4]
    assert isinstance(wf.template().nodes[0].target, LaunchPlanNode)
    with pytest.raises(Exception, match="unexpected keyword argument 'b'"):
        workflow(lambda: lp(a=1, b=2))  # type: ignore[arg-type,return-value]


# ------------------------------------------------------------------------------ maps
def test_map_over_task_partial_with_promise() -> None:
    @workflow
    def wf(xs: list[int], b: int) -> list[int]:
        return map_task(functools.partial(add, b=b), concurrency=2)(a=xs)

    assert wf(xs=[1, 2], b=10) == [11, 12]
    node = wf.template().nodes[0]
    assert isinstance(node.target, ArrayNode)
    assert node.target.bound_inputs == ("b",) and node.target.concurrency == 2
    assert node.target.target == add.id
    assert isinstance(node.target.outputs[0].type, CollectionType)


def test_map_min_success_ratio_gives_optional_outputs() -> None:
    m = map_task(fragile, min_success_ratio=0.5)
    out_type = m.python_interface.output_types["o0"]
    assert isinstance(out_type, CollectionType) and isinstance(out_type.item, UnionType)
    assert m(x=[1, -1, 2]) == [1, None, 2]
    with pytest.raises(ValueError, match="negative"):
        m(x=[-1, -1, 2])
    with pytest.raises(ValueError, match="negative"):
        map_task(fragile)(x=[1, -1])


def test_map_rules() -> None:
    with pytest.raises(DefinitionError, match="single output"):
        map_task(two_outputs)
    with pytest.raises(DefinitionError, match=r"\(0, 1\]"):
        map_task(add, min_success_ratio=1.5)

    def body(xs: list[str]) -> list[int]:
        return map_task(fragile)(x=xs)

    with pytest.raises(BindingTypeError, match="expects `list\\[int\\]`, got `list\\[str\\]`"):
        workflow(body)


def test_map_positional_call() -> None:
    @workflow
    def wf(xs: list[int]) -> list[int]:
        return map_task(fragile)(xs)

    assert wf(xs=[3]) == [3]


# ------------------------------------------------------------------------------ dynamic / eager
@dynamic
def fan(n: int) -> list[int]:
    return [add(a=i, b=i) for i in range(n)]


def test_dynamic_is_a_task_node_and_runs_its_body_at_run_time() -> None:
    @workflow
    def wf(n: int) -> list[int]:
        return fan(n=n)

    assert wf(n=3) == [0, 2, 4]
    assert fan.template().kind == "dynamic"
    assert isinstance(wf.template().nodes[0].target, TaskNode)


@eager
async def eager_sum(a: int, b: int) -> int:
    x = await add(a=a, b=b)
    return await add(a=x, b=x)


def test_eager() -> None:
    assert asyncio.run(eager_sum(a=1, b=2)) == 6  # outside a run: a coroutine, as in flytekit
    assert eager_sum.template().kind == "eager"
    with pytest.raises(DefinitionError, match="async def"):
        eager(lambda: 1)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ imperative
def test_imperative_workflow() -> None:
    wf = Workflow(name="imperative")
    x = wf.add_workflow_input("x", int)
    n1 = wf.add_entity(add, a=x, b=1)
    n2 = wf.add_task(add, a=n1.outputs["o0"], b=wf.inputs["x"])
    wf.add_workflow_output("out", n2.outputs["o0"])
    wf.add_workflow_output("both", [n1.o0, n2.o0], python_type=list[int])
    assert wf(x=1) == (3, [2, 3])
    assert [n.id for n in wf.template().nodes] == ["n0", "n1"]

    @workflow
    def outer(x: int) -> int:
        out, _both = wf(x=x)
        return out

    assert outer(x=2) == 5
    assert isinstance(outer.template().nodes[0].target, WorkflowNode)


def test_imperative_errors() -> None:
    wf = Workflow(name="bad")
    x = wf.add_workflow_input("x", int)
    with pytest.raises(DefinitionError, match="duplicate input"):
        wf.add_workflow_input("x", int)
    node = wf.add_entity(add, a=x, b=x)
    wf.add_workflow_output("o", node.outputs["o0"])
    with pytest.raises(DefinitionError, match="duplicate output"):
        wf.add_workflow_output("o", node.outputs["o0"])
    with pytest.raises(DefinitionError, match="give python_type"):
        wf.add_workflow_output("l", [node.outputs["o0"]])
    with pytest.raises(CompileError, match="has no nodes"):
        Workflow(name="empty").template()


# ------------------------------------------------------------------------------ references
@reference_task(project="p", domain="d", name="remote.add", version="v1")
def remote_add(a: int, b: int) -> int: ...


@reference_launch_plan(project="p", domain="d", name="remote_lp", version="v2")
def remote_lp(x: list[int]) -> int: ...


@reference_workflow(project="p", domain="d", name="remote.wf", version="v3")
def remote_wf(x: int) -> int: ...


def test_references() -> None:
    @workflow
    def wf(a: int) -> int:
        return remote_wf(x=remote_lp(x=[remote_add(a, a)]))

    kinds = [type(n.target) for n in wf.template().nodes]
    assert kinds == [TaskNode, LaunchPlanNode, WorkflowNode]
    assert wf.template().nodes[0].target.task.version == "v1"  # type: ignore[union-attr]
    with pytest.raises(ReferenceEntityError, match="cannot run locally"):
        remote_add(a=1, b=2)
    with task_mock(remote_add) as m, task_mock(remote_lp) as m2, task_mock(remote_wf) as m3:
        m.return_value, m2.return_value, m3.return_value = 2, 3, 4
        assert wf(a=1) == 4
    m.assert_called_once_with(a=1, b=1)


def test_task_mock_on_a_regular_task() -> None:
    with task_mock(add) as m:
        m.return_value = 100
        assert add(a=1, b=2) == 100
    assert add(a=1, b=2) == 3


# ------------------------------------------------------------------------------ shell
def test_shell_task_runs_locally(tmp_path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "in.txt"
    src.write_text("hello")
    t = ShellTask(
        name="copy",
        script="cp {inputs.x} {outputs.y}",
        inputs=kwtypes(x=str),
        output_locs=[OutputLocation(var="y", var_type=str, location="{inputs.x}.out")],
    )
    out = t(x=str(src))
    assert out == f"{src}.out"
    assert (tmp_path / "in.txt.out").read_text() == "hello"
    tmpl = t.template()
    assert tmpl.kind == "shell" and dict(tmpl.custom)["script"] == '"cp {inputs.x} {outputs.y}"'


def test_optional_inputs_accept_none() -> None:
    @task
    def opt(x: Optional[int] = None) -> int:  # noqa: UP045
        return -1 if x is None else x

    @workflow
    def wf(x: Optional[int] = None) -> int:  # noqa: UP045
        return opt(x=x)

    assert wf() == -1 and wf(x=4) == 4


_attempts: list[int] = []


@task(retries=2)
def flaky(x: int) -> int:
    from flytelike import FlyteRecoverableException

    _attempts.append(x)
    if len(_attempts) < 3:
        raise FlyteRecoverableException("try again")
    return x


@task(retries=5)
def broken(x: int) -> int:
    raise ValueError("not recoverable")


def test_local_runs_retry_recoverable_errors_only() -> None:
    @workflow
    def wf(x: int) -> int:
        return flaky(x=x)

    _attempts.clear()
    assert wf(x=4) == 4 and len(_attempts) == 3

    @workflow
    def wf2(x: int) -> int:
        return broken(x=x)

    with pytest.raises(ValueError, match="not recoverable"):
        wf2(x=1)


# ------------------------------------------------------------------------------ gates
def test_gate_nodes() -> None:
    from flytelike import approve, sleep, wait_for_input
    from flytelike.errors import LocalExecutionError
    from flytelike.ir import GateNode

    @workflow
    def wf(a: int) -> int:
        pause = sleep(dt.timedelta(seconds=0))
        n = wait_for_input("how_many", timeout=dt.timedelta(hours=1), expected_type=int)
        total = add(a=a, b=n)
        pause >> total
        return approve(total, "looks_good", timeout=dt.timedelta(minutes=5))

    nodes = wf.template().nodes
    gates = [n.target for n in nodes if isinstance(n.target, GateNode)]
    assert [(g.kind, g.duration, g.signal) for g in gates] == [
        ("sleep", 0.0, ""),
        ("signal", 3600.0, "how_many"),
        ("approve", 300.0, "looks_good"),
    ]
    assert gates[1].type is not None
    assert nodes[3].inputs[0].value.node_id == "n2"  # type: ignore[union-attr]
    assert nodes[2].upstream == ("n1", "n0")
    with pytest.raises(LocalExecutionError, match="waits for a signal 'how_many'"):
        wf(a=1)
    with pytest.raises(CompileError, match="only allowed inside a workflow"):
        sleep(dt.timedelta(seconds=1))


def test_workflow_compile_is_flytekits_check() -> None:
    # flytekit programs and tests call wf.compile(); here the body compiled when it was defined
    assert adder.compile() is None
    assert adder(a=1) == 11
