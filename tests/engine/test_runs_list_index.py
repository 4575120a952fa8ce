"""``runs list`` reads an index for each of its filters (schema 7): no scan of the runs table and
no sort of its rows, so listing costs the same on a store of 100,000 runs as on a new one
(``benchmarks/run.py engine`` times it)."""

from __future__ import annotations

from typing import Any

import pytest

from flytelike.engine import Engine
from tests.engine.wfs import add


@pytest.mark.parametrize(
    ("filters", "want"),
    [
        # newest first: the created_at index read backwards, stopping at the limit; a filter: a
        # search of its own index (a scan of runs_created would read every run for a rare phase)
        ({}, "SCAN runs USING INDEX runs_created"),
        ({"phase": "FAILED"}, "SEARCH runs USING INDEX runs_"),
        ({"entity": "x.y"}, "SEARCH runs USING INDEX runs_"),
        ({"phase": "SUCCEEDED", "entity": "x.y"}, "SEARCH runs USING INDEX runs_"),
        ({"project": "p"}, "SEARCH runs USING INDEX runs_project"),
        ({"project": "p", "domain": "d"}, "SEARCH runs USING INDEX runs_project"),
    ],
)
def test_each_runs_list_filter_uses_an_index(
    engine: Engine, filters: dict[str, Any], want: str
) -> None:
    engine.run(add, a=1, b=2)
    conn = engine.store.db.connection()
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    try:
        engine.list_runs(20, **filters)
    finally:
        conn.set_trace_callback(None)
    (sql,) = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    plan = " | ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall())
    assert want in plan, plan
    assert "TEMP B-TREE" not in plan, plan
