"""``DynamicBatcher`` and ``TokenBatcher`` (flyte 2's ``flyte.extras`` batchers): many
concurrent producers submit records one at a time; the batcher groups them into batches under a
cost budget and calls one async function per batch, resolving each producer's future with its
record's result. This runs in the event loop of the task that owns the batcher, exactly as in
flyte (nothing here needs a cluster).

Batches are assembled by one coroutine and processed by another, with up to
``prefetch_batches`` assembled batches waiting between them. A batch is sent when its cost
reaches ``target_batch_cost`` (with at least ``min_batch_size`` records) or it holds
``max_batch_size`` records, or ``batch_timeout_s`` after its first record arrived, or when the
batcher stops. A record's cost is, first found first: the ``estimated_cost`` given to
``submit``, the ``cost_estimator`` function, the record's own ``estimate_cost()``
(``CostEstimator``), ``default_cost``. ``TokenBatcher`` counts tokens the same way
(``estimated_tokens``, ``token_estimator``, ``estimate_tokens()``, ``default_token_estimate``).
Kept out: anything about models or GPUs; the processing function is the caller's.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, Protocol, TypeVar, runtime_checkable

from flytelike.errors import ConfigurationError

__all__ = [
    "BatchStats",
    "CostEstimator",
    "DynamicBatcher",
    "Prompt",
    "TokenBatcher",
    "TokenEstimator",
]

R = TypeVar("R")
T = TypeVar("T")


@runtime_checkable
class CostEstimator(Protocol):
    """A record that knows its own processing cost."""

    def estimate_cost(self) -> int: ...


@runtime_checkable
class TokenEstimator(Protocol):
    """A record that knows how many tokens it holds."""

    def estimate_tokens(self) -> int: ...


@dataclasses.dataclass
class Prompt:
    """A text prompt for ``TokenBatcher``; about four characters make a token."""

    text: str

    def estimate_tokens(self) -> int:
        return len(self.text) // 4 + 1


@dataclasses.dataclass
class BatchStats:
    """Counters of a batcher (a snapshot: ``batcher.stats`` returns a copy)."""

    total_submitted: int = 0
    total_completed: int = 0
    total_batches: int = 0
    total_batch_cost: int = 0
    avg_batch_size: float = 0.0
    avg_batch_cost: float = 0.0
    busy_time_s: float = 0.0
    idle_time_s: float = 0.0

    @property
    def utilization(self) -> float:
        """The share of the processing loop's time spent in the processing function."""
        total = self.busy_time_s + self.idle_time_s
        return self.busy_time_s / total if total else 0.0


@dataclasses.dataclass
class _Item(Generic[R, T]):
    record: R
    cost: int
    future: asyncio.Future[T]


_STOP = None  # what the queues carry when the batcher stops


def _positive(where: str, **values: float) -> None:
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ConfigurationError(f"{where}: {name} must be a positive number, got {value!r}")


