"""Walking the IR: the promise references a binding reads (used by the IR verifier, the graph
renderings and the UI, so the three agree on what an edge is)."""

from __future__ import annotations

from collections.abc import Iterator

from flytelike.ir._model import BindingData, CollectionBinding, MapBinding, PromiseRef


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
