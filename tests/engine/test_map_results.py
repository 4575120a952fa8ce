"""``ItemResults``: a map's item outputs kept by column (one list per output, unboxed values),
so a huge map holds no dict per item."""

from __future__ import annotations

import sys

from flytelike.engine._map_results import ItemResults
from typesystem import Scalar


def test_items_are_kept_by_column_with_values_unboxed() -> None:
    r = ItemResults(4)
    r[2] = {"o0": Scalar(7), "o1": "b"}
    r[0] = {"o0": 5, "o1": "a"}
    r[3] = None  # a failed item
    assert r.column("o0") == [5, None, 7, None]
    assert r.column("o1") == ["a", None, "b", None]
    assert [r.succeeded(i) for i in range(4)] == [True, False, True, False]
    assert list(r) == [{"o0": 5, "o1": "a"}, None, {"o0": 7, "o1": "b"}, None]
    assert r.column("missing") == [None] * 4


def test_a_million_items_cost_a_list_slot_and_a_byte_each() -> None:
    n = 1_000_000
    r = ItemResults(n)
    for i in range(n):
        r[i] = {"o0": i & 255}  # (small ints: shared objects, so only the structure counts)
    size = sys.getsizeof(r.column("o0")) + sys.getsizeof(r._ok)
    assert size < 10 * n  # 8 bytes a slot, 1 a flag: no per-item dict (~200 bytes each)
