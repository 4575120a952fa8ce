"""Caching of subworkflow and launch-plan nodes (``.with_overrides(cache=Cache(version=...))``).

A task caches through ``Execution.run_task``; a subworkflow or launch-plan node has no cache of
its own (Flyte: ``with_overrides`` is the only way to enable it), so the interpreter asks
``NodeCache.start`` here before running the nested scope.

Key = sha256 over the node kind (``workflow`` or ``launch_plan``), the entity's name (the
workflow's, or the launch plan's), a hash of its interface, the cache version (the override's
``version``, else the entity's content version ``id.version``), the salt and the canonical
digest of the inputs the nested scope runs with (for a launch plan: after its defaults and fixed
inputs are merged) without ``ignored_inputs``, and the run's project and domain -- the ingredients of ``TaskCache.key`` plus the
kind, so a key never collides with a task's. Entries live in the same ``cache`` table as task entries
(``flytelike cache list`` shows them under the entity's name).

Rules, as for tasks: no caching when the run has no cache (``FLYTELIKE_LOCAL_CACHE_ENABLED=false``
or no store) or the override disables it; ``overwrite_cache`` skips the lookup and writes the
new outputs (status ``OVERWRITTEN``); no caching while any task of the run is mocked (a mock's
value must never be cached, and a hit would skip the mock). ``serialize=True`` applies: the first
execution takes the reservation (renewed while it runs), others wait for its entry. A node whose
key an equal node of the run is computing waits for it and records a hit (``_inflight``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from dataclasses import dataclass, field

import typesystem
from flytelike.backends import is_mocked
from flytelike.engine._cache import LEASE_SECONDS, TaskCache
from flytelike.engine._execution import Execution, Outputs
from flytelike.ir import CacheSpec, Identifier, Interface, NodeOverrides


def node_cache_key(
    kind: str,
    ident: Identifier,
    iface: Interface,
    spec: CacheSpec,
    inputs: Outputs,
    namespace: bytes,
) -> str:
    """The cache key of a subworkflow (``kind="workflow"``) or launch plan node of a run in
    ``namespace`` (``_namespace.namespace_key``)."""
    iface_hash = hashlib.sha256(repr(iface).encode()).hexdigest()
    version = spec.version or ident.version
    digest = typesystem.digest_inputs(dict(inputs), frozenset(spec.ignored_inputs))
    text = f"{kind}\0{ident.name}\0{iface_hash}\0{version}\0{spec.salt}\0{digest}"
    return hashlib.sha256(namespace + text.encode()).hexdigest()


@dataclass
class NodeCache:
    """The cache state of one subworkflow or launch-plan node execution."""

    ex: Execution
    cache: TaskCache
    spec: CacheSpec
    ident: Identifier
    key: str
    status: str = ""
    reserved: bool = False
    aid: str = ""  # (the node's action id, once it looked up)
    _renew: asyncio.Task[None] | None = field(default=None, repr=False)

    @classmethod
    def start(
        cls,
        ex: Execution,
        overrides: NodeOverrides | None,
        kind: str,
        ident: Identifier,
        iface: Interface,
        inputs: Outputs,
    ) -> NodeCache | None:
        """The node's cache, or ``None`` when it does not cache (see the module docstring)."""
        spec = overrides.cache if overrides is not None else None
        cache = ex.cache
        if spec is None or not spec.enabled or cache is None:
            return None
        if any(is_mocked(t) for t in ex.index.tasks):
            return None
        key = node_cache_key(kind, ident, iface, spec, inputs, ex.namespace_key)
        return cls(ex, cache, spec, ident, key)

    async def lookup(self, aid: str) -> Outputs | None:
        """The cached outputs, or ``None`` (then node ``aid`` runs and ``put`` stores them).
        An equal node of the run in flight is waited for, its outputs a hit (``_inflight``)."""
        if self.ex.overwrite_cache:
            self.status = "OVERWRITTEN"
            return None
        self.aid = aid
        hit = None if self.spec.serialize else self.cache.get(self.key)
        shared = self.ex.shared
        if hit is None:
            if self.key in shared.holders:
                hit = await shared.wait(self.key, aid)
            else:
                shared.hold(self.key, aid)
        if hit is None and self.spec.serialize:
            try:
                hit = await self.cache.wait_or_reserve(self.key, self.ex.owner)
            except BaseException:
                shared.done(self.key, aid, None)
                raise
            if hit is None:
                self.reserved = True
                self._renew = asyncio.ensure_future(self._renew_lease())
            else:
                shared.done(self.key, aid, hit)
        if hit is not None:
            self.status = "HIT"
            return hit
        self.status = "MISS"
        return None

    def put(self, outputs: Outputs, action_id: str) -> None:
        version = self.spec.version or self.ident.version
        self.cache.put_entry(
            self.key, self.ident.name, version, outputs, self.ex.run_name, action_id
        )
        self.ex.shared.done(self.key, self.aid, outputs)

    def release(self) -> None:
        """Give the reservation back (``serialize=True``) and the key to a node waiting for
        it (after a failure: it runs then); call once the node ended."""
        self.ex.shared.done(self.key, self.aid, None)
        if self._renew is not None:
            self._renew.cancel()
            self._renew = None
        if self.reserved:
            self.reserved = False
            with contextlib.suppress(Exception):  # best effort; the lease expires anyway
                self.cache.release(self.key, self.ex.owner)

    async def _renew_lease(self) -> None:
        while True:
            await asyncio.sleep(LEASE_SECONDS / 3)
            self.cache.renew(self.key, self.ex.owner)
