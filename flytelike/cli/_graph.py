"""Text renderings of a compiled workflow DAG: Mermaid flowcharts and Graphviz dot.

No graphviz binary is needed: the output is text. Edges are the nodes' upstream edges; workflow
inputs and outputs are drawn as ``inputs``/``outputs`` nodes; branch cases are subgraphs.
``phases`` (node id -> phase of a recorded run, ``flytelike graph --run``) colours each node by
what happened to it, with the colours of the UI.
"""

from __future__ import annotations

from flytelike.ir import (
    START_NODE,
    BindingData,
    BranchNode,
    Node,
    WorkflowTemplate,
    binding_refs,
    node_kind,
)
from flytelike.ui import PHASE_COLOURS


def _refs(data: BindingData) -> list[str]:
    return [r.node_id for r in binding_refs(data)]


def _label(n: Node) -> str:
    kind, short = node_kind(n)
    what = short if kind == "task" else f"{kind} {short}"
    name = f" ({n.name})" if n.name else ""
    return f"{n.id}: {what}{name}"


def _key(node_id: str) -> str:
    return node_id.replace(".", "_").replace("-", "_")


def _edges(nodes: tuple[Node, ...]) -> list[tuple[str, str]]:
    ids = {n.id for n in nodes}
    edges: list[tuple[str, str]] = []
    for n in nodes:
        sources = list(n.upstream)
        for b in n.inputs:
            sources += [r for r in _refs(b.value) if r == START_NODE]
        for s in dict.fromkeys(sources):
            if s == START_NODE or s in ids:
                edges.append((s, n.id))
    return edges


def mermaid(wf: WorkflowTemplate, phases: dict[str, str] | None = None) -> str:
    lines = ["flowchart TD", f'  {_key(START_NODE)}(["inputs"])']

    def emit(nodes: tuple[Node, ...], indent: str) -> None:
        for n in nodes:
            t = n.target
            if isinstance(t, BranchNode):
                lines.append(f'{indent}subgraph {_key(n.id)} ["{_label(n)}"]')
                for i, case in enumerate(t.cases):
                    label = "else" if case.condition is None else f"case {i}"
                    lines.append(f'{indent}  subgraph {_key(n.id)}_c{i} ["{label}"]')
                    emit(case.nodes, indent + "    ")
                    lines.append(f"{indent}  end")
                lines.append(f"{indent}end")
            else:
                lines.append(f'{indent}{_key(n.id)}["{_label(n)}"]')
        for a, b in _edges(nodes):
            lines.append(f"{indent}{_key(a)} --> {_key(b)}")

    emit(wf.nodes, "  ")
    lines.append('  end_node(["outputs"])')
    for b in wf.outputs:
        for r in dict.fromkeys(_refs(b.value)):
            lines.append(f"  {_key(r)} -->|{b.var}| end_node")
    if phases:
        used = sorted({p for p in phases.values() if p in PHASE_COLOURS})
        for p in used:
            lines.append(f"  classDef {p.lower()} fill:{PHASE_COLOURS[p]},color:#fff")
        for node_id, p in phases.items():
            if p in PHASE_COLOURS:
                lines.append(f"  class {_key(node_id)} {p.lower()}")
    return "\n".join(lines) + "\n"


def dot(wf: WorkflowTemplate, phases: dict[str, str] | None = None) -> str:
    lines = [
        f'digraph "{wf.id.name}" {{',
        "  rankdir=TB;",
        '  start_node [label="inputs", shape=oval];',
    ]

    def emit(nodes: tuple[Node, ...], indent: str) -> None:
        for n in nodes:
            t = n.target
            if isinstance(t, BranchNode):
                lines.append(f"{indent}subgraph cluster_{_key(n.id)} {{")
                lines.append(f'{indent}  label="{_label(n)}";')
                for i, case in enumerate(t.cases):
                    label = "else" if case.condition is None else f"case {i}"
                    lines.append(f"{indent}  subgraph cluster_{_key(n.id)}_c{i} {{")
                    lines.append(f'{indent}    label="{label}";')
                    emit(case.nodes, indent + "    ")
                    lines.append(f"{indent}  }}")
                lines.append(f'{indent}  {_key(n.id)} [label="{n.id}", shape=diamond];')
                lines.append(f"{indent}}}")
            else:
                colour = PHASE_COLOURS.get((phases or {}).get(n.id, ""))
                fill = f', style=filled, fillcolor="{colour}", fontcolor=white' if colour else ""
                lines.append(f'{indent}{_key(n.id)} [label="{_label(n)}", shape=box{fill}];')
        for a, b in _edges(nodes):
            lines.append(f"{indent}{_key(a)} -> {_key(b)};")

    emit(wf.nodes, "  ")
    lines.append('  end_node [label="outputs", shape=oval];')
    for b in wf.outputs:
        for r in dict.fromkeys(_refs(b.value)):
            lines.append(f'  {_key(r)} -> end_node [label="{b.var}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"
