"""The task cache: keys, lookups that verify offloaded data, and serialized execution.

Key = sha256 over the run's namespace (project and domain, ``_namespace``: a hit never crosses
projects or domains), the task name, a hash of its interface, the cache version (the task's
``CacheSpec.version``, else its content version), the salt and the canonical encoding of its
inputs without ``ignored_inputs`` (``typesystem.canonical_inputs``; a literal carrying a
``HashMethod`` hash is represented by that hash). Entries live in the run store's ``cache``
table, shared by every run and process using the same ``FLYTELIKE_HOME``. A hit whose blobs or
tables no longer exist is a miss (and the entry is dropped).

Hits are remembered in memory per process (so a repeated call costs no database read), valid
while the store's cache generation stays the same: 8 bytes in a file next to the database,
mapped into memory by every process, that every deletion or replacement of entries (``flytelike
cache clear``, a hit whose data is gone, an overwrite) rewrites, in any process.

``serialize=True``: the first execution takes a reservation (a lease renewed while it runs);
others poll until the entry appears, or take over if the holder's lease expires.
"""

from __future__ import annotations

import asyncio
import hashlib
import mmap
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import msgpack

import typesystem
from flytelike.engine._blobs import blob_exists, blob_uris
from flytelike.engine._generation import generation_file, map_generation
from flytelike.engine._run_store import RunStore
from flytelike.ir import CacheSpec, TaskTemplate
from typesystem import Literal, Scalar

_NONE: frozenset[str] = frozenset()
# Values ``canonical_inputs`` encodes as they are (its ``default`` hook is never called for
# them): inputs that are all plain scalars of these types are encoded here by one packer without
# a hook, to the same bytes. Shared by every thread: a pack without a hook runs no Python code,
# so under the GIL no two calls interleave (as ``_blobs``).
_PLAIN = frozenset({int, float, str, bool, bytes, type(None)})
_PACK_PLAIN = msgpack.Packer(use_bin_type=True).pack
_LOOKUP = "SELECT outputs, outputs_uri FROM cache WHERE key=?"
MEMO_SIZE = 4096
LEASE_SECONDS = 60.0
POLL_SECONDS = 0.05


@dataclass(frozen=True, slots=True)
class CacheEntry:
    key: str
    task: str
    version: str
    created_at: float
    run_name: str
    action_id: str


def _plain_body(inputs: Mapping[str, Literal], ignore: frozenset[str]) -> bytes | None:
    """``typesystem.canonical_inputs(inputs, ignore)`` when every input kept is a plain scalar
    (a value of ``_PLAIN``, no ``HashMethod`` hash): the same bytes, made without the hook and
    the walk; ``None`` otherwise (the caller asks ``canonical_inputs``)."""
    body = []
    for name in sorted(inputs):
        if name in ignore:
            continue
        v = inputs[name]
        if type(v) is not Scalar or v.hash is not None:
            return None
        value = v.value
        if type(value) not in _PLAIN:
            return None
        body.append([name, value])
    try:
        return _PACK_PLAIN(body)
    except (OverflowError, ValueError):  # (an int beyond 64 bits: canonical_inputs says so)
        return None


