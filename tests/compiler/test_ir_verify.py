"""The IR loaders refuse closures whose references do not resolve, naming the reference."""

from __future__ import annotations

import math
from typing import Any

import pytest

from flytelike import closure_of, serialization, task, workflow
from flytelike.errors import IRDecodeError
from flytelike.ir import Binding, Closure, PromiseRef, WorkflowTemplate
from flytelike.ir._record import replace

from .seed_examples import s001_launch_plans, s001_reference, s001_subworkflows, s002_overview


@task
def double(x: int) -> int:
    return 2 * x


@workflow
def twice(x: int) -> int:
    return double(x=double(x=x))


def loads(closure: Closure) -> Closure:
    """``closure`` through both loaders (which must agree)."""
    from_json = serialization.from_json(serialization.to_json(closure))
    from_proto = serialization.from_proto_bytes(serialization.to_proto_bytes(closure))
    assert from_json == from_proto
    return from_json


def refused(closure: Closure, message: str) -> None:
    for load in (
        lambda: serialization.from_json(serialization.to_json(closure)),
        lambda: serialization.from_proto_bytes(serialization.to_proto_bytes(closure)),
    ):
        with pytest.raises(IRDecodeError, match=message) as info:
            load()
        assert "write it again with `flytelike compile`" in str(info.value)


def with_workflow(closure: Closure, **changes: Any) -> Closure:
    wf = closure.workflows[-1]
    return replace(closure, workflows=(*closure.workflows[:-1], replace(wf, **changes)))


def with_node(closure: Closure, i: int, **changes: Any) -> Closure:
    wf = closure.workflows[-1]
    nodes = list(wf.nodes)
    nodes[i] = replace(nodes[i], **changes)
    return with_workflow(closure, nodes=tuple(nodes))


@pytest.mark.parametrize(
    "entity",
    [
        twice,
        s002_overview.conditional_wf,
        s001_subworkflows.main_wf,
        s001_subworkflows.nested_regression_line_wf,
        s001_launch_plans.comprehensive_lp,
        s001_reference.wf,
    ],
    ids=lambda e: e.name,
)
def test_complete_closures_load(entity: Any) -> None:
    closure = closure_of(entity)
    assert loads(closure) == closure


def test_a_missing_task_is_named() -> None:
    closure = closure_of(twice)
    refused(
        replace(closure, tasks=()),
        r"workflow `.*twice` .*: node `n0` refers to task `.*double` \(version '.*'\), "
        "which is not in the closure",
    )


def test_a_binding_to_a_node_that_does_not_exist() -> None:
    closure = closure_of(twice)
    node = closure.workflows[0].nodes[1]
    bad = (Binding("x", PromiseRef("n7", "o0")),)
    refused(with_node(closure, 1, inputs=bad), r"node `n1`, binding `x` reads node `n7`")
    assert node.inputs != bad


def test_a_binding_to_an_output_that_does_not_exist() -> None:
    closure = closure_of(twice)
    bad = (Binding("x", PromiseRef("n0", "o9")),)
    refused(with_node(closure, 1, inputs=bad), r"reads output `o9` of node `n0`, which has o0")


def test_a_binding_to_an_input_the_target_does_not_have() -> None:
    closure = closure_of(twice)
    bad = (Binding("y", PromiseRef("n0", "o0")),)
    refused(with_node(closure, 1, inputs=bad), r"binds input `y`, which its target does not have")


def test_a_workflow_input_that_does_not_exist() -> None:
    closure = closure_of(twice)
    bad = (Binding("x", PromiseRef("start-node", "nope")),)
    refused(with_node(closure, 0, inputs=bad), r"reads workflow input `nope`")


def test_workflow_outputs_must_match_the_interface() -> None:
    # Loaded unchecked, this closure ran to SUCCEEDED and `run.outputs()` raised KeyError.
    closure = closure_of(twice)
    wf: WorkflowTemplate = closure.workflows[0]
    renamed = (replace(wf.outputs[0], var="result"),)
    refused(
        with_workflow(closure, outputs=renamed),
        r"outputs bound \['result'\] but the interface declares \['o0'\]",
    )
    refused(with_workflow(closure, outputs=()), r"outputs bound \[\] but the interface")
    twice_bound = (wf.outputs[0], wf.outputs[0])
    refused(with_workflow(closure, outputs=twice_bound), "each output must be bound once")


def test_node_ids_are_unique_and_upstreams_exist() -> None:
    closure = closure_of(twice)
    wf = closure.workflows[0]
    clash = (wf.nodes[0], replace(wf.nodes[1], id="n0"))
    refused(with_workflow(closure, nodes=clash), r"node id 'n0' is empty, reserved or used twice")
    refused(with_node(closure, 1, upstream=("n5",)), r"node `n1` waits for node `n5`")


def test_the_primary_entity_and_launch_plan_targets_must_be_present() -> None:
    closure = closure_of(twice)
    missing = replace(closure.primary, name="elsewhere.wf")
    refused(replace(closure, primary=missing), r"primary entity refers to workflow `elsewhere.wf`")
    lp_closure = closure_of(s001_launch_plans.comprehensive_lp)
    refused(replace(lp_closure, workflows=()), r"launch plan `.*` .* refers to workflow")


def test_branch_case_nodes_are_scoped() -> None:
    closure = closure_of(s002_overview.conditional_wf)
    wf = closure.workflows[-1]
    branch = next(i for i, n in enumerate(wf.nodes) if n.target.__class__.__name__ == "BranchNode")
    inner = wf.nodes[branch].target.cases[0].nodes[0]  # type: ignore[union-attr]
    leak = (Binding("o0", PromiseRef(inner.id, "o0")),)
    refused(with_workflow(closure, outputs=leak), f"reads node `{inner.id}`, which does not exist")


@pytest.mark.parametrize("timeout", [math.inf, math.nan, -1.0, 1e300])
def test_durations_must_fit_a_timedelta(timeout: float) -> None:
    closure = closure_of(twice)
    task_ = closure.tasks[0]
    bad = replace(task_, metadata=replace(task_.metadata, timeout=timeout))
    refused(replace(closure, tasks=(bad,)), r"timeout is .* seconds; a duration is finite")


def test_reference_entities_resolve_through_their_templates() -> None:
    closure = closure_of(s001_reference.wf)
    references = [t for t in closure.tasks if t.kind == "reference"]
    assert references and loads(closure) == closure
    others = tuple(t for t in closure.tasks if t.kind != "reference")
    refused(replace(closure, tasks=others), f"refers to .* `{references[0].id.name}`")


@pytest.mark.parametrize("kind", [math.inf, "\ud800", 2**64, None, [1]])
def test_values_the_json_parser_chokes_on_raise_ir_decode_error(kind: Any) -> None:
    data = serialization.to_dict(closure_of(twice))
    data["tasks"][0]["interface"]["inputs"][0]["type"]["simple_type"]["kind"] = kind
    with pytest.raises(IRDecodeError, match=r"not a (valid )?flytelike IR closure"):
        serialization.from_json(data)
