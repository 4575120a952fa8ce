"""``flytelike.extras.DynamicBatcher`` / ``TokenBatcher`` (flyte 2's ``flyte.extras``): records
from concurrent producers go through one function in cost-budgeted batches."""

from __future__ import annotations

import asyncio

import pytest

import flytelike as flyte
from flytelike.errors import ConfigurationError
from flytelike.extras import (
    BatchStats,
    CostEstimator,
    DynamicBatcher,
    Prompt,
    TokenBatcher,
    TokenEstimator,
)


def test_batches_respect_the_cost_budget_and_size_cap() -> None:
    seen: list[list[int]] = []

    async def double(batch: list[int]) -> list[int]:
        seen.append(batch)
        return [2 * x for x in batch]

    async def main() -> list[int]:
        async with DynamicBatcher(double, target_batch_cost=10, max_batch_size=3) as b:
            futures = [await b.submit(x, estimated_cost=4) for x in range(7)]
            futures += await b.submit_batch([7, 8], estimated_cost=[1, 1])
            return list(await asyncio.gather(*futures))

    assert asyncio.run(main()) == [2 * x for x in range(9)]
    assert [x for batch in seen for x in batch] == list(range(9))  # in order
    assert all(len(batch) <= 3 for batch in seen)
    assert all(sum(4 if x < 7 else 1 for x in batch[:-1]) < 10 for batch in seen)


def test_a_partial_batch_goes_after_the_timeout_and_stop_flushes() -> None:
    sizes: list[int] = []

    async def echo(batch: list[str]) -> list[str]:
        sizes.append(len(batch))
        return batch

    async def main() -> None:
        b: DynamicBatcher[str, str] = DynamicBatcher(echo, batch_timeout_s=0.01)
        await b.start()
        assert b.is_running
        first = await b.submit("a")
        assert await asyncio.wait_for(first, 5) == "a"  # alone, after 10 ms
        pending = [await b.submit(s) for s in "bcd"]
        await b.stop()  # processes what was submitted
        assert [f.result() for f in pending] == ["b", "c", "d"] and not b.is_running
        stats = b.stats
        assert isinstance(stats, BatchStats)
        assert (stats.total_submitted, stats.total_completed) == (4, 4)
        assert stats.total_batches == len(sizes) and 0 <= stats.utilization <= 1

    asyncio.run(main())


def test_cost_comes_from_the_estimator_then_the_record_then_the_default() -> None:
    class Job:
        def __init__(self, n: int) -> None:
            self.n = n

        def estimate_cost(self) -> int:
            return self.n

    assert isinstance(Job(1), CostEstimator)

    async def count(batch: list[object]) -> list[int]:
        return [len(batch)] * len(batch)

    async def main() -> None:
        async with DynamicBatcher(count, target_batch_cost=5, batch_timeout_s=0.2) as b:
            for f in [await b.submit(Job(5)), await b.submit(Job(5))]:
                assert await f == 1  # each job fills a batch alone
        by_fn = DynamicBatcher(count, cost_estimator=lambda r: 100, target_batch_cost=50)
        async with by_fn as b:
            assert await (await b.submit(Job(1))) == 1
        async with DynamicBatcher(count, default_cost=7) as b:
            await (await b.submit("x"))
        assert b.stats.total_batch_cost == 7

    asyncio.run(main())


def test_a_failing_batch_fails_its_records_only() -> None:
    async def picky(batch: list[int]) -> list[int]:
        if 13 in batch:
            raise ValueError("unlucky")
        return batch

    async def short(batch: list[int]) -> list[int]:
        return batch[:-1]

    async def main() -> None:
        async with DynamicBatcher(picky, max_batch_size=1) as b:
            bad, good = await b.submit(13), await b.submit(1)
            with pytest.raises(ValueError, match="unlucky"):
                await bad
            assert await good == 1
        async with DynamicBatcher(short, target_batch_cost=2, batch_timeout_s=1) as b:
            futures = [await b.submit(1), await b.submit(2)]
            for f in futures:
                with pytest.raises(ValueError, match="returned 1 results for a batch of 2"):
                    await f

    asyncio.run(main())


def test_token_batcher_counts_tokens() -> None:
    assert Prompt("abcdefgh").estimate_tokens() == 3
    assert isinstance(Prompt("x"), TokenEstimator)
    batches: list[list[str]] = []

    async def answer(batch: list[Prompt]) -> list[str]:
        batches.append([p.text for p in batch])
        return [p.text.upper() for p in batch]

    async def main() -> list[str]:
        async with TokenBatcher(inference_fn=answer, target_batch_tokens=4) as b:
            futures = [await b.submit(Prompt("a" * 12)), await b.submit(Prompt("b"))]
            futures.append(await b.submit(Prompt("c"), estimated_tokens=10))
            return list(await asyncio.gather(*futures))

    assert asyncio.run(main()) == ["A" * 12, "B", "C"]
    assert batches[0] == ["a" * 12]  # 4 tokens: a batch of its own


def test_bad_settings_and_misuse_say_what_to_fix() -> None:
    async def fn(batch: list[int]) -> list[int]:
        return batch

    with pytest.raises(ConfigurationError, match="max_batch_size must be a positive number"):
        DynamicBatcher(fn, max_batch_size=0)
    with pytest.raises(ConfigurationError, match=r"min_batch_size .* larger than max_batch_size"):
        DynamicBatcher(fn, min_batch_size=5, max_batch_size=2)
    with pytest.raises(ConfigurationError, match="exactly one of inference_fn and process_fn"):
        TokenBatcher()

    async def main() -> None:
        b = DynamicBatcher(fn)
        with pytest.raises(RuntimeError, match="not running; use it as `async with"):
            await b.submit(1)
        async with b:
            with pytest.raises(ConfigurationError, match="2 records but 1 estimated costs"):
                await b.submit_batch([1, 2], estimated_cost=[1])

    asyncio.run(main())


env = flyte.TaskEnvironment("batching")


@env.task
async def squares(n: int) -> list[int]:
    async def square(batch: list[int]) -> list[int]:
        return [x * x for x in batch]

    async with DynamicBatcher(square, max_batch_size=4) as b:
        futures = [await b.submit(i) for i in range(n)]
        return list(await asyncio.gather(*futures))


def test_inside_a_task() -> None:
    assert flyte.run(squares, 10).outputs() == [i * i for i in range(10)]
