"""A map's items: their inputs, results and records (``MapItems``), and one item run to its end
(``run_item``: attempts until it succeeds or its retries are spent, then recorded).

Finished items are recorded as they finish (one record per item, or one per chunk of items that
ran as a chunk: ``_items``): each goes to the map's journal at once (``_journal``, so a kill -9
loses none of them) and to the run store in batches: at least every ``ROW_BATCH`` items or
``WRITE_SECONDS`` (then committed within the store's ``BATCH_SECONDS``).

What does not live here: how items are run (``_map_inplace``, ``_map_batches``, ``_map``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from typing import Literal as Just

import typesystem
from flytelike.backends import OPEN_CAPTURES, take_log
from flytelike.engine._action_error import ActionError
from flytelike.engine._events import NODE
from flytelike.engine._execution import NodeFailed, Outputs, non_recoverable
from flytelike.engine._items import encode_chunk, item_encoder
from flytelike.engine._journal import MapJournal
from flytelike.engine._map_results import ItemResults
from flytelike.engine._phases import NodePhase
from flytelike.errors import TaskBodyStopped
from flytelike.ir import Node
from typesystem import Literal

if TYPE_CHECKING:
    from flytelike.backends import ChunkOutcome
    from flytelike.engine._interpreter import Interpreter

ROW_BATCH = 1024
WRITE_SECONDS = 0.05
PROGRESS_SECONDS = 0.1  # (how often a running map reports its progress)
log = logging.getLogger("flytelike.engine.map")
STOPPED = f"{TaskBodyStopped.__module__}.{TaskBodyStopped.__qualname__}"


class MapItems:
    """Per-item inputs, results and the rows waiting to be written."""

    def __init__(
        self,
        interp: Interpreter,
        aid: str,
        node: Node,
        name: str,
        inputs: Outputs,
        mapped: list[str],
        n: int,
    ) -> None:
        self.ex = interp.ex
        self.aid = aid
        self.node = node
        self.name = name
        self.n = n
        self.results = ItemResults(n)  # (by column: bounded memory for huge maps)
        self.errors: dict[int, NodeFailed] = {}  # failed items by index
        self.rows: list[bytes] = []  # encoded items (or chunks) not yet handed to the store
        self.pending = 0  # items in ``rows``
        self._journal: MapJournal | Just[False] | None = None  # False: cannot journal
        self.done = 0
        self.lock = threading.Lock()
        self.last_write = time.monotonic()
        self.stopped = False  # aborted: hand out no more items (``_map_inplace.fast_path``)
        self.interrupted = False  # an item's body was stopped (``_stop``): yield to the loop
        self.fixed = {k: v for k, v in inputs.items() if k not in mapped}
        self.lists = [(k, inputs[k].items) for k in mapped]  # type: ignore[attr-defined]
        self._store = self.ex.store
        self.prior = self.ex.prior
        if self._store is not None:
            self._encode = item_encoder(self._store.codec, self.ex.run_name, aid)
            self._inline_limit = self._store.codec.inline_limit

    def item_inputs(self, i: int) -> Outputs:
        out = dict(self.fixed) if self.fixed else {}
        for k, values in self.lists:
            v = values[i]
            out[k] = v if isinstance(v, Literal) else typesystem.Scalar(v)
        return out

    def item_values(self, i: int) -> dict[str, Any]:
        """Item ``i``'s inputs as stored in their lists (primitives unboxed)."""
        out = dict(self.fixed) if self.fixed else {}
        for k, values in self.lists:
            out[k] = values[i]
        return out

    def record(
        self,
        i: int,
        iid: str,
        t0: float,
        outputs: Outputs | None,
        error: ActionError | None,
        attempts: int,
    ) -> None:
        if self._store is None:
            with self.lock:
                self.done += 1
            return
        ended = error.ended_at if error is not None else None
        row = (
            i,
            t0,
            ended or time.time(),
            outputs,
            error.to_dict() if error is not None else None,
            attempts,
        )
        packed = self._encode(row)
        with self.lock:
            self.done += 1
            self._journal_append(packed)
            self.rows.append(packed)
            self.pending += 1
            # (slow items still reach the store within WRITE_SECONDS: checked every few)
            rows = self._take_rows(check_clock=not self.pending & 7)
        if rows is not None:
            self._write(rows)

    def record_chunk(self, chunk: ChunkOutcome) -> None:
        """The items of a chunk that succeeded: their results, and one record for all of them
        (``encode_chunk``), journaled and handed to the store on the same rule as single items.
        Not its failed items (``chunk.errors``): the caller settles those (``run_item``)."""
        self.record_columns(chunk.start, chunk.name, chunk.outputs, chunk.bounds, chunk.errors)

    def record_columns(
        self,
        start: int,
        name: str,
        outputs: list[Any],
        bounds: list[float],
        errors: Mapping[int, Any],
    ) -> None:
        """Items ``start..start+len(outputs)-1``, first attempts with the one output ``name``
        (``outputs[k]``: item ``start+k``'s value as its list literal stores it), item
        ``start+k`` running from ``bounds[k]`` to ``bounds[k+1]``: the ones that succeeded
        recorded as one chunk record (see ``record_chunk``); not the positions in ``errors``."""
        count = len(outputs)
        self.results.set_chunk(start, name, outputs, errors)
        if self._store is None:
            with self.lock:
                self.done += count - len(errors)
            return
        if len(errors) == count:  # (nothing succeeded: no record)
            return
        skip = sorted(errors)
        packed, large = encode_chunk(start, bounds, {name: outputs}, skip, self._inline_limit)
        held = count - len(skip)
        if held:
            with self.lock:
                self.done += held
                self._journal_append(packed)
                self.rows.append(packed)
                self.pending += held
                rows = self._take_rows(check_clock=True)
            if rows is not None:
                self._write(rows)
        for k in large:  # (outputs too large to keep inline: offloaded, one record each)
            i = start + k
            self.record_one(i, f"{self.aid}[{i}]", bounds[k], bounds[k + 1], {name: outputs[k]})

    def record_one(self, i: int, iid: str, t0: float, t1: float, outputs: Outputs) -> None:
        """Item ``i`` succeeded at its first attempt between ``t0`` and ``t1``."""
        assert self._store is not None
        packed = self._encode((i, t0, t1, outputs, None, 1))
        with self.lock:
            self.done += 1
            self._journal_append(packed)
            self.rows.append(packed)
            self.pending += 1
            rows = self._take_rows(check_clock=False)
        if rows is not None:
            self._write(rows)

    def _take_rows(self, check_clock: bool) -> list[bytes] | None:
        """Under ``lock``: the rows to hand to the store now (``ROW_BATCH`` items, or any
        when ``check_clock`` finds ``WRITE_SECONDS`` gone since the last write), else None."""
        if self.pending < ROW_BATCH:
            if not check_clock:
                return None
            now = time.monotonic()
            if now - self.last_write <= WRITE_SECONDS:
                return None
            self.last_write = now
        rows, self.rows, self.pending = self.rows, [], 0
        return rows

    def _journal_append(self, packed: bytes) -> None:
        """The item in the map's journal before anything else sees it done (under ``lock``):
        a kill -9 from now on does not lose it (``_journal``)."""
        journal = self._journal
        if journal is False:
            return
        assert self._store is not None
        try:
            if journal is None:
                ex = self.ex
                journal = self._journal = MapJournal(
                    self._store.db.path, ex.run_name, self.aid, self.node.id, self.name
                )
            journal.append(self._store.integrity.seal_if_pickled(packed))
        except OSError as e:  # (its batches still reach the store, as without a journal)
            log.warning(
                "map %s: cannot journal its items (%s); a kill may re-run some", self.aid, e
            )
            if journal:
                journal.close()
            self._journal = False

    def _write(self, rows: list[bytes]) -> None:
        assert self._store is not None
        self._store.map_items(self.ex.run_name, self.aid, self.node.id, self.name, rows)

    def close(self, done: bool) -> None:
        """Hand over what is left; ``done`` (the map ran to its end): commit it and remove the
        journal (else a resume reads the journal back)."""
        self.flush()
        journal = self._journal
        if not journal:
            return
        assert self._store is not None
        if done:
            self._store.db.barrier()
            if self.ex.run_name not in self._store.db.failed:
                journal.remove()
                return
        journal.close()

    def flush(self) -> None:
        with self.lock:
            rows, self.rows, self.pending = self.rows, [], 0
        if rows and self._store is not None:
            self._write(rows)

    def flush_due(self) -> None:
        """Hand over rows waiting longer than WRITE_SECONDS: ``record`` checks only when an
        item finishes, and slow items (or the last ones) must not wait for the map's end."""
        if self.rows and time.monotonic() - self.last_write > WRITE_SECONDS:
            with self.lock:
                rows, self.rows, self.pending = self.rows, [], 0
                self.last_write = time.monotonic()
            if rows and self._store is not None:
                self._write(rows)

    def progress(self) -> None:
        self.flush_due()
        ex = self.ex
        if ex.bus.active:
            ex.bus.publish(
                NODE,
                ex.run_name,
                NodePhase.RUNNING,
                self.aid,
                self.name,
                message=f"{self.done}/{self.n} items",
            )