class TaskCache:
    """Cache lookups and writes against one run store."""

    def __init__(self, store: RunStore) -> None:
        self.store = store
        # id(task) -> (task, spec, key prefix); templates are immutable (and held here)
        self._prefixes: dict[int, tuple[TaskTemplate, CacheSpec, bytes]] = {}
        # (namespace, key prefix) -> sha256 fed with both (copied per key)
        self._hashers: dict[tuple[bytes, bytes], Any] = {}
        self._decoded: dict[bytes, tuple[dict[str, Literal], tuple[str, ...]]] = {}
        self._ignored: dict[tuple[str, ...], frozenset[str]] = {}
        self._generation_file = generation_file(store.db.path)
        self._seen: bytes | None = None
        self._mm: mmap.mmap | None = None
        # key -> (outputs, stored form, blob URIs the outputs refer to)
        self._memo: dict[
            str, tuple[dict[str, Literal], tuple[bytes | None, str | None], tuple[str, ...]]
        ] = {}

    # ------------------------------------------------------------------ generation
    def _generation(self) -> bytes:
        """The current cache generation: 8 bytes of a file shared through ``mmap`` (reading it
        is a memory read: no system call, so a busy store writer thread cannot make a cache hit
        wait for the GIL)."""
        mm = self._mm
        if mm is None:
            mm = self._mm = map_generation(self._generation_file)
        return mm[:8]

    def _bump(self) -> None:
        """Tell every process that entries were deleted or replaced (their memos go stale)."""
        mm = self._mm
        if mm is None:
            mm = self._mm = map_generation(self._generation_file)
        mm[:8] = os.urandom(8)
        self._memo.clear()

    def key(
        self,
        task: TaskTemplate,
        spec: CacheSpec,
        inputs: Mapping[str, Literal],
        namespace: bytes,
    ) -> str:
        """The key of ``task``'s outputs for ``inputs`` in ``namespace`` (``namespace_key``)."""
        known = self._prefixes.get(id(task))
        if known is not None and known[0] is task and known[1] is spec:
            prefix = known[2]
        else:
            iface = hashlib.sha256(repr(task.interface).encode()).hexdigest()
            version = spec.version or task.id.version
            prefix = f"{task.id.name}\0{iface}\0{version}\0{spec.salt}\0".encode()
            if len(self._prefixes) > 4096:
                self._prefixes.clear()
            self._prefixes[id(task)] = (task, spec, prefix)
        ignore = _NONE
        if spec.ignored_inputs:
            ignore = self._ignored.get(tuple(spec.ignored_inputs)) or frozenset(spec.ignored_inputs)
            self._ignored[tuple(spec.ignored_inputs)] = ignore
        body = _plain_body(inputs, ignore)
        if body is None:
            body = typesystem.canonical_inputs(
                inputs if type(inputs) is dict else dict(inputs), ignore
            )
        hasher = self._hashers.get((namespace, prefix))
        if hasher is None:
            if len(self._hashers) > 4096:
                self._hashers.clear()
            hasher = self._hashers[(namespace, prefix)] = hashlib.sha256(namespace + prefix)
        h = hasher.copy()
        h.update(body)
        return h.hexdigest()

    def get(self, key: str) -> dict[str, Literal] | None:
        hit = self.lookup(key)
        return hit[0] if hit is not None else None

    def lookup(self, key: str) -> tuple[dict[str, Literal], tuple[bytes | None, str | None]] | None:
        """The outputs stored under ``key`` and their stored form (inline bytes, URI)."""
        gen = self._generation()
        if gen != self._seen:
            self._memo.clear()
            self._seen = gen
        else:
            memo = self._memo.get(key)
            if memo is not None:
                if not memo[2] or all(blob_exists(u) for u in memo[2]):
                    return dict(memo[0]), memo[1]
                del self._memo[key]
        rows = self.store.db.query(_LOOKUP, (key,))
        if not rows:
            return None
        data, uri = rows[0]
        decoded = self._decoded.get(data) if data is not None else None
        # Literals are immutable: the same bytes decode to equal values every time.
        if decoded is not None and all(blob_exists(u) for u in decoded[1]):
            self._remember(key, decoded[0], (data, uri), decoded[1])
            return dict(decoded[0]), (data, uri)
        outputs: dict[str, Literal] | None
        try:
            outputs = self.store.codec.decode(data, uri, f"the cached outputs of {key[:16]}")
        except OSError:
            outputs = None
        uris: tuple[str, ...] = ()
        if outputs is not None:
            for v in outputs.values():
                if type(v) is not Scalar:  # (a plain scalar refers to no blob: not walked)
                    uris += tuple(blob_uris(v))
        if outputs is None or (uris and not all(blob_exists(u) for u in uris)):
            self.store.db.execute([("DELETE FROM cache WHERE key=?", (key,))])
            self._bump()
            return None
        kept = dict(outputs)  # (one private copy for both memos: neither is ever changed)
        if data is not None and len(data) <= 4096:
            if len(self._decoded) >= 1024:
                self._decoded.clear()
            self._decoded[data] = (kept, uris)
        self._remember(key, kept, (data, uri), uris)
        return outputs, (data, uri)

    def _remember(
        self,
        key: str,
        outputs: dict[str, Literal],
        stored: tuple[bytes | None, str | None],
        uris: tuple[str, ...],
    ) -> None:
        """Remember the outputs under ``key`` (``outputs``: a copy nobody else changes)."""
        if len(self._memo) >= MEMO_SIZE:
            self._memo.clear()
        self._memo[key] = (outputs, stored, uris)

    def put(
        self,
        key: str,
        task: TaskTemplate,
        spec: CacheSpec,
        outputs: Mapping[str, Literal],
        run: str,
        action_id: str,
    ) -> None:
        self.put_entry(key, task.id.name, spec.version or task.id.version, outputs, run, action_id)

    def put_entry(
        self,
        key: str,
        name: str,
        version: str,
        outputs: Mapping[str, Literal],
        run: str,
        action_id: str,
    ) -> None:
        """Store ``outputs`` under ``key`` for entity ``name`` (a task, or a subworkflow or
        launch plan cached through ``with_overrides``) at cache version ``version``."""
        data, uri = self.store.codec.encode(outputs, "_cache", key, "outputs")
        counts = self.store.db.execute(
            [
                ("DELETE FROM cache WHERE key=?", (key,)),
                (
                    "INSERT INTO cache (key, task, version, outputs, outputs_uri, created_at, "
                    "run_name, action_id) VALUES (?,?,?,?,?,?,?,?)",
                    (key, name, version, data, uri, time.time(), run, action_id),
                ),
            ]
        )
        if counts[0]:
            self._bump()  # an overwrite: other processes may remember the old outputs

    def drop_if_older(self, key: str, max_age: float) -> None:
        """Delete the entry under ``key`` if it was stored more than ``max_age`` seconds ago
        (``Cache(max_age=...)``), so that the next lookup misses and the task runs again."""
        counts = self.store.db.execute(
            [("DELETE FROM cache WHERE key=? AND created_at<?", (key, time.time() - max_age))]
        )
        if counts[0]:
            self._bump()

    # ------------------------------------------------------------------ serialize
    def try_reserve(self, key: str, owner: str) -> bool:
        now = time.time()
        counts = self.store.db.execute(
            [
                ("DELETE FROM cache_reservations WHERE key=? AND expires_at<?", (key, now)),
                (
                    "INSERT OR IGNORE INTO cache_reservations (key, owner, expires_at) VALUES (?,?,?)",
                    (key, owner, now + LEASE_SECONDS),
                ),
            ]
        )
        return counts[1] == 1

    def renew(self, key: str, owner: str) -> None:
        self.store.db.execute(
            [
                (
                    "UPDATE cache_reservations SET expires_at=? WHERE key=? AND owner=?",
                    (time.time() + LEASE_SECONDS, key, owner),
                )
            ]
        )

    def release(self, key: str, owner: str) -> None:
        self.store.db.execute(
            [
                ("DELETE FROM cache_reservations WHERE key=? AND owner=?", (key, owner)),
            ]
        )

    async def wait_or_reserve(self, key: str, owner: str) -> dict[str, Literal] | None:
        """Outputs once another execution stored them, or ``None`` once we hold the reservation."""
        while True:
            hit = self.get(key)
            if hit is not None:
                return hit
            if self.try_reserve(key, owner):
                hit = self.get(key)  # it may have finished between the two checks
                if hit is not None:
                    self.release(key, owner)
                return hit
            await asyncio.sleep(POLL_SECONDS)

    # ------------------------------------------------------------------ management
    def entries(self, task: str | None = None) -> list[CacheEntry]:
        sql = "SELECT key, task, version, created_at, run_name, action_id FROM cache"
        params: tuple[str, ...] = ()
        if task:
            sql += " WHERE task=?"
            params = (task,)
        rows = self.store.db.query(sql + " ORDER BY created_at", params)
        return [CacheEntry(*r) for r in rows]

    def clear(self, task: str | None = None) -> int:
        ops: list[tuple[str, tuple[str, ...]]]
        if task:
            ops = [("DELETE FROM cache WHERE task=?", (task,))]
        else:
            ops = [("DELETE FROM cache", ()), ("DELETE FROM cache_reservations", ())]
        removed = self.store.db.execute(ops)[0]
        self._bump()
        return removed
