"""Map items through a backend's ``run_items`` (``engine._map_batches``): a batch of first
attempts is recorded as one chunk record with its outputs taken as a column; its failed items
keep their own errors, retries and records; a resumed run sends only the items not yet durable."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import msgpack
import pytest

import flytelike as fl
from flytelike.backends import SYSTEM, USER, ExecutionError, ItemColumns
from flytelike.engine import Engine, EngineConfig
from flytelike.engine._items import is_chunk


@fl.task(retries=1)
def inc(x: int) -> int:
    return x + 1


@fl.workflow
def over(xs: list[int]) -> list[int]:
    return fl.map_task(inc)(x=xs)  # type: ignore[no-any-return]


@fl.workflow
def tolerant(xs: list[int]) -> list[int | None]:
    return fl.map_task(inc, min_success_ratio=0.9)(x=xs)  # type: ignore[no-any-return]


class Batches:
    """An item backend that computes ``x + 1`` for each item; ``fail(x, attempt)`` says
    which attempts fail and how (an ``ExecutionError`` or None)."""

    name = "batches"
    item_batch_size = 100

    def __init__(self, fail: Any = None) -> None:
        self.fail = fail or (lambda x, attempt: None)
        self.sent: list[tuple[str, int]] = []

    async def run_action(self, request: Any) -> Any:
        raise AssertionError("map items go through run_items")

    async def run_items(
        self, task: Any, context: Any, items: Sequence[tuple[str, Mapping[str, Any], int]]
    ) -> list[tuple[dict[str, Any] | None, ExecutionError | None, None]]:
        out: list[tuple[dict[str, Any] | None, ExecutionError | None, None]] = []
        for aid, values, attempt in items:
            self.sent.append((aid, attempt))
            err = self.fail(values["x"], attempt)
            out.append((None, err, None) if err else ({"o0": values["x"] + 1}, None, None))
        return out

    def close(self) -> None:
        pass


def _engine(home: Path, backend: Batches) -> Engine:
    return Engine(EngineConfig.from_env(home=home), backend=backend)  # type: ignore[arg-type]


def _records(engine: Engine, run: str) -> Iterator[Any]:
    rows = engine.store.db.query("SELECT data FROM map_items WHERE run_name=?", (run,))
    for (data,) in rows:
        yield from msgpack.unpackb(data, raw=False)


def test_a_batch_is_one_chunk_record_and_each_item_an_action(tmp_path: Path) -> None:
    backend = Batches()
    engine = _engine(tmp_path, backend)
    try:
        run = engine.run(over, xs=list(range(250)))
        assert run.outputs() == [x + 1 for x in range(250)]
        records = list(_records(engine, run.name))
        assert records and all(is_chunk(r) for r in records)
        assert sum(len(r[2]) - 1 for r in records) == 250
        items = sorted(
            (a for a in run.actions() if a.kind == "map_item"), key=lambda a: a.action_id
        )
        assert len(items) == 250
        assert all(a.phase == "SUCCEEDED" and a.attempts == 1 for a in items)
        assert all(a.started_at <= a.ended_at for a in items)  # type: ignore[operator]
    finally:
        engine.close()


def test_failed_items_of_a_batch_keep_their_errors_and_retries(tmp_path: Path) -> None:
    def fail(x: int, attempt: int) -> ExecutionError | None:
        if x == 7 and attempt == 0:
            return ExecutionError(USER, "flaky", "ValueError", recoverable=True)
        if x == 13:
            return ExecutionError(USER, "always", "ValueError")
        if x == 120 and attempt == 0:
            return ExecutionError(SYSTEM, "worker died")
        return None

    backend = Batches(fail)
    engine = _engine(tmp_path, backend)
    try:
        run = engine.run(tolerant, xs=list(range(200)))
        out = run.outputs()
        assert out == [None if x == 13 else x + 1 for x in range(200)]
        aid = next(a.action_id for a in run.actions() if a.kind == "map")
        items = {a.action_id: a for a in run.actions() if a.kind == "map_item"}
        assert len(items) == 200
        assert items[f"{aid}[7]"].attempts == 2 and items[f"{aid}[7]"].phase == "SUCCEEDED"
        assert items[f"{aid}[13]"].phase == "FAILED"
        assert items[f"{aid}[120]"].phase == "SUCCEEDED"
        assert items[f"{aid}[0]"].attempts == 1
        # Sent again: 7 (its retry), 120 (a system retry); 13 once (not recoverable).
        later = {a for a in backend.sent if a[1] > 0}
        assert later == {(f"{aid}[7]", 1), (f"{aid}[120]", 1)}
        assert sum(1 for a in backend.sent if a[0] == f"{aid}[13]") == 1
    finally:
        engine.close()


def test_a_resumed_map_sends_only_the_items_not_yet_durable(tmp_path: Path) -> None:
    def fail(x: int, attempt: int) -> ExecutionError | None:
        return ExecutionError(USER, "broken", "ValueError") if x >= 150 else None

    first = Batches(fail)
    engine = _engine(tmp_path, first)
    try:
        run = engine.run(over, xs=list(range(300)), wait=True)
        assert run.phase.value == "FAILED"
    finally:
        engine.close()
    again = Batches()
    engine = _engine(tmp_path, again)
    try:
        resumed = engine.resume(run.name)
        assert resumed.phase.value == "SUCCEEDED", resumed.error
        assert resumed.outputs() == [x + 1 for x in range(300)]
        sent = sorted(int(aid.rpartition("[")[2][:-1]) for aid, _ in again.sent)
        assert sent == list(range(150, 300))
        items = [a for a in resumed.actions() if a.kind == "map_item"]
        assert len(items) == 300 and all(a.phase == "SUCCEEDED" for a in items)
        # Each item's success is stored once (the failed records of 150..299 are replaced).
        succeeded = sum(
            len(r[2]) - 1 - len(r[4]) if is_chunk(r) else int(r[5] is None)
            for r in _records(engine, run.name)
        )
        assert succeeded == 300
    finally:
        engine.close()


@pytest.mark.parametrize("n", [1, 101])
def test_small_and_uneven_maps(tmp_path: Path, n: int) -> None:
    engine = _engine(tmp_path, Batches())
    try:
        assert engine.run(over, xs=list(range(n))).outputs() == [x + 1 for x in range(n)]
    finally:
        engine.close()


class Columns(Batches):
    """``Batches`` answering through ``run_item_columns`` (the batch as columns)."""

    async def run_items(self, task: Any, context: Any, items: Any) -> Any:
        raise AssertionError("the engine prefers run_item_columns")

    async def run_item_columns(
        self,
        task: Any,
        context: Any,
        ids: Sequence[tuple[str, int]],
        fixed: Mapping[str, Any],
        lists: Mapping[str, Sequence[Any]],
    ) -> ItemColumns:
        self.sent.extend(ids)
        got = ItemColumns({"o0": []})
        for k, x in enumerate(lists["x"]):
            err = self.fail(x, ids[k][1])
            got.outputs["o0"].append(None if err else x + 1)
            if err:
                got.errors[k] = err
        return got


def test_a_backend_answering_in_columns(tmp_path: Path) -> None:
    def fail(x: int, attempt: int) -> ExecutionError | None:
        if x == 150 and attempt == 0:
            return ExecutionError(USER, "flaky", "ValueError", recoverable=True)
        return None

    backend = Columns(fail)
    engine = _engine(tmp_path, backend)
    try:
        run = engine.run(over, xs=list(range(300)))
        assert run.outputs() == [x + 1 for x in range(300)]
        aid = next(a.action_id for a in run.actions() if a.kind == "map")
        assert {a for a in backend.sent if a[1] > 0} == {(f"{aid}[150]", 1)}
        items = {a.action_id: a for a in run.actions() if a.kind == "map_item"}
        assert len(items) == 300 and items[f"{aid}[150]"].attempts == 2
        assert any(is_chunk(r) for r in _records(engine, run.name))
    finally:
        engine.close()


def test_a_malformed_answer_fails_the_items_as_system_errors(tmp_path: Path) -> None:
    class Short(Columns):
        async def run_item_columns(self, *args: Any) -> ItemColumns:
            return ItemColumns({"o0": [1]})  # (one value for a whole batch)

    engine = _engine(tmp_path, Short())
    try:
        run = engine.run(over, xs=list(range(100)))  # (batches of 4: 32 in flight)
        assert run.phase.value == "FAILED"
        assert "run_item_columns returned" in str(run.error)
    finally:
        engine.close()


def test_item_ids_make_each_pair_when_read() -> None:
    import pickle

    from flytelike.backends import ItemIds

    first = ItemIds("n0", range(10, 13))
    assert list(first) == [("n0[10]", 0), ("n0[11]", 0), ("n0[12]", 0)]
    assert len(first) == 3 and first[1] == ("n0[11]", 0) and first[-1] == ("n0[12]", 0)
    assert first[:2] == [("n0[10]", 0), ("n0[11]", 0)] and first.pair(2) == (12, 0)
    later = ItemIds("n0", [4, 9], [1, 2])
    assert list(later) == [("n0[4]", 1), ("n0[9]", 2)] and later.pairs() == [(4, 1), (9, 2)]
    again = pickle.loads(pickle.dumps(first))
    assert list(again) == list(first) and again.indices == range(10, 13)
    with pytest.raises(ValueError, match="1 attempts for 2 items"):
        ItemIds("n0", [1, 2], [0])


def test_a_backend_gets_the_batch_as_item_ids(tmp_path: Path) -> None:
    from flytelike.backends import ItemIds

    seen: list[Any] = []

    class Keeps(Columns):
        async def run_item_columns(self, task: Any, context: Any, ids: Any, *rest: Any) -> Any:
            seen.append(ids)
            return await super().run_item_columns(task, context, ids, *rest)

    engine = _engine(tmp_path, Keeps())
    try:
        assert engine.run(over, xs=list(range(300))).outputs() == [x + 1 for x in range(300)]
    finally:
        engine.close()
    assert seen and all(type(ids) is ItemIds and type(ids.indices) is range for ids in seen)
    assert sorted(i for ids in seen for i in ids.indices) == list(range(300))