def run_item(
    items: MapItems,
    run: Any,
    boxed: bool,
    i: int,
    retries: int,
    retry_any: bool = False,
    t0: float | None = None,
) -> None:
    """Item ``i``: ``run(action_id, inputs, attempt) -> (outputs, error)`` until it succeeds or
    the retries are spent; ``boxed``: inputs as literals (else item values, maybe bare);
    ``t0``: when its first attempt started (now, when not given)."""
    iid = f"{items.aid}[{i}]"
    prior = items.prior.get(iid) if items.prior else None
    if prior is not None:
        items.results[i] = prior
        with items.lock:
            items.done += 1
        return
    inputs = items.item_inputs(i) if boxed else items.item_values(i)
    attempt = 0
    if t0 is None:
        t0 = time.time()
    while True:
        out, err = run(iid, inputs, attempt)
        if OPEN_CAPTURES:  # (some attempt has printed: is it this one?)
            log = take_log(items.ex.run_name, iid, attempt)
            if log is not None and items._store is not None:
                items._store.log(items.ex.run_name, iid, attempt, log)
        if err is None:
            items.results[i] = out
            items.record(i, iid, t0, out, None, attempt + 1)
            return
        if err.error_type == STOPPED:  # (its map is being aborted: no retry)
            items.interrupted = True
        elif (
            (err.recoverable or (retry_any and not non_recoverable(err)))
            and attempt < retries
            and not items.stopped
        ):
            attempt += 1
            continue
        detail = ActionError.of(
            err,
            iid,
            node_id=f"{items.node.id}[{i}]",
            task=items.name,
            attempt=attempt,
            started_at=t0,
            ended_at=time.time(),
        )
        items.errors[i] = NodeFailed(iid, err, detail=detail)
        items.record(i, iid, t0, None, detail, attempt + 1)
        return
