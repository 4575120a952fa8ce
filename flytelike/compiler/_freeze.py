"""Freezing a compile state into IR nodes: final ids, bindings and upstream edges.

A node's upstream edges name nodes of its own scope that it reads from or was ordered after
(``>>``). Nodes inside a branch case that read from outside the branch make the branch node
depend on those nodes instead, so every edge stays within one scope.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flytelike.compiler._naming import relative_source
from flytelike.compiler._promise import NodeRef, Promise
from flytelike.compiler._source import fmt
from flytelike.compiler._state import NodeBuilder, raw_promises, to_binding_data
from flytelike.errors import CompileError
from flytelike.ir import Binding, Node, NodeTarget, PromiseRef, SourceLocation

if TYPE_CHECKING:
    from flytelike.compiler._entity import Entity
    from flytelike.compiler._state import CompileState

_LOCATIONS: dict[tuple[str, int], SourceLocation] = {}


def source_location(loc: tuple[str, int] | None) -> SourceLocation | None:
    if loc is None:
        return None
    found = _LOCATIONS.get(loc)
    if found is None:
        found = _LOCATIONS[loc] = SourceLocation(relative_source(loc[0]), loc[1])
    return found


def freeze_scope(
    state: CompileState, builders: list[NodeBuilder], entities: dict[str, Entity]
) -> tuple[tuple[Node, ...], list[NodeRef]]:
    """IR nodes for one scope, and the nodes outside it they depend on."""
    members = {id(nb) for nb in builders}
    seen: dict[str, NodeBuilder] = {}
    external: list[NodeRef] = []
    nodes: list[Node] = []
    start = state.start
    targets: dict[int, NodeTarget] = {}
    locations = _LOCATIONS
    for nb in builders:
        node_id = nb.id
        if node_id in seen:
            raise CompileError(
                f"{state.kind} `{state.name}`: two nodes have the id {node_id!r} (at "
                f"{fmt(seen[node_id].loc)} and {fmt(nb.loc)}); give distinct node_name= overrides",
                entity=state.name,
                node_id=node_id,
            )
        seen[node_id] = nb
        deps: list[NodeRef] = []
        inputs: list[Binding] = []
        for name, raw in nb.inputs:
            if type(raw) is Promise:
                deps.append(raw.node)
                inputs.append(Binding(name, PromiseRef(raw.node.id, raw.var, raw.path)))
            else:
                promises: list[Promise] = []
                raw_promises(raw, promises)
                deps.extend(p.node for p in promises)
                inputs.append(Binding(name, to_binding_data(raw)))
        if nb.after:
            deps.extend(nb.after)
        entity = nb.entity
        if nb.branch is not None:
            target, inner = nb.branch.freeze(entities)
            deps.extend(inner)
        else:
            assert entity is not None
            target = targets.get(id(entity))  # type: ignore[assignment]
            if target is None:
                target = targets[id(entity)] = entity.node_target()
            entities[node_id] = entity
        upstream: dict[str, None] = {}
        for d in deps:
            if d is start:
                continue
            if id(d) in members:
                upstream[d.id] = None
            else:
                external.append(d)
        loc = nb.loc
        source = locations.get(loc) if loc is not None else None
        if source is None and loc is not None:
            source = source_location(loc)
        nodes.append(
            Node(node_id, target, tuple(inputs), tuple(upstream), nb.name, nb.overrides, source)
        )
    check_acyclic(state, nodes)
    return tuple(nodes), external


def check_acyclic(state: CompileState, nodes: list[Node]) -> None:
    if not any(n.upstream for n in nodes):
        return
    pending = {n.id: set(n.upstream) for n in nodes}
    done: set[str] = set()
    progress = True
    while pending and progress:
        progress = False
        for node_id in list(pending):
            if pending[node_id] <= done:
                done.add(node_id)
                del pending[node_id]
                progress = True
    if pending:
        raise CompileError(
            f"{state.kind} `{state.name}`: the nodes {', '.join(sorted(pending))} depend on each "
            "other in a cycle (check the `>>` edges)",
            entity=state.name,
        )


def freeze_root(state: CompileState) -> tuple[tuple[Node, ...], dict[str, Entity]]:
    entities: dict[str, Any] = {}
    nodes, external = freeze_scope(state, state.scopes[0].nodes, entities)
    if external:
        nb = external[0]
        raise CompileError(
            f"{state.kind} `{state.name}`: {nb.describe()} is used outside the branch case that "
            "created it; use the conditional's result instead",
            entity=state.name,
            node_id=nb.id,
        )
    return nodes, entities
