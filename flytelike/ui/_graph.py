"""A run's DAG as data and as an SVG picture coloured by what happened to each node.

The graph is the primary workflow of the run's closure: its nodes and their upstream edges
(including edges from the workflow's inputs), as ``flytelike graph`` draws them. Layout is
layered: a node's layer is the length of the longest path to it from the inputs, and nodes keep
their declaration order within a layer. Both steps are linear in nodes + edges, so a 1,000-node
run draws in milliseconds. The SVG needs no script and no external asset.
"""

from __future__ import annotations

from html import escape
from typing import Any

from flytelike.ir import (
    START_NODE,
    BindingData,
    binding_refs,
    node_kind,
)

BOX_W, BOX_H, GAP_X, GAP_Y, PAD = 180, 38, 36, 56, 16

PHASE_COLOURS = {
    "SUCCEEDED": "#2e7d32",
    "FAILED": "#c62828",
    "RETRYABLE_FAILED": "#ef9a9a",
    "TIMED_OUT": "#c62828",
    "ABORTED": "#6d4c41",
    "RUNNING": "#1565c0",
    "QUEUED": "#546e7a",
    "WAITING": "#ef6c00",
    "SKIPPED": "#9e9e9e",
}
NOT_STARTED = "#90a4ae"


def _refs(data: BindingData) -> list[str]:
    return [r.node_id for r in binding_refs(data)]


def graph_of(closure: Any, actions: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Nodes (id, kind, label, phase, layer, x, y) and edges of the run's primary workflow;
    ``actions`` maps top-level action ids to their rows (for the phases)."""
    wf = next((w for w in closure.workflows if w.id == closure.primary), None)
    if wf is None:  # a task run: one node
        name = closure.primary.name.rsplit(".", 1)[-1]
        phase = actions.get("n0", {}).get("phase", "")
        nodes = [{"id": "n0", "kind": "task", "label": name, "phase": phase, "layer": 0}]
        return _place({"nodes": nodes, "edges": []})
    ids = [n.id for n in wf.nodes]
    known = set(ids)
    edges: list[tuple[str, str]] = []
    for n in wf.nodes:
        sources = list(n.upstream)
        for b in n.inputs:
            sources += [r for r in _refs(b.value) if r == START_NODE]
        for s in dict.fromkeys(sources):
            if s in known:
                edges.append((s, n.id))
    # Longest path from the inputs, in topological order (Kahn): `>>` may point backwards in
    # declaration order, so declaration order alone is not enough.
    outgoing: dict[str, list[str]] = {i: [] for i in ids}
    indegree = dict.fromkeys(ids, 0)
    for s, d in edges:
        outgoing[s].append(d)
        indegree[d] += 1
    layer = dict.fromkeys(ids, 0)
    ready = [i for i in ids if indegree[i] == 0]
    while ready:
        s = ready.pop()
        for d in outgoing[s]:
            layer[d] = max(layer[d], layer[s] + 1)
            indegree[d] -= 1
            if indegree[d] == 0:
                ready.append(d)
    nodes = []
    for n in wf.nodes:
        kind, label = node_kind(n)
        phase = actions.get(n.id, {}).get("phase", "")
        nodes.append(
            {"id": n.id, "kind": kind, "label": label, "phase": phase, "layer": layer[n.id]}
        )
    return _place({"nodes": nodes, "edges": [list(e) for e in edges]})


def _place(graph: dict[str, Any]) -> dict[str, Any]:
    rows: dict[int, int] = {}
    for n in graph["nodes"]:
        col = rows.get(n["layer"], 0)
        rows[n["layer"]] = col + 1
        n["x"] = PAD + col * (BOX_W + GAP_X)
        n["y"] = PAD + n["layer"] * (BOX_H + GAP_Y)
    graph["width"] = PAD * 2 + max(rows.values(), default=1) * (BOX_W + GAP_X) - GAP_X
    graph["height"] = PAD * 2 + (max(rows, default=0) + 1) * (BOX_H + GAP_Y) - GAP_Y
    return graph


def svg(graph: dict[str, Any], link: str = "") -> str:
    """The graph as an inline SVG; ``link`` (with ``{id}``) makes each node a link."""
    pos = {n["id"]: n for n in graph["nodes"]}
    out = [
        f'<svg class="dag" xmlns="http://www.w3.org/2000/svg" width="{graph["width"]}" '
        f'height="{graph["height"]}" viewBox="0 0 {graph["width"]} {graph["height"]}" '
        'role="img" aria-label="workflow graph">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#78909c"/></marker>'
        "</defs>",
    ]
    for s, d in graph["edges"]:
        a, b = pos[s], pos[d]
        x1, y1 = a["x"] + BOX_W / 2, a["y"] + BOX_H
        x2, y2 = b["x"] + BOX_W / 2, b["y"]
        out.append(
            f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#78909c" '
            'stroke-width="1.5" marker-end="url(#arrow)"/>'
        )
    for n in graph["nodes"]:
        colour = PHASE_COLOURS.get(n["phase"], NOT_STARTED)
        text = escape(f"{n['id']}: {n['label']}")
        title = escape(f"{n['id']} {n['kind']} {n['label']}: {n['phase'] or 'not started'}")
        box = (
            f'<g class="node phase-{escape(n["phase"] or "NONE")}" data-node="{escape(n["id"])}">'
            f"<title>{title}</title>"
            f'<rect x="{n["x"]}" y="{n["y"]}" width="{BOX_W}" height="{BOX_H}" rx="6" '
            f'fill="{colour}"/>'
            f'<text x="{n["x"] + 8}" y="{n["y"] + 24}" fill="#fff" font-size="13" '
            f'font-family="sans-serif">{text[:26]}</text></g>'
        )
        if link:
            box = f'<a href="{escape(link.format(id=n["id"]))}">{box}</a>'
        out.append(box)
    out.append("</svg>")
    return "".join(out)
