"""Fuzzing the IR loaders: any bytes or JSON give a closure whose references all resolve, or
``IRDecodeError``, never another exception.

Inputs are random bytes, compiled closures with a few byte edits (protobuf and JSON text), and
their JSON with one part changed (a value replaced, a key removed, one name swapped for another
name from the same closure, which is what breaks references). ``FLYTELIKE_FUZZ_EXAMPLES``
examples per test (default 40; the nightly run uses 10000).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from flytelike import closure_of, serialization
from flytelike.engine._index import ClosureIndex
from flytelike.errors import IRDecodeError
from flytelike.ir import (
    START_NODE,
    ArrayNode,
    BranchNode,
    Closure,
    LaunchPlanNode,
    Node,
    PromiseRef,
    TaskNode,
    WorkflowNode,
)
from typesystem.testing import mutated

from .seed_examples import (
    s001_caching,
    s001_launch_plans,
    s001_map_tasks,
    s001_reference,
    s001_subworkflows,
    s002_overview,
)

pytestmark = pytest.mark.fuzz

FUZZ = settings.get_profile("fuzz")  # (tests/conftest.py)
CLOSURES = [
    closure_of(e)
    for e in (
        s002_overview.conditional_wf,
        s002_overview.chain_tasks_wf,
        s001_map_tasks.map_interest_fixed_principal_wf,
        s001_subworkflows.main_wf,
        s001_subworkflows.nested_regression_line_wf,
        s001_caching.parent_wf_with_sublp,
        s001_launch_plans.comprehensive_lp,
        s001_reference.wf,
    )
]
PROTO = [serialization.to_proto_bytes(c) for c in CLOSURES]
DICTS = [serialization.to_dict(c) for c in CLOSURES]


# ------------------------------------------------------------------------------ what is valid
def _nodes(nodes: tuple[Node, ...]) -> Iterator[Node]:
    for node in nodes:
        yield node
        if isinstance(node.target, BranchNode):
            for case in node.target.cases:
                yield from _nodes(case.nodes)


def _refs(value: Any) -> Iterator[PromiseRef]:
    if isinstance(value, PromiseRef):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _refs(item)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            yield from _refs(getattr(value, name))


def check_runnable(closure: Closure) -> None:
    """What the engine looks up exists: templates by identifier, nodes by id, inputs by name."""
    index = ClosureIndex(closure)
    assert closure.primary in index.tasks or index.primary() is not None
    for wf in closure.workflows:
        nodes = list(_nodes(wf.nodes))
        ids = {n.id for n in nodes}
        inputs = {v.name for v in wf.interface.inputs}
        assert sorted(b.var for b in wf.outputs) == sorted(v.name for v in wf.interface.outputs)
        for node in nodes:
            t = node.target
            if isinstance(t, TaskNode):
                assert t.task in index.tasks
            elif isinstance(t, WorkflowNode):
                assert t.workflow in index.workflows or t.workflow in index.tasks
            elif isinstance(t, LaunchPlanNode):
                assert t.launch_plan in index.launch_plans or t.launch_plan in index.tasks
            elif isinstance(t, ArrayNode):
                assert t.target in index.tasks or t.target in index.launch_plans
        for ref in _refs((wf.nodes, wf.outputs)):
            assert ref.node_id in ids or (ref.node_id == START_NODE and ref.var in inputs)


def load_proto(data: bytes) -> None:
    try:
        closure = serialization.from_proto_bytes(data)
    except IRDecodeError as e:
        event(
            "from_proto_bytes: IRDecodeError"
            + (" (a reference)" if "flytelike compile" in str(e) else "")
        )
        return
    event("from_proto_bytes: a closure")
    check_runnable(closure)


def load_json(data: Any) -> None:
    try:
        closure = serialization.from_json(data)
    except IRDecodeError as e:
        event(
            "from_json: IRDecodeError" + (" (a reference)" if "flytelike compile" in str(e) else "")
        )
        return
    event("from_json: a closure")
    check_runnable(closure)


# ------------------------------------------------------------------------------ bytes
@FUZZ
@given(st.binary(max_size=200))
def test_from_proto_bytes_random_bytes(data: bytes) -> None:
    load_proto(data)


@FUZZ
@given(st.sampled_from(PROTO).flatmap(mutated))
def test_from_proto_bytes_mutated_closures(data: bytes) -> None:
    load_proto(data)


@FUZZ
@given(
    st.sampled_from([serialization.to_json(c, indent=None).encode() for c in CLOSURES]).flatmap(
        mutated
    )
)
def test_from_json_mutated_text(data: bytes) -> None:
    load_json(data)


# ------------------------------------------------------------------------------ structure
def _paths(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, (*path, i))


def _strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for v in data.values():
            yield from _strings(v)
    elif isinstance(data, list):
        for v in data:
            yield from _strings(v)


ODD = st.sampled_from([math.inf, -math.inf, math.nan, "\ud800", 2**64, -1, 1e300, "", "\x00"])
JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | ODD
JSON = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def edited_dicts(draw: st.DrawFn) -> dict[str, Any]:
    """A compiled closure's JSON with one part changed."""
    data = copy.deepcopy(draw(st.sampled_from(DICTS)))
    paths = [p for p in _paths(data) if p]
    path = draw(st.sampled_from(paths))
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    how = draw(st.sampled_from(["swap a name", "replace", "remove"]))
    if how == "remove":
        del parent[path[-1]]
    elif how == "swap a name" and isinstance(parent[path[-1]], str):
        parent[path[-1]] = draw(st.sampled_from(sorted(set(_strings(data)))))
    else:
        parent[path[-1]] = draw(JSON)
    return data


@FUZZ
@given(edited_dicts())
def test_from_json_edited_closures(data: dict[str, Any]) -> None:
    load_json(data)


@FUZZ
@given(JSON)
def test_from_json_random_data(data: Any) -> None:
    load_json(data)
