"""Runs served whole from the cache: ``CachedRunRows``, a part of ``RunStore``.

A run of one cached task whose outputs are in the cache (``Engine.run``'s fast path) is recorded
as one row of ``runs`` with its ``cache_key`` set; its only action (the task, a cache ``HIT`` with
no attempts) is not stored but read back from that row (``RunStore.actions``,
``RunStore.action_literals``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flytelike.engine._blobs import LiteralCodec, same_literals
from flytelike.engine._rows import _CACHED_RUN_ROW, _PID, _PLAIN_CACHED_RUN_ROW, ActionRecord
from flytelike.engine._store import SQLiteStore
from typesystem import Literal


class CachedRunRows:
    """Records and reads runs served from the cache (``RunStore`` inherits these methods)."""

    db: SQLiteStore
    codec: LiteralCodec
    _hit_inputs: dict[str, tuple[dict[str, Literal], bytes | None]]
    closure_ref: Callable[[Any], bytes]  # (``RunStore.closure_ref``)

    def record_cached_task_run(
        self,
        name: str,
        entity: str,
        inputs: dict[str, Literal],
        closure: Any,
        options_json: str,
        cache_key: str,
        outputs: dict[str, Literal],
        cached: tuple[bytes | None, str | None],
        started: float,
        namespace: tuple[str, str],
    ) -> None:
        """A finished run of one task served from the cache, as one row: the run row with its
        ``cache_key`` set. Its only action (the task, a cache ``HIT`` with no attempts) is not
        stored but read back from that row (``actions``, ``action_literals``)."""
        # Repeated hits of one key usually have equal inputs: their bytes are reused (an equal
        # literal map encodes to the same bytes; a HashMethod may map unequal inputs to one key,
        # which the comparison catches).
        memo = self._hit_inputs.get(cache_key)
        if memo is not None and same_literals(memo[0], inputs):
            in_data, in_uri = memo[1], None
        else:
            in_data, in_uri = self.codec.encode(inputs, name, "", "inputs")
            if in_uri is None:
                if len(self._hit_inputs) >= 1024:
                    self._hit_inputs.clear()
                self._hit_inputs[cache_key] = (inputs, in_data)
        if cached[1] is None and cached[0] is not None:
            out_data, out_uri = cached
        else:
            out_data, out_uri = self.codec.encode(outputs, name, "", "outputs")
        ref, ended = self.closure_ref(closure), time.time()
        if in_uri is None and out_uri is None:  # (the usual: no None to bind, _rows)
            row = (
                name, entity, "task", "SUCCEEDED", started, started, ended, in_data, out_data,
                ref, options_json, "", _PID[0], cache_key, *namespace,
            )  # fmt: skip
            self.db.write_rows(((_PLAIN_CACHED_RUN_ROW, row),))
            return
        full = (
            name, entity, "task", "SUCCEEDED", started, started, ended, in_data, in_uri,
            out_data, out_uri, None, ref, options_json, "", _PID[0], cache_key, *namespace,
        )  # fmt: skip
        self.db.write_rows(((_CACHED_RUN_ROW, full),))

    def _cached_run_action(self, run: str) -> ActionRecord | None:
        """The action of a run recorded by ``record_cached_task_run``, from its run row."""
        rows = self.db.query(
            "SELECT entity, created_at, started_at, ended_at FROM runs "
            "WHERE name=? AND cache_key IS NOT NULL",
            (run,),
        )
        if not rows:
            return None
        entity, queued, started, ended = rows[0]
        return ActionRecord(
            run, entity, "", entity, "task", entity, "SUCCEEDED", queued, started, ended, None,
            "HIT", 0,
        )  # fmt: skip