class DynamicBatcher(Generic[R, T]):
    """Batch records from concurrent producers through ``process_fn`` (``async (list[R]) ->
    list[T]``, results in the order of the batch). Use it as ``async with``, or ``await
    start()`` / ``await stop()``; ``await submit(record)`` returns a future of the record's
    result (waiting while ``max_queue_size`` records are queued). A batch whose function raises,
    or returns a list of the wrong length, fails the future of every record in it. ``stop()``
    processes what was submitted before it returns."""

    def __init__(
        self,
        process_fn: Callable[[list[R]], Awaitable[list[T]]],
        *,
        cost_estimator: Callable[[R], int] | None = None,
        target_batch_cost: int = 32000,
        max_batch_size: int = 256,
        min_batch_size: int = 1,
        batch_timeout_s: float = 0.05,
        max_queue_size: int = 5000,
        prefetch_batches: int = 2,
        default_cost: int = 1,
    ) -> None:
        where = type(self).__name__
        if not callable(process_fn):
            raise ConfigurationError(f"{where}: process_fn must be an async function of a batch")
        _positive(
            where,
            target_batch_cost=target_batch_cost,
            max_batch_size=max_batch_size,
            min_batch_size=min_batch_size,
            batch_timeout_s=batch_timeout_s,
            max_queue_size=max_queue_size,
            prefetch_batches=prefetch_batches,
            default_cost=default_cost,
        )
        if min_batch_size > max_batch_size:
            raise ConfigurationError(
                f"{where}: min_batch_size ({min_batch_size}) is larger than max_batch_size "
                f"({max_batch_size}); lower min_batch_size or raise max_batch_size"
            )
        self._process_fn = process_fn
        self._cost_estimator = cost_estimator
        self._target = target_batch_cost
        self._max = max_batch_size
        self._min = min_batch_size
        self._timeout = batch_timeout_s
        self._queue_size = max_queue_size
        self._prefetch = prefetch_batches
        self._default_cost = default_cost
        self._stats = BatchStats()
        self._tasks: list[asyncio.Task[None]] = []
        self._running = False

    @property
    def stats(self) -> BatchStats:
        return dataclasses.replace(self._stats)

    @property
    def is_running(self) -> bool:
        return self._running

    async def start(self) -> None:
        """Start the assembling and processing loops (nothing when already running)."""
        if self._running:
            return
        self._items: asyncio.Queue[_Item[R, T] | None] = asyncio.Queue(self._queue_size)
        self._batches: asyncio.Queue[list[_Item[R, T]] | None] = asyncio.Queue(self._prefetch)
        self._tasks = [
            asyncio.create_task(self._assemble(), name=f"{type(self).__name__}.assemble"),
            asyncio.create_task(self._process(), name=f"{type(self).__name__}.process"),
        ]
        self._running = True

    async def stop(self) -> None:
        """Process every record submitted so far, then stop the loops."""
        if not self._running:
            return
        self._running = False
        await self._items.put(_STOP)
        await asyncio.gather(*self._tasks)
        self._tasks = []

    async def __aenter__(self) -> DynamicBatcher[R, T]:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _cost(self, record: R, given: int | None) -> int:
        if given is not None:
            return given
        if self._cost_estimator is not None:
            return self._cost_estimator(record)
        if isinstance(record, CostEstimator):
            return record.estimate_cost()
        return self._default_cost

    async def submit(self, record: R, *, estimated_cost: int | None = None) -> asyncio.Future[T]:
        """Queue ``record``; the returned future resolves to its result."""
        return await self._submit(record, self._cost(record, estimated_cost))

    async def _submit(self, record: R, cost: int) -> asyncio.Future[T]:
        if not self._running:
            raise RuntimeError(
                f"{type(self).__name__}.submit: the batcher is not running; use it as "
                "`async with batcher:` or `await batcher.start()` first"
            )
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        await self._items.put(_Item(record, cost, future))
        self._stats.total_submitted += 1
        return future

    async def submit_batch(
        self, records: Sequence[R], *, estimated_cost: Sequence[int] | None = None
    ) -> list[asyncio.Future[T]]:
        """``submit`` each record (with the cost at the same position, when given)."""
        if estimated_cost is not None and len(estimated_cost) != len(records):
            raise ConfigurationError(
                f"{type(self).__name__}.submit_batch: {len(records)} records but "
                f"{len(estimated_cost)} estimated costs; give one cost per record or none"
            )
        costs: Sequence[int | None] = estimated_cost or [None] * len(records)
        return [await self.submit(r, estimated_cost=c) for r, c in zip(records, costs, strict=True)]

    async def _assemble(self) -> None:
        while True:
            first = await self._items.get()
            if first is None:
                await self._batches.put(_STOP)
                return
            batch, cost = [first], first.cost
            deadline = time.monotonic() + self._timeout
            stopping = False
            while len(batch) < self._max and (cost < self._target or len(batch) < self._min):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                try:
                    item = await asyncio.wait_for(self._items.get(), left)
                except TimeoutError:
                    break
                if item is None:
                    stopping = True
                    break
                batch.append(item)
                cost += item.cost
            await self._batches.put(batch)
            if stopping:
                await self._batches.put(_STOP)
                return

    async def _process(self) -> None:
        stats = self._stats
        while True:
            waited = time.monotonic()
            batch = await self._batches.get()
            started = time.monotonic()
            stats.idle_time_s += started - waited
            if batch is None:
                return
            try:
                results = await self._process_fn([item.record for item in batch])
                if not isinstance(results, list | tuple) or len(results) != len(batch):
                    got = len(results) if isinstance(results, list | tuple) else type(results)
                    raise ValueError(
                        f"{type(self).__name__}: process_fn returned {got} results for a batch "
                        f"of {len(batch)} records; return one result per record, in order"
                    )
                for item, result in zip(batch, results, strict=True):
                    if not item.future.done():
                        item.future.set_result(result)
            except Exception as exc:  # (the batch's records fail, the batcher goes on)
                for item in batch:
                    if not item.future.done():
                        item.future.set_exception(exc)
            stats.busy_time_s += time.monotonic() - started
            stats.total_batches += 1
            stats.total_completed += len(batch)
            stats.total_batch_cost += sum(item.cost for item in batch)
            stats.avg_batch_size = stats.total_completed / stats.total_batches
            stats.avg_batch_cost = stats.total_batch_cost / stats.total_batches


