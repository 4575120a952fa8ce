"""``Execution``: the state of one run, and how one task action runs (cache, retries, timeouts).

The interpreter (``_interpreter``) walks the graph and calls ``run_task`` for every task node;
``run_task`` checks the cache, runs attempts through the backend until one succeeds or the retry
budgets are spent, records every attempt and the action's phases in the run store, and publishes
phase events. Retry rules: a user error of a v1 task retries only when recoverable
(``FlyteRecoverableException``) or timed out, within the task's ``retries``; a v2 task (flyte's
rule) retries any user error but ``NonRecoverableError``; a system error retries within
``EngineConfig.system_retries``. Any other user error fails at once. A task made
with ``RetryStrategy(backoff=Backoff(...))`` waits ``base * factor**n`` (capped) before retry ``n``.
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import os
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flytelike._settings.durations import node_timeout
from flytelike.backends import (
    OPEN_CAPTURES,
    SYSTEM,
    USER,
    ActionContext,
    ActionOutcome,
    ActionRequest,
    Backend,
    ExecutionError,
    declared_for,
    is_mocked,
    publish_artifacts,
    take_log,
)
from flytelike.engine._action_error import ActionError
from flytelike.engine._cache import LEASE_SECONDS, TaskCache
from flytelike.engine._config import EngineConfig
from flytelike.engine._events import ATTEMPT, NODE, EventBus
from flytelike.engine._failure import NodeFailed as NodeFailed
from flytelike.engine._failure import Outputs as Outputs
from flytelike.engine._failure import error_dict as error_dict
from flytelike.engine._index import ClosureIndex
from flytelike.engine._inflight import InFlight
from flytelike.engine._namespace import DEFAULT_DOMAIN, DEFAULT_PROJECT, namespace_key
from flytelike.engine._overrides import merged
from flytelike.engine._phases import NodePhase, TaskPhase
from flytelike.engine._run_store import RunStore
from flytelike.engine._slots import Slots
from flytelike.ir import CacheSpec, Closure, NodeOverrides, TaskTemplate
from typesystem import Literal

_TOKEN = f"{random.getrandbits(32):08x}"
_OWNERS = itertools.count()

# Extra parallelism limits of enclosing launch plans (``max_parallelism``), innermost last.
LIMITS: contextvars.ContextVar[tuple[asyncio.Semaphore, ...]] = contextvars.ContextVar(
    "flytelike_limits", default=()
)


def cache_max_age(task: TaskTemplate) -> float | None:
    """Seconds from the ``v2.cache_max_age`` custom entry of ``task`` (``Cache(max_age=...)``)."""
    for key, value in task.custom:
        if key == "v2.cache_max_age":
            import json

            return float(json.loads(value))
    return None


def retry_settings(task: TaskTemplate) -> tuple[dict[str, Any] | None, bool]:
    """The ``v2.retry_backoff`` custom entry of ``task`` (``RetryStrategy(backoff=...)``), and
    whether any user error retries: v2 tasks (made in a ``TaskEnvironment``) retry every user
    error but ``NonRecoverableError``, as flyte does; v1 tasks only recoverable ones."""
    backoff = None
    v2 = False
    for key, value in task.custom:
        if key == "v2.retry_backoff":
            import json

            found = json.loads(value)
            backoff = found if isinstance(found, dict) else None
        elif key == "v2.environment":
            v2 = True
    return backoff, v2


def _in_place(runner: Any, aid: str, inputs: Outputs, attempt: int) -> ActionOutcome:
    """One attempt through a prepared runner on the loop's thread, which the body must not see
    (as a worker thread would run it); the run's data context is set for the whole run. (A
    stretch of such attempts hides the loop once instead: ``Execution.hidden_loop``.)"""
    loop = asyncio._get_running_loop()
    asyncio._set_running_loop(None)
    try:
        return runner(aid, inputs, attempt)  # type: ignore[no-any-return]
    finally:
        asyncio._set_running_loop(loop)


def non_recoverable(err: ExecutionError) -> bool:
    return err.error_type.rsplit(".", 1)[-1] == "NonRecoverableError"


@dataclass
class Execution:
    """Everything shared by the nodes of one run."""

    run_name: str
    index: ClosureIndex
    backend: Backend
    config: EngineConfig
    bus: EventBus
    store: RunStore | None
    cache: TaskCache | None
    run_dir: str
    raw_data_prefix: str
    overwrite_cache: bool = False
    max_parallelism: int = 32
    # The workers a map without ``concurrency`` splits its items over (``_config.run_windows``:
    # ``max_parallelism`` unless that is a backend's default); 0: ``max_parallelism``.
    map_parallelism: int = 0
    prior: dict[str, Outputs] = field(default_factory=dict)
    # Of a resumed run: per action, the number its next attempt takes (after the recorded ones).
    attempt_base: dict[str, int] = field(default_factory=dict)
    # A direct call (``wf(...)``) blocks its caller, so nobody else can send it a signal: its
    # gates ask on the terminal when there is one, and fail with instructions otherwise.
    direct_call: bool = False
    inflight: int = 0
    sem: asyncio.Semaphore | None = None
    owner: str = field(default_factory=lambda: f"{os.getpid()}-{_TOKEN}-{next(_OWNERS)}")
    # Runs a dynamic task's generated graph (set by the interpreter): (action id, closure, inputs).
    on_dynamic: Callable[[str, Closure, Outputs], Awaitable[Outputs]] | None = None
    # The event loop running this execution, and child calls made so far per parent action
    # (``_children.child_call``).
    loop: asyncio.AbstractEventLoop | None = None
    child_counts: dict[str, int] = field(default_factory=dict)
    # The run's namespace (``_namespace``): in every cache key and every action's context.
    project: str = DEFAULT_PROJECT
    domain: str = DEFAULT_DOMAIN
    # The run's event loop while the interpreter keeps it hidden around a chain of task nodes
    # that all run in place (``_inplace.plan``; ``_interpreter.run_nodes``): setting and
    # restoring the running loop costs two system calls (``getpid``) each time.
    hidden_loop: asyncio.AbstractEventLoop | None = None

    def __post_init__(self) -> None:
        self.namespace_key = namespace_key(self.project, self.domain)
        if self.max_parallelism > 0:
            self.sem = asyncio.Semaphore(self.max_parallelism)
        # The semaphores a remote attempt takes a slot of when no launch plan adds its own.
        self._sems: tuple[asyncio.Semaphore, ...] = (self.sem,) if self.sem is not None else ()
        self._inline = hasattr(self.backend, "run_inline") and hasattr(self.backend, "can_inline")
        # Whether the backend makes in-place runners (``_runner``) at all.
        self.prepares = self._inline and hasattr(self.backend, "inline_runner")
        # (task id, overrides id) -> (task, overrides, its in-place plan or None): ``_inplace``.
        self.plans: dict[tuple[int, int], tuple[TaskTemplate, Any, Any]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self.shared = InFlight()  # cache keys the run's nodes are computing (``_inflight``)
        self.slots = Slots()  # parallelism slots held by running actions, lent to children
        self._runners: dict[int, tuple[TaskTemplate, Any, tuple[dict[str, Any] | None, bool]]] = {}

    # ------------------------------------------------------------------ recording
    def node_started(
        self,
        aid: str,
        parent: str,
        node_id: str,
        kind: str,
        name: str,
        inputs: Mapping[str, Literal] | None,
    ) -> None:
        if self.store is not None:
            self.store.start_action(
                self.run_name,
                aid,
                parent,
                node_id,
                kind,
                name,
                dict(inputs) if inputs is not None else None,
            )
        bus = self.bus
        if bus.active:
            bus.publish(NODE, self.run_name, NodePhase.QUEUED, aid, name)
            bus.publish(NODE, self.run_name, NodePhase.RUNNING, aid, name)

    def node_finished(
        self,
        aid: str,
        name: str,
        phase: NodePhase,
        outputs: Outputs | None = None,
        error: ExecutionError | None = None,
        cache_key: str | None = None,
        cache_status: str = "",
        attempts: int = 1,
        detail: ActionError | None = None,
    ) -> None:
        store = self.store
        chain_step = phase is NodePhase.SUCCEEDED and self.inflight == 1 and cache_key is None
        if store is not None and chain_step and outputs is not None:  # (durable: see below)
            store.task_succeeded(self.run_name, aid, outputs, attempts)
        elif store is not None:
            if detail is not None:
                stored = detail.to_dict()
            elif error is not None:
                stored = error_dict(error, aid, task=name)
            else:
                stored = None
            # A workflow node with nothing else in flight (a chain on a backend the run waits
            # for): what starts next is built on it, so its row is made durable now, as one
            # journal record (``RunStore.finish_action``), rather than by the next node's
            # durability point. (A task run alone is not counted in flight: it ends its run,
            # whose end commits it.)
            store.finish_action(
                self.run_name,
                aid,
                phase._value_,  # (the member's string, without the enum's property)
                outputs,
                stored,
                cache_key,
                cache_status,
                attempts,
                durable=self.inflight == 1 and phase is NodePhase.SUCCEEDED,
            )
        if self.bus.active:
            self.bus.publish(
                NODE,
                self.run_name,
                phase,
                aid,
                name,
                message=error.message if error is not None else "",
            )

    # ------------------------------------------------------------------ task actions
    def action_context(
        self, aid: str, attempt: int, task: TaskTemplate, timeout: float | None
    ) -> ActionContext:
        # (positionally: one per remote attempt; ``environment``, ``secrets_dir``,
        # ``secrets_env_prefix`` as their defaults, ``run_uri`` left to the backend)
        return ActionContext(
            self.run_name,
            aid,
            attempt,
            self.run_dir,
            self.raw_data_prefix,
            timeout,
            bool(task.metadata.enable_deck),
            (),
            "",
            "",
            self.project,
            self.domain,
            "",
            declared_for(self.run_name, aid),
        )

    async def run_task(
        self,
        aid: str,
        parent: str,
        node_id: str,
        task: TaskTemplate,
        inputs: Outputs,
        overrides: NodeOverrides | None = None,
        kind: str = "task",
    ) -> Outputs:
        """Run one task node to completion; raises ``NodeFailed``."""
        prior = self.prior.get(aid)
        name = task.id.name
        if prior is not None:
            if self.bus.active:
                self.bus.publish(NODE, self.run_name, NodePhase.RECOVERED, aid, name)
            return prior
        md = task.metadata
        ov = overrides
        retries = ov.retries if ov is not None and ov.retries is not None else (md.retries or 0)
        timeout = node_timeout(md.timeout, ov.timeout if ov is not None else None)
        spec: CacheSpec | None = ov.cache if ov is not None and ov.cache is not None else md.cache
        self.node_started(aid, parent, node_id, kind, name, inputs)
        cache = self.cache if spec is not None and spec.enabled else None
        if cache is not None and is_mocked(task.id):
            cache = None  # a mock's value must never be cached
        key: str | None = None
        status = ""
        reserved = False
        if cache is not None and spec is not None:
            key = cache.key(task, spec, inputs, self.namespace_key)
            if self.overwrite_cache:
                status = "OVERWRITTEN"
            else:
                max_age = cache_max_age(task)
                if max_age is not None:  # Cache(max_age=...): an older entry is not used
                    cache.drop_if_older(key, max_age)
                hit = None if spec.serialize else cache.get(key)
                if hit is None:  # an equal node in flight: wait for its outputs (``_inflight``)
                    shared = self.shared
                    if key in shared.holders:
                        hit = await shared.wait(key, aid)
                    else:
                        shared.hold(key, aid)
                if hit is None and spec.serialize:
                    try:
                        hit = await self._serialized_lookup(cache, key)
                    except BaseException:  # (aborted while waiting: a waiter goes on)
                        self.shared.done(key, aid, None)
                        raise
                    if hit is not None:  # (another process stored it)
                        self.shared.done(key, aid, hit)
                    reserved = hit is None
                if hit is not None:
                    self.node_finished(
                        aid,
                        name,
                        NodePhase.SUCCEEDED,
                        hit,
                        cache_key=key,
                        cache_status="HIT",
                        attempts=0,
                    )
                    return hit
                status = "MISS"
        renew: asyncio.Task[None] | None = None
        done: Outputs | None = None  # (for nodes waiting on the key: set once stored)
        if reserved and cache is not None and key is not None:
            renew = asyncio.ensure_future(self._renew(cache, key))
        try:
            sent = merged(task, ov)  # (the backend sees the node's overrides in the template)
            outcome, attempts = await self._attempts(aid, node_id, sent, inputs, retries, timeout)
            if outcome.dynamic is not None:
                if self.bus.active:
                    self.bus.publish(NODE, self.run_name, NodePhase.DYNAMIC_RUNNING, aid, name)
                assert self.on_dynamic is not None
                outputs = await self.on_dynamic(aid, outcome.dynamic, inputs)
            else:
                outputs = dict(outcome.outputs or {})
            if cache is not None and key is not None and spec is not None:
                cache.put(key, task, spec, outputs, self.run_name, aid)
                done = outputs
        except NodeFailed as f:
            self.node_finished(
                aid,
                name,
                f.phase,
                error=f.error,
                cache_key=key,
                cache_status=status,
                detail=f.detail,
            )
            raise
        except asyncio.CancelledError:
            self.node_finished(aid, name, NodePhase.ABORTED, cache_key=key)
            raise
        finally:
            if key is not None and status != "OVERWRITTEN":
                self.shared.done(key, aid, done)
            if renew is not None:
                renew.cancel()
            if reserved and cache is not None and key is not None:
                cache.release(key, self.owner)
        self.node_finished(
            aid,
            name,
            NodePhase.SUCCEEDED,
            outputs,
            cache_key=key,
            cache_status=status,
            attempts=attempts,
        )
        return outputs

    async def _serialized_lookup(self, cache: TaskCache, key: str) -> Outputs | None:
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:  # one waiter per key in this process; others queue behind it
            return await cache.wait_or_reserve(key, self.owner)

    async def _renew(self, cache: TaskCache, key: str) -> None:
        while True:
            await asyncio.sleep(LEASE_SECONDS / 3)
            cache.renew(key, self.owner)

    async def _attempts(
        self,
        aid: str,
        node_id: str,
        task: TaskTemplate,
        inputs: Outputs,
        retries: int,
        timeout: float | None,
    ) -> tuple[ActionOutcome, int]:
        attempt = self.attempt_base.get(aid, 0) if self.attempt_base else 0
        budgets = (retries, self.config.system_retries)  # (user, system) retries left
        store = self.store
        bus = self.bus
        backend = self.backend
        slots = self.slots
        runner, (backoff, retry_any) = self.prepared(task)
        if timeout is not None:
            runner = None
        while True:
            started = time.time()
            if bus.active:
                bus.publish(ATTEMPT, self.run_name, TaskPhase.RUNNING, aid, task.id.name, attempt)
            if runner is not None and self.hidden_loop is not None:
                outcome = runner(aid, inputs, attempt)  # (the loop is hidden already)
            elif runner is not None and self.inflight <= 1:
                outcome = _in_place(runner, aid, inputs, attempt)
            else:
                req = ActionRequest(task, inputs, self.action_context(aid, attempt, task, timeout))
                try:  # (``run_once``, spelled out: one coroutine less per remote attempt)
                    if self._inline and self.inflight <= 1 and backend.can_inline(req):  # type: ignore[attr-defined]
                        outcome = backend.run_inline(req)  # type: ignore[attr-defined]
                    else:
                        limits = LIMITS.get()
                        sems = self._sems
                        if limits:
                            sems = (*sems, *limits)
                        held = slots.take_now(aid, sems) or await slots.take(aid, sems)
                        try:
                            if timeout is None:
                                try:
                                    outcome = await backend.run_action(req)
                                except asyncio.CancelledError:
                                    raise
                                except Exception as e:
                                    outcome = self._backend_failed(e)
                            else:
                                outcome = await self._call_backend(req, timeout)
                        finally:
                            slots.give_back(aid, held)
                except asyncio.CancelledError:  # (aborted: keep what it printed until now)
                    log = take_log(self.run_name, aid, attempt)
                    if log is not None and store is not None:
                        store.log(self.run_name, aid, attempt, log)
                    raise
            if (
                OPEN_CAPTURES
                or outcome.logs is not None
                or outcome.decks
                or outcome.artifacts is not None
            ):
                outcome = self.settle(aid, attempt, outcome)  # (what it printed, decks, ...)
            if outcome.error is None:
                # A first attempt that succeeds gets no row of its own: the action's row (phase
                # SUCCEEDED, attempts 1) stands for it and ``RunStore.attempts`` reads it back
                # from there. A dynamic task's action ends after its graph: its row is written.
                if store is not None and (attempt != 0 or outcome.dynamic is not None):
                    store.attempt(self.run_name, aid, attempt, "SUCCEEDED", started)
                if bus.active:
                    bus.publish(
                        ATTEMPT, self.run_name, TaskPhase.SUCCEEDED, aid, task.id.name, attempt
                    )
                return outcome, attempt + 1
            budgets = self.retry_or_fail(
                aid, node_id, task.id.name, attempt, outcome.error, started, budgets, retry_any
            )
            if backoff is not None:  # RetryStrategy(backoff=Backoff(...)): wait between attempts
                from flytelike._settings.v2config import retry_delay

                await asyncio.sleep(retry_delay(backoff, attempt))
            attempt += 1

    def settle(self, aid: str, attempt: int, outcome: ActionOutcome) -> ActionOutcome:
        """Record what attempt ``attempt`` of ``aid`` printed and its decks, and publish its
        artifacts (an outcome whose publication failed comes back as a user error)."""
        store = self.store
        log = take_log(self.run_name, aid, attempt) or outcome.logs
        if log is not None and store is not None:
            store.log(self.run_name, aid, attempt, log)
        if outcome.decks and store is not None:
            store.decks(self.run_name, aid, [(d.name, d.uri) for d in outcome.decks])
        if outcome.artifacts is not None:  # (outputs published as artifact versions)
            outcome = publish_artifacts(outcome)
        return outcome

    def retry_or_fail(
        self,
        aid: str,
        node_id: str,
        name: str,
        attempt: int,
        err: ExecutionError,
        started: float,
        budgets: tuple[int, int],
        retry_any: bool,
    ) -> tuple[int, int]:
        """Attempt ``attempt`` of ``aid`` (task ``name``) failed with ``err``: record it, and
        return the (user, system) retry budgets left for the next attempt, or raise the
        action's ``NodeFailed`` when it is not retried (``ABORTED`` when an abort stopped it)."""
        from flytelike.engine._abort import interrupted

        stopped = interrupted(self.run_name, aid)  # (a body stopped by an abort: ABORTED)
        if stopped is not None:
            raise stopped
        user_left, system_left = budgets
        if err.kind == SYSTEM:
            retry = system_left > 0
            system_left -= 1
        else:
            retry = (
                err.recoverable or err.timed_out or (retry_any and not non_recoverable(err))
            ) and user_left > 0
            user_left -= 1 if retry else 0
        phase = TaskPhase.RETRYABLE_FAILED if retry else TaskPhase.FAILED
        if self.store is not None:
            self.store.attempt(self.run_name, aid, attempt, phase.value, started, error_dict(err))
        if self.bus.active:
            self.bus.publish(ATTEMPT, self.run_name, phase, aid, name, attempt, err.message)
        if not retry:
            detail = ActionError.of(
                err,
                aid,
                node_id=node_id,
                task=name,
                attempt=attempt,
                started_at=started,
                ended_at=time.time(),
            )
            raise NodeFailed(
                aid, err, NodePhase.TIMED_OUT if err.timed_out else NodePhase.FAILED, detail
            )
        return user_left, system_left

    def prepared(self, task: TaskTemplate) -> tuple[Any, tuple[dict[str, Any] | None, bool]]:
        """``task``'s in-place runner (``_runner``) and its retry settings, made once per task
        per run."""
        found = self._runners.get(id(task))
        if found is None or found[0] is not task:
            self._runner(task)
            found = self._runners[id(task)]
        return found[1], found[2]

    def _runner(self, task: TaskTemplate) -> Any:
        """The backend's prepared in-place runner for ``task`` (``inline_runner``), made once per
        task per run, or ``None`` when the task cannot run in place (async, not plain Python,
        process mode) or the backend has no such runner. Used while nothing else in the run
        could progress (``inflight <= 1``): a chain of nodes."""
        found = self._runners.get(id(task))
        if found is not None and found[0] is task:
            return found[1]
        runner = None
        make = getattr(self.backend, "inline_runner", None)
        if make is not None and self._inline and task.kind == "python":
            ctx = self.action_context("", 0, task, None)
            if self.backend.can_inline(ActionRequest(task, {}, ctx)):  # type: ignore[attr-defined]
                try:
                    runner = make(task, ctx)
                except Exception:  # (resolution errors surface through the general path)
                    runner = None
        self._runners[id(task)] = (task, runner, retry_settings(task))
        return runner

    async def _call_backend(self, req: ActionRequest, timeout: float | None) -> ActionOutcome:
        limit = timeout
        grace: float | None = None
        if timeout:  # a backend counting timeouts from the body's start gets a grace for queueing
            grace = getattr(self.backend, "timeout_grace", 0.0)
            limit = None if grace is None else timeout + grace
        try:
            if limit:
                return await asyncio.wait_for(self.backend.run_action(req), limit)
            return await self.backend.run_action(req)
        except TimeoutError:
            assert timeout is not None
            why = f"timed out after {timeout:g}s"
            if grace:
                why = (
                    f"did not finish within its timeout of {timeout:g}s plus the backend's grace "
                    f"of {grace:g}s for queueing and start-up; it was cancelled"
                )
            return ActionOutcome(
                error=ExecutionError(
                    USER,
                    f"task `{req.task.id.name}` ({req.context.action_id}) {why} "
                    f"(attempt {req.context.attempt + 1})",
                    "TimeoutError",
                    recoverable=True,
                    timed_out=True,
                )
            )
        except asyncio.CancelledError:
            raise
        except Exception as e:
            return self._backend_failed(e)

    def _backend_failed(self, e: Exception) -> ActionOutcome:
        """The outcome of an attempt whose backend call raised ``e``: a system error."""
        return ActionOutcome(
            error=ExecutionError(
                SYSTEM,
                f"backend {getattr(self.backend, 'name', '?')} failed: {e!r}",
                type(e).__name__,
            )
        )
