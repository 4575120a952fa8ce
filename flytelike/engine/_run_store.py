"""``RunStore``: the engine's view of the run store: typed records in, typed records out.

It wraps ``SQLiteStore`` (tables, writer thread) and ``LiteralCodec`` (inline vs offloaded
literals) with one method per thing the engine records or reads: runs, actions, attempts, decks,
gates and signals. The cache table is used by ``_cache``; the record types and statements live
in ``_rows``.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
import time
from pathlib import Path
from typing import Any

from flytelike.backends import ActionLog
from flytelike.engine._action_error import ActionError
from flytelike.engine._blobs import LiteralCodec
from flytelike.engine._cached_runs import CachedRunRows
from flytelike.engine._gate_rows import GateRows
from flytelike.engine._generation import Generation, generation_file
from flytelike.engine._integrity import Integrity
from flytelike.engine._items import INSERT_SQL, ItemRecord, MapItemRow, expand, item_encoder
from flytelike.engine._journal import join_items
from flytelike.engine._logs import INSERT_SQL as LOG_SQL
from flytelike.engine._logs import log_row, read_logs
from flytelike.engine._rows import (
    _ACTION_COLS,
    _ACTION_KEY,
    _ATTEMPT,
    _ATTEMPT_OK,
    _RUN_COLS,
    _TASK_SUCCEEDED,
    ActionRecord,
    AttemptRecord,
    Held,
    RunRecord,
    _error,
    _json,
    _pid,
    _run_error,
    _run_options,
    finished_row,
    held_row,
)
from flytelike.engine._salvage import record_failed
from flytelike.engine._seals import seal_all
from flytelike.engine._store import SQLiteStore
from flytelike.engine.errors import StoreError
from typesystem import Literal

# id(closure) -> (closure, pickled, reference)
_PICKLED: dict[int, tuple[Any, bytes, bytes]] = {}
_CLOSURE_REF = b"closure:sha256:"
_CLOSURE_ROW = "INSERT OR IGNORE INTO closures (digest, data) VALUES (?,?)"
# An action row standing for its only attempt (a first attempt that succeeded is not written to
# ``attempts``, ``Execution._attempts``): a task's, succeeded after one attempt, not a cache hit,
# with no attempt row of its own.
_IMPLICIT_ATTEMPT = (
    "a.kind IN ('task', 'map_item') AND a.phase='SUCCEEDED' AND a.attempts=1 AND "
    "coalesce(a.cache_status, '')<>'HIT' AND NOT EXISTS (SELECT 1 FROM attempts t WHERE "
    "t.run_name=a.run_name AND t.action_id=a.action_id)"
)


class RunStore(GateRows, CachedRunRows):
    """Records runs and their actions; reads them back. Pickles (closures, gate types, literal
    maps holding a pickled value) are sealed and checked with the home's key (``_integrity``).
    A batch the store cannot take (disk full) fails its runs: they are recorded ``FAILED``
    (``_salvage``) and ``durable`` raises the ``StoreWriteError`` in the runs' engine."""

    def __init__(self, path: Path, data_prefix: str, inline_limit: int = 65536) -> None:
        self.integrity = Integrity(f"{path}.key")
        self.db = SQLiteStore(path, seal=lambda conn: seal_all(conn, self.integrity))
        self.db.on_write_failure = self._salvage
        self.codec = LiteralCodec(data_prefix, inline_limit, self.integrity)
        # Run name -> (entity, kind, created, options JSON) of runs created here, for _salvage.
        self._identity: dict[str, tuple[str, str, float, str | None]] = {}
        self._hit_inputs: dict[str, tuple[dict[str, Literal], bytes | None]] = {}
        self._closures: set[bytes] = set()  # closure rows this store has written
        # (forgotten when the generation changes: a prune may have deleted closure rows)
        self._generation = Generation(generation_file(path))
        self._closures_seen = b""
        # Started actions not yet handed to the writer, and groups set before their start.
        self._held: dict[tuple[str, str], Held] = {}
        self._groups: dict[tuple[str, str], str] = {}
        self._held_lock = threading.Lock()
        self.db.set_pending("actions", _ACTION_KEY, self._take_held)

    # ------------------------------------------------------------------ runs
    def create_run(
        self,
        name: str,
        entity: str,
        kind: str,
        inputs: dict[str, Literal],
        closure: Any,
        options: dict[str, Any],
        parent: str = "",
    ) -> None:
        now = time.time()
        if len(self._identity) > 1024:
            self._identity.clear()
        options_json = _json(options)  # (once: the row and _salvage's identity share it)
        self._identity[name] = (entity, kind, now, options_json)
        try:
            data, uri = self.codec.encode(inputs, name, "", "inputs")
        except StoreError as e:  # (its inputs could not be stored: the run is recorded FAILED)
            self.db.failed[name] = e
            self._salvage({name}, e)
            raise
        self.db.upsert(
            "runs",
            ("name",),
            {
                "name": name,
                "entity": entity,
                "kind": kind,
                "phase": "RUNNING",
                "created_at": now,
                "started_at": now,
                "inputs": data,
                "inputs_uri": uri,
                "closure": self.closure_ref(closure),
                "options": options_json,
                "parent": parent,
                "pid": _pid(),
                "project": options.get("project"),
                "domain": options.get("domain"),
            },
        )

    def closure_ref(self, closure: Any) -> bytes:
        """What a run row stores for its closure: a reference to the ``closures`` row holding
        the pickled closure, written once per closure (runs of one entity share it)."""
        key = id(closure)
        hit = _PICKLED.get(key)
        if hit is None or hit[0] is not closure:
            if len(_PICKLED) > 256:
                _PICKLED.clear()
            data = pickle.dumps(closure, protocol=pickle.HIGHEST_PROTOCOL)
            ref = _CLOSURE_REF + hashlib.sha256(data).hexdigest().encode()
            hit = _PICKLED[key] = (closure, data, ref)
        ref = hit[2]
        gen = self._generation.read()
        if gen != self._closures_seen:
            self._closures.clear()
            self._closures_seen = gen
        if ref not in self._closures:
            self._closures.add(ref)
            sealed = self.integrity.seal(hit[1])
            self.db.write(_CLOSURE_ROW, (ref[len(_CLOSURE_REF) :].decode(), sealed))
        return ref

    def finish_run(
        self,
        name: str,
        phase: str,
        outputs: dict[str, Literal] | None,
        error: dict[str, Any] | None,
    ) -> None:
        """Record how run ``name`` ended. What its durability points journaled is committed
        first: a batch the store could not take fails the run (recorded ``FAILED`` by
        ``_salvage``; a run ending ``SUCCEEDED`` gets the ``StoreWriteError`` raised)."""
        self.db.flush()
        failed = self.db.failed.get(name)
        if failed is not None:  # its records were (partly) lost: it ended FAILED, whatever it did
            self._salvage({name}, failed)
            if phase == "SUCCEEDED":
                raise failed
            return
        data, uri = (None, None)
        if outputs is not None:
            data, uri = self.codec.encode(outputs, name, "", "outputs")
        self.db.upsert(
            "runs",
            ("name",),
            {
                "name": name,
                "phase": phase,
                "ended_at": time.time(),
                "outputs": data,
                "outputs_uri": uri,
                "error": _json(error),
            },
        )

    def get_run(self, name: str) -> RunRecord | None:
        rows = self.db.query(f"SELECT {_RUN_COLS} FROM runs WHERE name=?", (name,))
        return self._run(rows[0]) if rows else None

    @staticmethod
    def _run(r: tuple[Any, ...]) -> RunRecord:
        error, options, ns = _run_error(r[7]), _run_options(r[8]), (r[10], r[11])
        return RunRecord(r[0], r[1], r[2], r[3], r[4], r[5], r[6], error, options, r[9] or 1, *ns)

    def list_runs(
        self,
        limit: int = 50,
        phase: str | None = None,
        entity: str | None = None,
        project: str | None = None,
        domain: str | None = None,
    ) -> list[RunRecord]:
        sql = f"SELECT {_RUN_COLS} FROM runs"
        where: list[str] = []
        params: list[Any] = []
        filters = (("phase", phase), ("entity", entity), ("project", project), ("domain", domain))
        for column, value in filters:
            if value:
                where.append(f"{column}=?")
                params.append(value)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY created_at DESC LIMIT ?"
        params.append(limit)
        return [self._run(r) for r in self.db.query(sql, params)]

    def run_literals(self, name: str, what: str) -> dict[str, Literal] | None:
        col = "inputs" if what == "inputs" else "outputs"
        rows = self.db.query(f"SELECT {col}, {col}_uri FROM runs WHERE name=?", (name,))
        return self.codec.decode(rows[0][0], rows[0][1]) if rows else None

    def run_closure(self, name: str) -> Any:
        rows = self.db.query("SELECT closure FROM runs WHERE name=?", (name,))
        data = rows[0][0] if rows else None
        if data and data.startswith(_CLOSURE_REF):  # (runs recorded before: the pickle itself)
            found = self.db.query(
                "SELECT data FROM closures WHERE digest=?", (data[len(_CLOSURE_REF) :].decode(),)
            )
            data = found[0][0] if found else None
        if not data:
            return None
        where = str(self.db.path)
        return pickle.loads(self.integrity.check(data, f"the closure of run {name}", where))

    def durable(self, run: str) -> None:
        """Return once what ``run`` recorded so far is committed (``SQLiteStore.barrier``);
        raises the ``StoreWriteError`` that failed the run if its records could not be."""
        db = self.db
        if db._items or db._committing:  # (else ``barrier`` has nothing to do: once per node)
            db.barrier()
        if db.failed:
            failed = db.failed.get(run)
            if failed is not None:
                raise failed

    def _salvage(self, runs: set[str], error: StoreError) -> None:
        record_failed(self.db, self._identity, runs, error)

    # ------------------------------------------------------------------ actions
    def start_action(
        self,
        run: str,
        action_id: str,
        parent: str,
        node_id: str,
        kind: str,
        name: str,
        inputs: dict[str, Literal] | None,
        phase: str = "RUNNING",
    ) -> None:
        """Record that an action started. The row is held back until the writer's next batch:
        an action that finishes before then is written once, as a whole row."""
        data, uri = (None, None)
        if inputs is not None:
            data, uri = self.codec.encode(inputs, run, action_id, "inputs")
        now = time.time()
        key = (run, action_id)
        lock = self._held_lock  # (acquire/release: half the cost of ``with``, once per action)
        lock.acquire()
        try:
            group = self._groups.pop(key, None) if self._groups else None
            self._held[key] = (parent, node_id, kind, name, phase, now, data, uri, group)
        finally:
            lock.release()
        db = self.db
        if not db._signalled:  # (``nudge``, spelled out: once per action)
            db._signal()

    def _take_held(self) -> list[tuple[str, tuple[str, ...], dict[str, Any]]]:
        with self._held_lock:
            held, self._held = self._held, {}
        return [("actions", _ACTION_KEY, held_row(run, aid, h)) for (run, aid), h in held.items()]

    def finish_action(
        self,
        run: str,
        action_id: str,
        phase: str,
        outputs: dict[str, Literal] | None = None,
        error: dict[str, Any] | None = None,
        cache_key: str | None = None,
        cache_status: str = "",
        attempts: int = 1,
        durable: bool = False,
    ) -> None:
        """Record how an action ended; ``durable``: also make the record durable now, as
        ``durable`` would (one journal record when nothing else waits: the in-place chain)."""
        data, uri = (None, None)
        if outputs is not None:
            data, uri = self.codec.encode(outputs, run, action_id, "outputs")
        self._finish(
            run, action_id, phase, data, uri, error, cache_key, cache_status, attempts, durable
        )

    def _finish(
        self,
        run: str,
        action_id: str,
        phase: str,
        data: bytes | None,
        uri: str | None,
        error: dict[str, Any] | None,
        cache_key: str | None,
        cache_status: str,
        attempts: int,
        durable: bool,
    ) -> None:
        """``finish_action`` with its outputs encoded (``data`` inline or at ``uri``)."""
        now = time.time()
        with self._held_lock:
            started = self._held.pop((run, action_id), None)
            alone = not self._held
        if started is not None:  # one whole row: start and end together
            sql, row = finished_row(
                run, action_id, started, phase, now, data, uri, error, cache_key, cache_status,
                attempts,
            )  # fmt: skip
            if durable and alone:  # (no other start row to make durable first)
                self.db.write_durable(sql, row)
            else:
                self.db.write_rows(((sql, row),))
                if durable:
                    self.durable(run)
            return
        self.db.upsert(
            "actions",
            _ACTION_KEY,
            {
                "run_name": run,
                "action_id": action_id,
                "phase": phase,
                "ended_at": now,
                "outputs": data,
                "outputs_uri": uri,
                "error": _json(error),
                "cache_key": cache_key,
                "cache_status": cache_status,
                "attempts": attempts,
            },
        )
        if durable:
            self.durable(run)

    def task_succeeded(
        self, run: str, action_id: str, outputs: dict[str, Literal], attempts: int
    ) -> None:
        """``finish_action(run, action_id, "SUCCEEDED", outputs, attempts=attempts,
        durable=True)`` of a task action run without the cache (the in-place chain's every
        step), its usual case spelled out: its start row still held and the only one, nothing
        offloaded, no group: its whole row goes to the journal at once."""
        data, uri = self.codec.encode(outputs, run, action_id, "outputs")
        now = time.time()
        key = (run, action_id)
        lock = self._held_lock  # (as in ``start_action``)
        lock.acquire()
        try:
            held = self._held  # (under the lock: the writer swaps it for an empty one)
            started = held.get(key)
            if (
                started is not None
                and len(held) == 1
                and uri is None
                and started[2] == "task"
                and started[7] is None
                and started[8] is None
            ):
                del held[key]
            else:
                started = None
        finally:
            lock.release()
        if started is None:
            self._finish(run, action_id, "SUCCEEDED", data, uri, None, None, "", attempts, True)
            return
        parent, node_id, _, name, _, at, inputs, _, _ = started
        self.db.write_durable(
            _TASK_SUCCEEDED,
            (run, action_id, parent, node_id, name, at, at, now, inputs, data, attempts),
        )

    def set_action_group(self, run: str, action_id: str, group: str) -> None:
        """Record the group path of action ``action_id`` (before or after ``start_action``)."""
        key = (run, action_id)
        with self._held_lock:
            held = self._held.get(key)
            if held is not None:
                self._held[key] = (*held[:-1], group)
            else:
                self._groups[key] = group  # for a start_action still to come
        self.db.upsert(
            "actions",
            _ACTION_KEY,
            {"run_name": run, "action_id": action_id, "group_name": group},
        )

    def encode_item(self, run: str, aid: str, row: MapItemRow) -> bytes:
        """A finished item of map action ``aid`` as its stored record (see ``_items``; a map
        makes its encoder once, ``item_encoder``)."""
        return item_encoder(self.codec, run, aid)(row)

    def map_items(self, run: str, aid: str, node_id: str, name: str, items: list[bytes]) -> None:
        """Finished items of map action ``aid`` (a batch of ``encode_item`` records)."""
        data = self.integrity.seal_if_pickled(join_items(items))
        self.db.write(INSERT_SQL, (run, aid, node_id, name, data))

    def _items(self, run: str, aid: str | None = None) -> list[tuple[str, str, str, ItemRecord]]:
        sql = "SELECT action_id, node_id, name, data FROM map_items WHERE run_name=?"
        params: tuple[str, ...] = (run,)
        if aid is not None:
            sql += " AND action_id=?"
            params = (run, aid)
        check = self.integrity.check_literals
        what, where = f"map items of run {run}", str(self.db.path)
        rows = [
            (a, n, m, check(data, what, where))
            for a, n, m, data in self.db.query(sql + " ORDER BY rowid", params)
        ]
        return list(expand(rows))

    def attempt(
        self,
        run: str,
        action_id: str,
        attempt: int,
        phase: str,
        started: float,
        error: dict[str, Any] | None = None,
    ) -> None:
        # (history: what a resume or a dependent needs is the action's row, not its attempts)
        if error is None:
            self.db.write_later(_ATTEMPT_OK, (run, action_id, attempt, phase, started, time.time()))
            return
        e = error
        self.db.write_later(
            _ATTEMPT,
            (
                run,
                action_id,
                attempt,
                phase,
                started,
                time.time(),
                e.get("kind"),
                e.get("type"),
                e.get("message"),
                e.get("traceback"),
            ),
        )

    def actions(self, run: str) -> list[ActionRecord]:
        rows = self.db.query(
            f"SELECT {_ACTION_COLS} FROM actions WHERE run_name=? ORDER BY queued_at, action_id",
            (run,),
        )
        out = [
            ActionRecord(
                r[0],
                r[1],
                r[2] or "",
                r[3] or "",
                r[4] or "",
                r[5] or "",
                r[6],
                r[7],
                r[8],
                r[9],
                _error(r[10]),
                r[11] or "",
                r[12] or 0,
                r[13] or "",
            )
            for r in rows
        ]
        items = self._items(run)
        if not items:
            if not out:
                cached = self._cached_run_action(run)
                return [cached] if cached is not None else []
            return out
        seen = {a.action_id for a in out}
        for aid, node_id, name, it in items:
            if it.action_id in seen:
                continue
            out.append(
                ActionRecord(
                    run,
                    it.action_id,
                    aid,
                    f"{node_id}[{it.index}]",
                    "map_item",
                    name,
                    it.phase,
                    it.started,
                    it.started,
                    it.ended,
                    ActionError.from_dict(it.error) if it.error else None,
                    "",
                    it.attempts,
                )
            )
        out.sort(key=lambda a: (a.queued_at or 0.0, a.action_id))
        return out

    def attempts(self, run: str, action_id: str | None = None) -> list[AttemptRecord]:
        """Attempts of ``run`` (of one action), by action and attempt number. A task action whose
        first attempt succeeded has no row in ``attempts`` (``Execution._attempts``): its
        attempt 0 is read from the action's row (``_IMPLICIT_ATTEMPT``)."""
        one = " AND t.action_id=?" if action_id is not None else ""
        sql = (
            "SELECT t.action_id, t.attempt, t.phase, t.started_at, t.ended_at, t.error_kind, "
            "t.error_type, t.message, t.traceback, a.name FROM attempts t LEFT JOIN actions a "
            f"ON a.run_name=t.run_name AND a.action_id=t.action_id WHERE t.run_name=?{one} "
            "UNION ALL SELECT a.action_id, 0, 'SUCCEEDED', a.started_at, a.ended_at, NULL, NULL, "
            f"NULL, NULL, a.name FROM actions a WHERE a.run_name=?{one.replace('t.', 'a.')} AND "
            f"{_IMPLICIT_ATTEMPT} ORDER BY 1, 2"
        )
        params: list[Any] = [run] if action_id is None else [run, action_id]
        rows = self.db.query(sql, params + params)
        return [
            AttemptRecord(
                aid, n, ph, t0, t1, kind or "", typ or "", msg or "", tb or "", task or ""
            )
            for aid, n, ph, t0, t1, kind, typ, msg, tb, task in rows
        ]

    def keep_implicit_attempt(self, run: str, action_id: str) -> None:
        """Write the attempt the row of action ``action_id`` stands for (a first attempt that
        succeeded, ``attempts``) as a row of its own, before the action's phase changes (an
        abort that came while its body ran discards its result)."""
        self.db.execute(
            [
                (
                    "INSERT OR IGNORE INTO attempts (run_name, action_id, attempt, phase, "
                    "started_at, ended_at) SELECT a.run_name, a.action_id, 0, 'SUCCEEDED', "
                    "a.started_at, a.ended_at FROM actions a WHERE a.run_name=? AND "
                    f"a.action_id=? AND {_IMPLICIT_ATTEMPT}",
                    (run, action_id),
                )
            ]
        )

    def log(self, run: str, action_id: str, attempt: int, log: ActionLog) -> None:
        """What attempt ``attempt`` of ``action_id`` printed (``_logs``)."""
        self.db.write_rows(((LOG_SQL, log_row(run, action_id, attempt, log)),))

    def logs(self, run: str, action_id: str | None = None) -> list[ActionLog]:
        return read_logs(self.db, run, action_id)

    def action_literals(self, run: str, action_id: str, what: str) -> dict[str, Literal] | None:
        col = "inputs" if what == "inputs" else "outputs"
        rows = self.db.query(
            f"SELECT {col}, {col}_uri FROM actions WHERE run_name=? AND action_id=?",
            (run, action_id),
        )
        if rows:
            return self.codec.decode(rows[0][0], rows[0][1])
        cached = self._cached_run_action(run)
        if cached is not None and cached.action_id == action_id:
            return self.run_literals(run, what)
        if what != "inputs" and action_id.endswith("]") and "[" in action_id:
            for _, _, _, it in self._items(run, action_id[: action_id.rindex("[")]):
                if it.action_id == action_id:
                    return it.literals(self.codec)
        return None

    def succeeded_outputs(self, run: str) -> dict[str, dict[str, Literal]]:
        """Outputs of every succeeded action of ``run`` (for resume)."""
        rows = self.db.query(
            "SELECT action_id, outputs, outputs_uri FROM actions WHERE run_name=? AND "
            "phase='SUCCEEDED'",
            (run,),
        )
        out: dict[str, dict[str, Literal]] = {}
        for aid, data, uri in rows:
            out[aid] = self.codec.decode(data, uri) or {}
        for _, _, _, it in self._items(run):
            if it.error is None and it.action_id not in out:
                out[it.action_id] = it.literals(self.codec) or {}
        return out

    # ------------------------------------------------------------------ lifecycle
    def flush(self) -> None:
        self.db.flush()

    def close(self) -> None:
        self.db.close()