class TokenBatcher(DynamicBatcher[R, T]):
    """``DynamicBatcher`` counting tokens: ``inference_fn`` (or ``process_fn``) gets batches of
    about ``target_batch_tokens`` tokens; a record's tokens come from ``submit(...,
    estimated_tokens=)``, ``token_estimator``, the record's ``estimate_tokens()`` (``Prompt``
    has one), else as ``DynamicBatcher`` finds a cost (``default_token_estimate`` first)."""

    def __init__(
        self,
        inference_fn: Callable[[list[R]], Awaitable[list[T]]] | None = None,
        *,
        process_fn: Callable[[list[R]], Awaitable[list[T]]] | None = None,
        token_estimator: Callable[[R], int] | None = None,
        cost_estimator: Callable[[R], int] | None = None,
        target_batch_tokens: int | None = None,
        target_batch_cost: int = 32000,
        default_token_estimate: int | None = None,
        default_cost: int = 1,
        max_batch_size: int = 256,
        min_batch_size: int = 1,
        batch_timeout_s: float = 0.05,
        max_queue_size: int = 5000,
        prefetch_batches: int = 2,
    ) -> None:
        fn = inference_fn or process_fn
        if fn is None or (inference_fn is not None and process_fn is not None):
            raise ConfigurationError(
                "TokenBatcher: give exactly one of inference_fn and process_fn (the async "
                "function of a batch)"
            )
        super().__init__(
            fn,
            cost_estimator=token_estimator or cost_estimator,
            target_batch_cost=target_batch_cost
            if target_batch_tokens is None
            else target_batch_tokens,
            max_batch_size=max_batch_size,
            min_batch_size=min_batch_size,
            batch_timeout_s=batch_timeout_s,
            max_queue_size=max_queue_size,
            prefetch_batches=prefetch_batches,
            default_cost=default_cost if default_token_estimate is None else default_token_estimate,
        )

    def _cost(self, record: R, given: int | None) -> int:
        if given is None and self._cost_estimator is None and isinstance(record, TokenEstimator):
            return record.estimate_tokens()
        return super()._cost(record, given)

    async def submit(
        self,
        record: R,
        *,
        estimated_tokens: int | None = None,
        estimated_cost: int | None = None,
    ) -> asyncio.Future[T]:
        given = estimated_tokens if estimated_tokens is not None else estimated_cost
        return await self._submit(record, self._cost(record, given))
