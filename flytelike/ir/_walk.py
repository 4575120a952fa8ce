"""Walking the IR: the promise references a binding reads (used by the IR verifier, the graph
renderings and the UI, so the three agree on what an edge is), and what a node is called in a
picture of the graph (``flytelike graph`` and the UI alike)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flytelike.ir._model import (
    ArrayNode,
    BindingData,
    BranchNode,
    CollectionBinding,
    GateNode,
    LaunchPlanNode,
    MapBinding,
    PromiseRef,
    TaskNode,
    WorkflowNode,
)


def binding_refs(data: BindingData) -> Iterator[PromiseRef]:
    """Every ``PromiseRef`` inside ``data`` (through lists and maps of bindings), in order."""
    if isinstance(data, PromiseRef):
        yield data
    elif isinstance(data, CollectionBinding):
        for item in data.items:
            yield from binding_refs(item)
    elif isinstance(data, MapBinding):
        for _, item in data.items:
            yield from binding_refs(item)


def node_kind(node: Any) -> tuple[str, str]:
    """``(kind, short name)`` of a workflow node: ``("task", "train")``, ``("map", ...)``,
    ``("subworkflow", ...)``, ``("launch plan", ...)``, ``("conditional", <its name>)``,
    ``("gate", <its kind>)``; entity names without their module."""
    t = node.target
    if isinstance(t, TaskNode):
        return "task", t.task.name.rsplit(".", 1)[-1]
    if isinstance(t, ArrayNode):
        return "map", t.target.name.rsplit(".", 1)[-1]
    if isinstance(t, WorkflowNode):
        return "subworkflow", t.workflow.name.rsplit(".", 1)[-1]
    if isinstance(t, LaunchPlanNode):
        return "launch plan", t.launch_plan.name.rsplit(".", 1)[-1]
    if isinstance(t, BranchNode):
        return "conditional", t.name
    if isinstance(t, GateNode):
        return "gate", t.kind
    return "node", type(t).__name__
