"""A scope's dependency graph: which nodes each node of a workflow (a branch case, a dynamic
task's graph) waits for, and which wait for it; what ``_interpreter.run_nodes`` schedules by.

A scope's nodes are immutable, and a workflow run again (a chain run many times) has the same
scopes, so each scope's graph is made once and kept (bounded); a run copies the counts it
decrements.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from flytelike.engine._bindings import refs
from flytelike.ir import START_NODE, BranchNode, Node


def node_deps(node: Node) -> set[str]:
    """Every node id ``node`` waits for (some may be outside its scope)."""
    out: set[str] = set(node.upstream)
    for b in node.inputs:
        refs(b.value, out)
    target = node.target
    if isinstance(target, BranchNode):
        inner: set[str] = set()
        for case in target.cases:
            refs(case.condition, out)
            for n in case.nodes:
                inner.add(n.id)
                out |= node_deps(n)
            for b in case.outputs:
                refs(b.value, out)
        out -= inner
    out.discard(START_NODE)
    out.discard(node.id)
    return out


# id(nodes) -> (nodes, its graph): a scope's nodes are immutable, and a workflow run again
# (a chain run many times) has the same scopes; bounded, as ``_run._PRIMARY``.
Graph = tuple[dict[str, Node], dict[str, int], dict[str, list[str]], tuple[Node, ...]]
_GRAPHS: dict[int, tuple[Sequence[Node], Graph]] = {}


def scope_graph(nodes: Sequence[Node]) -> Graph:
    """The nodes of one scope by id, how many nodes of the scope each waits for, the nodes
    waiting for each, and the nodes that wait for none (in order). Read only: a run copies the
    counts it decrements."""
    found = _GRAPHS.get(id(nodes))
    if found is not None and found[0] is nodes:
        return found[1]
    by_id = {n.id: n for n in nodes}
    waits: dict[str, int] = {}
    dependents: dict[str, list[str]] = defaultdict(list)
    for n in nodes:
        deps = node_deps(n) & by_id.keys()
        waits[n.id] = len(deps)
        for d in deps:
            dependents[d].append(n.id)
    graph = (by_id, waits, dict(dependents), tuple(n for n in nodes if waits[n.id] == 0))
    if len(_GRAPHS) > 256:
        _GRAPHS.clear()
    _GRAPHS[id(nodes)] = (nodes, graph)
    return graph
