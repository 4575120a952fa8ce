"""Content-hash versions: the same entity (and everything it references) gives the same version.

The version is a sha256 over a canonical text of the entity with an empty version. Referenced
entities enter through their identifiers, which carry their own versions, so a change anywhere
below changes the version above. The text is built from the records' fields only (no object ids,
no set orders, source paths relative to the project root), so it is identical across processes.
Nodes of the common shapes (task calls bound to promises) are written by a fast path; everything
else by ``repr``, which lists every field of a record.
"""

from __future__ import annotations

import hashlib
from typing import TypeVar

from flytelike.ir._model import (
    BindingData,
    CollectionBinding,
    Identifier,
    LaunchPlanTemplate,
    Node,
    PromiseRef,
    TaskNode,
    TaskTemplate,
    WorkflowTemplate,
)
from flytelike.ir._record import replace

E = TypeVar("E", TaskTemplate, WorkflowTemplate, LaunchPlanTemplate)

VERSION_LENGTH = 20


def _data_text(v: BindingData) -> str:
    if isinstance(v, PromiseRef) and not v.attr_path:
        return f"<{v.node_id}.{v.var}"
    if isinstance(v, CollectionBinding):
        items = [
            f"<{i.node_id}.{i.var}" if type(i) is PromiseRef and not i.attr_path else _data_text(i)
            for i in v.items
        ]
        return "[" + ",".join(items) + "]"
    return repr(v)


def _nodes_text(nodes: tuple[Node, ...]) -> str:
    """One line per node. Ids, input names and node ids are identifiers (no separators inside),
    so they are written as they are; free text (display names) is quoted with ``repr``."""
    cache: dict[Identifier, str] = {}
    lines = []
    for n in nodes:
        t = n.target
        if type(t) is TaskNode:
            target = cache.get(t.task)
            if target is None:
                target = cache[t.task] = repr(t.task)
        else:
            target = repr(t)
        inputs = []
        for b in n.inputs:
            v = b.value
            if type(v) is PromiseRef and not v.attr_path:
                inputs.append(f"{b.var}<{v.node_id}.{v.var}")
            else:
                inputs.append(f"{b.var}={_data_text(v)}")
        s = n.source
        src = f"{s.file!r}:{s.line}" if s is not None else "-"
        lines.append(
            f"{n.id}\x1f{target}\x1f{','.join(inputs)}\x1f{','.join(n.upstream)}\x1f"
            f"{n.name!r}\x1f{n.overrides!r}\x1f{src}"
        )
    return "\n".join(lines)


def canonical_text(entity: TaskTemplate | WorkflowTemplate | LaunchPlanTemplate) -> str:
    """The text the version hashes (``entity.id.version`` is left out)."""
    blank = replace(entity.id, version="")
    if isinstance(entity, WorkflowTemplate):
        head = repr((blank, entity.interface, entity.outputs, entity.metadata, entity.source))
        return head + "\n" + _nodes_text(entity.nodes)
    return repr(replace(entity, id=blank))


def content_version(entity: TaskTemplate | WorkflowTemplate | LaunchPlanTemplate) -> str:
    """The version ``entity`` gets when none is given (its ``id.version`` is ignored)."""
    return hashlib.sha256(canonical_text(entity).encode()).hexdigest()[:VERSION_LENGTH]


def with_version(entity: E, version: str = "") -> E:
    """``entity`` with ``version`` set, or its content version when ``version`` is empty."""
    v = version or content_version(entity)
    return replace(entity, id=replace(entity.id, version=v))
