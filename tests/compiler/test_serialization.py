"""IR encodings: lossless round trips, deterministic bytes, committed generated code."""

from __future__ import annotations

import filecmp
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flytelike import closure_of, serialization
from flytelike.errors import IRDecodeError
from flytelike.ir import Identifier, ResourceType, TaskNode, WorkflowNode
from flytelike.ir._record import replace
from flytelike.serialization._proto import closure_to_proto

from .seed_examples import (
    s001_caching,
    s001_launch_plans,
    s001_map_tasks,
    s001_named_outputs,
    s001_task_settings,
    s002_overview,
)

ROOT = Path(__file__).resolve().parents[2]
ENTITIES = [
    s002_overview.conditional_wf,
    s002_overview.chain_tasks_wf,
    s001_map_tasks.map_interest_fixed_principal_wf,
    s001_named_outputs.simple_wf_with_named_outputs,
    s001_task_settings.settings_wf,
    s001_task_settings.wf,
    s001_caching.parent_wf_with_sublp,
    s001_launch_plans.comprehensive_lp,
    s001_launch_plans.notified_lp,
]


@pytest.mark.parametrize("entity", ENTITIES, ids=lambda e: e.name)
def test_round_trips_are_lossless(entity) -> None:  # type: ignore[no-untyped-def]
    closure = closure_of(entity)
    assert serialization.from_proto_bytes(serialization.to_proto_bytes(closure)) == closure
    assert serialization.from_json(serialization.to_json(closure)) == closure
    assert serialization.to_json(serialization.from_json(serialization.to_json(closure))) == (
        serialization.to_json(closure)
    )


@pytest.mark.parametrize("entity", ENTITIES, ids=lambda e: e.name)
def test_fast_encoder_matches_generated_code(entity) -> None:  # type: ignore[no-untyped-def]
    closure = closure_of(entity)
    expected = closure_to_proto(closure).SerializeToString(deterministic=True)
    assert serialization.to_proto_bytes(closure) == expected


def test_bytes_are_identical_across_processes(tmp_path: Path) -> None:
    script = (
        "import sys; from flytelike import closure_of, serialization; "
        "from examples import ml_pipeline as m; "
        "sys.stdout.buffer.write(serialization.to_proto_bytes(closure_of(m.nightly)))"
    )
    outs = [
        subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, capture_output=True, check=True
        ).stdout
        for _ in range(2)
    ]
    assert outs[0] == outs[1] and len(outs[0]) > 1000


def test_closure_lists_everything_once() -> None:
    closure = closure_of(s001_caching.parent_wf_with_sublp)
    assert [w.id.name for w in closure.workflows] == [
        s001_caching.child_wf.name,
        s001_caching.parent_wf_with_sublp.name,
    ]
    assert [t.id.name for t in closure.tasks] == [s001_caching.sum.name]
    assert [lp.id.name for lp in closure.launch_plans] == [s001_caching.child_lp.name]
    assert closure.primary == s001_caching.parent_wf_with_sublp.id


def test_decode_errors() -> None:
    with pytest.raises(IRDecodeError):
        serialization.from_proto_bytes(b"\xff\xff\xff")
    with pytest.raises(IRDecodeError):
        serialization.from_json("{not json")
    with pytest.raises(IRDecodeError, match="resource type"):
        serialization.from_json('{"primary": {"name": "x"}}')


def test_records_are_frozen_values() -> None:
    ident = Identifier(ResourceType.TASK, "p", "d", "n", "v")
    with pytest.raises(AttributeError):
        ident.name = "other"  # type: ignore[misc]
    assert TaskNode(ident) != WorkflowNode(ident)
    assert hash(ident) == hash(Identifier(ResourceType.TASK, "p", "d", "n", "v"))
    assert pickle.loads(pickle.dumps(ident)) == ident
    assert replace(ident, version="w").version == "w"
    assert repr(ident).startswith("Identifier(resource_type=")


def test_generated_code_is_up_to_date(tmp_path: Path) -> None:
    pytest.importorskip("grpc_tools")
    (tmp_path / "flytelike" / "proto").mkdir(parents=True)
    (tmp_path / "typesystem" / "proto").mkdir(parents=True)
    shutil.copy(
        ROOT / "typesystem/proto/literals.proto", tmp_path / "typesystem/proto/literals.proto"
    )
    # ir.proto, and the executor and connector services (executor.proto, connector.proto),
    # which import it.
    for stem in ("ir", "executor", "connector"):
        shutil.copy(
            ROOT / f"flytelike/proto/{stem}.proto", tmp_path / f"flytelike/proto/{stem}.proto"
        )
        subprocess.run(
            [
                sys.executable,
                "-m",
                "grpc_tools.protoc",
                "-I.",
                "--python_out=.",
                "--pyi_out=.",
                f"flytelike/proto/{stem}.proto",
            ],
            cwd=tmp_path,
            check=True,
        )
        for name in (f"{stem}_pb2.py", f"{stem}_pb2.pyi"):
            assert filecmp.cmp(
                tmp_path / "flytelike/proto" / name, ROOT / "flytelike/proto" / name, shallow=False
            ), f"flytelike/proto/{name} is stale: regenerate it (see the header of {stem}.proto)"


def test_fast_encoder_on_every_binding_shape() -> None:
    from flytelike import Resources, task, workflow

    @task
    def nested(xss: list[list[int]], m: dict[str, int], s: str) -> int:
        return len(xss) + len(m) + len(s)

    @task
    def one() -> int:
        return 1

    @task
    def pair() -> tuple[str, int]:
        return "a", 1

    @workflow
    def wf() -> int:
        a = one()
        s, n = pair()
        big = [a] * 3000  # long collections need multi-byte lengths
        out = nested(xss=[[a, n, 3], big, []], m={"k": a, "c": 2}, s=s)
        return nested(xss=[[out]], m={}, s="x").with_overrides(requests=Resources(cpu=1))

    closure = closure_of(wf)
    expected = closure_to_proto(closure).SerializeToString(deterministic=True)
    assert serialization.to_proto_bytes(closure) == expected
    assert serialization.from_proto_bytes(expected) == closure
    assert wf() == 2


def test_an_explicit_version_applies_to_the_whole_closure() -> None:
    from flytelike.ir import LaunchPlanNode, TaskNode, WorkflowNode

    closure = closure_of(s001_caching.parent_wf_with_sublp, version="v7")
    entities = [*closure.tasks, *closure.workflows, *closure.launch_plans]
    assert {e.id.version for e in entities} == {"v7"} and closure.primary.version == "v7"
    child = closure.workflows[0]
    assert all(n.target.task.version == "v7" for n in child.nodes if isinstance(n.target, TaskNode))
    parent = closure.workflows[1]
    assert isinstance(parent.nodes[0].target, LaunchPlanNode)
    assert parent.nodes[0].target.launch_plan.version == "v7"
    assert closure.launch_plans[0].workflow.version == "v7"
    assert not any(isinstance(n.target, WorkflowNode) for n in parent.nodes)
    assert serialization.from_proto_bytes(serialization.to_proto_bytes(closure)) == closure
    # references to entities outside the closure keep their own version
    from .seed_examples import s001_reference

    ref = closure_of(s001_reference.wf, version="v9")
    assert ref.workflows[0].nodes[0].target.task.version == "v1"  # type: ignore[union-attr]
