"""Delivering Ray results to the engine's event loop (``flytelike_ray._results``), with refs
that complete from another thread as Ray's do: every result arrives, whether the loop is woken
per result (few awaited) or collects them on its timer (more than ``BUSY`` awaited), and none
is lost when delivery switches between the two. No Ray needed."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from flytelike_ray import _results
from flytelike_ray._results import BUSY, Results


class Ref:
    """A ref whose completion callback is called from another thread (``complete``)."""

    def __init__(self) -> None:
        self.callback: Callable[[Any], None] | None = None

    def _on_completed(self, callback: Callable[[Any], None]) -> None:
        self.callback = callback

    def complete(self, value: Any) -> None:
        assert self.callback is not None
        self.callback(value)


def _complete_later(refs: list[Ref], values: list[Any], gap: float) -> threading.Thread:
    def run() -> None:
        for ref, value in zip(refs, values, strict=True):
            time.sleep(gap)
            ref.complete(value)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


async def _gather(n: int, gap: float) -> tuple[list[Any], Any]:
    results = Results()
    refs = [Ref() for _ in range(n)]
    futures = [results.wait(ref) for ref in refs]
    loop_results = next(iter(results._loops.values()))
    values: list[Any] = list(range(n))
    values[n // 2] = ValueError("task failed")
    thread = _complete_later(refs, values, gap)
    got = await asyncio.wait_for(asyncio.gather(*futures, return_exceptions=True), 20)
    thread.join()
    return got, loop_results


@pytest.mark.parametrize("n", [1, BUSY, BUSY * 4])
def test_every_result_arrives_in_order_of_its_future(n: int) -> None:
    got, state = asyncio.run(_gather(n, 0.0005))
    assert [g for k, g in enumerate(got) if k != n // 2] == [k for k in range(n) if k != n // 2]
    assert isinstance(got[n // 2], ValueError)
    assert state.awaited == 0 and not state.done


def test_many_awaited_are_collected_on_the_timer_and_a_pause_switches_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rounds: list[int] = []
    poll = _results._LoopResults.poll

    def counted(self: Any) -> None:
        rounds.append(len(self.done))
        poll(self)

    monkeypatch.setattr(_results._LoopResults, "poll", counted)

    async def main() -> None:
        results = Results()
        refs = [Ref() for _ in range(BUSY * 3)]
        futures = [results.wait(ref) for ref in refs]
        state = next(iter(results._loops.values()))
        assert state.polling  # (more than BUSY awaited)
        first = _complete_later(refs[:BUSY], list(range(BUSY)), 0.0002)
        await asyncio.gather(*futures[:BUSY])
        first.join()
        await asyncio.sleep(0.05)  # a pause: a round finds nothing, Ray's thread wakes again
        assert not state.polling
        rest = _complete_later(refs[BUSY:], list(range(BUSY, BUSY * 3)), 0.0002)
        assert await asyncio.wait_for(asyncio.gather(*futures), 20) == list(range(BUSY * 3))
        rest.join()

    asyncio.run(main())
    assert rounds and max(rounds) > 1  # (a round delivered several results at once)


def test_a_cancelled_future_ignores_its_result() -> None:
    async def main() -> None:
        results = Results()
        refs = [Ref() for _ in range(BUSY + 2)]
        futures = [results.wait(ref) for ref in refs]
        futures[0].cancel()
        thread = _complete_later(refs, list(range(BUSY + 2)), 0.0)
        got = await asyncio.wait_for(asyncio.gather(*futures[1:]), 20)
        thread.join()
        assert got == list(range(1, BUSY + 2)) and futures[0].cancelled()

    asyncio.run(main())
