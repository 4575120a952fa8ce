"""The results of a map's items, kept by column: one list per output, not one dict per item.

A map over a million items holding each item's outputs as a ``{name: literal}`` dict spends about
200 bytes per item on the dicts alone; ``ItemResults`` keeps one pre-sized list per output with
the values as its list literal stores them (primitives unboxed), a byte per item saying whether it
succeeded, and failures in a dict (usually empty). The map's output literals are built from the
columns without a second copy per item.

What does not live here: running items (``_map``), storing them (``_items``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import typesystem


class ItemResults:
    """Outputs of items ``0..n-1``; ``results[i] = outputs`` records item ``i`` (a dict of
    literals or bare values, as the item runners hand them over)."""

    __slots__ = ("_cols", "_ok", "n")

    def __init__(self, n: int) -> None:
        self.n = n
        self._cols: dict[str, list[Any]] = {}
        self._ok = bytearray(n)

    def __setitem__(self, i: int, outputs: Mapping[str, Any] | None) -> None:
        if outputs is None:
            self._ok[i] = 0
            return
        unbox = typesystem.unbox
        for name, value in outputs.items():
            col = self._cols.get(name)
            if col is None:
                col = self._column(name)
            col[i] = unbox(value)
        self._ok[i] = 1

    def set_chunk(
        self, start: int, name: str, values: list[Any], failed: Mapping[int, Any]
    ) -> None:
        """Items ``start..start+len(values)-1`` with output ``name`` (values as their list
        literal stores them), except the positions in ``failed`` (relative to ``start``)."""
        col = self._cols.get(name)
        if col is None:
            col = self._column(name)
        end = start + len(values)
        col[start:end] = values
        self._ok[start:end] = b"\x01" * len(values)
        for k in failed:
            self._ok[start + k] = 0

    def _column(self, name: str) -> list[Any]:
        # (``setdefault``: worker threads recording their first items at once share one list)
        return self._cols.setdefault(name, [None] * self.n)

    def succeeded(self, i: int) -> bool:
        return bool(self._ok[i])

    def column(self, name: str) -> list[Any]:
        """Output ``name`` of every item (``None`` where an item has no result)."""
        col = self._cols.get(name)
        return col if col is not None else [None] * self.n

    def __iter__(self) -> Iterator[dict[str, Any] | None]:
        """Each item's outputs (unboxed values), or None (a failed item)."""
        for i in range(self.n):
            yield {k: c[i] for k, c in self._cols.items()} if self._ok[i] else None
