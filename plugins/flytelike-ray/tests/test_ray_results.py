"""Delivering Ray results to the engine's event loop (``flytelike_ray._results``), with refs
that complete from another thread as Ray's do: every result arrives, whether through its
completion callback (few awaited) or the collector thread's rounds (more than ``BUSY``
awaited), none is lost when a fan-out's tail goes back to the callbacks, a cancelled future
ignores its result and a Ray that fails fails every ref it was waited on. No Ray needed: the
collector's ``wait``/``get`` are fakes with ``ray.wait``/``ray.get``'s contract."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from flytelike_ray._results import BUSY, Results


class Ref:
    """A ref completed from another thread (``complete``): its callback, if registered, is
    called there; the fake ``wait``/``get`` see it as ready from then on."""

    def __init__(self) -> None:
        self.callback: Callable[[Any], None] | None = None
        self.lock = threading.Lock()
        self.ready = False
        self.value: Any = None
        self.callbacks = 0

    def _on_completed(self, callback: Callable[[Any], None]) -> None:
        with self.lock:
            self.callbacks += 1
            if not self.ready:
                self.callback = callback
                return
        callback(self.value)  # (already complete: at once, as Ray does)

    def complete(self, value: Any) -> None:
        with self.lock:
            self.value, self.ready = value, True
            callback = self.callback
        if callback is not None:
            callback(value)


class FakeRay:
    """``wait``/``get`` over ``Ref``s, counting the collector's rounds."""

    def __init__(self, fail: BaseException | None = None) -> None:
        self.rounds = 0
        self.fail = fail

    def wait(self, refs: list[Ref], num_returns: int, timeout: float) -> tuple[Any, Any]:
        self.rounds += 1
        if self.fail is not None:
            raise self.fail
        end = time.monotonic() + timeout
        while True:
            ready = [r for r in refs if r.ready][:num_returns]
            if len(ready) >= num_returns or time.monotonic() >= end:
                return ready, [r for r in refs if r not in ready]
            time.sleep(0.0002)

    def get(self, refs: Sequence[Ref]) -> list[Any]:
        for r in refs:  # (``ray.get`` raises the first error)
            if isinstance(r.value, BaseException):
                raise r.value
        return [r.value for r in refs]


def _complete_later(refs: list[Ref], values: list[Any], gap: float) -> threading.Thread:
    def run() -> None:
        for ref, value in zip(refs, values, strict=True):
            time.sleep(gap)
            ref.complete(value)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


def test_every_result_arrives_through_callbacks_or_collector_rounds() -> None:
    for n in (1, BUSY, BUSY * 4):
        fake = FakeRay()

        async def main(n: int = n, fake: FakeRay = fake) -> tuple[list[Any], list[Ref], Any]:
            results = Results(fake.wait, fake.get)
            refs = [Ref() for _ in range(n)]
            futures = [results.wait(ref) for ref in refs]
            values: list[Any] = list(range(n))
            values[n // 2] = ValueError("task failed")
            thread = _complete_later(refs, values, 0.0005)
            got = await asyncio.wait_for(asyncio.gather(*futures, return_exceptions=True), 20)
            thread.join()
            return got, refs, next(iter(results._loops.values()))

        got, refs, state = asyncio.run(main())
        assert [g for k, g in enumerate(got) if k != n // 2] == [k for k in range(n) if k != n // 2]
        assert isinstance(got[n // 2], ValueError)
        assert state.awaited == 0 and not state.done
        # Awaited in one turn of the loop: BUSY or fewer through callbacks; more, all but the
        # first (awaited alone, it has its callback at once) through the collector's rounds (a
        # ref gets a callback only when the loop awaits few again: a fan-out's tail).
        if n > BUSY:
            assert fake.rounds > 0
            assert sum(r.callbacks for r in refs) < n
        else:
            assert fake.rounds == 0
            assert all(r.callbacks == 1 for r in refs)


def test_refs_awaited_one_turn_at_a_time_get_callbacks() -> None:
    fake = FakeRay()

    async def main() -> list[Any]:
        results = Results(fake.wait, fake.get)
        got = []
        for k in range(BUSY * 2):  # (a chain: the next ref once the last one's result is in)
            ref = Ref()
            fut = results.wait(ref)
            _complete_later([ref], [k], 0.0).join()
            got.append(await asyncio.wait_for(fut, 20))
            assert ref.callbacks == 1
        return got

    assert asyncio.run(main()) == list(range(BUSY * 2))
    assert fake.rounds == 0


def test_a_collector_round_hands_on_several_results_at_once() -> None:
    fake = FakeRay()
    delivered: list[int] = []

    async def main() -> None:
        results = Results(fake.wait, fake.get)
        refs = [Ref() for _ in range(BUSY * 4)]
        futures = [results.wait(ref) for ref in refs]
        state = next(iter(results._loops.values()))
        drain = state.drain

        def counted() -> None:
            delivered.append(len(state.done))
            drain()

        state.drain = counted  # type: ignore[method-assign]
        for ref, value in zip(refs[BUSY:], range(BUSY, BUSY * 4), strict=True):
            ref.complete(value)  # (all at once: one round finds them together)
        got = await asyncio.wait_for(asyncio.gather(*futures[BUSY:]), 20)
        assert got == list(range(BUSY, BUSY * 4))
        for k, ref in enumerate(refs[:BUSY]):
            ref.complete(k)
        assert await asyncio.wait_for(asyncio.gather(*futures), 20) == list(range(BUSY * 4))

    asyncio.run(main())
    assert max(delivered) > 1


def test_a_cancelled_future_ignores_its_result() -> None:
    fake = FakeRay()

    async def main() -> None:
        results = Results(fake.wait, fake.get)
        refs = [Ref() for _ in range(BUSY * 2)]
        futures = [results.wait(ref) for ref in refs]
        futures[0].cancel()  # (a callback's)
        futures[-1].cancel()  # (the collector's)
        thread = _complete_later(refs, list(range(BUSY * 2)), 0.0)
        got = await asyncio.wait_for(asyncio.gather(*futures[1:-1]), 20)
        thread.join()
        assert got == list(range(1, BUSY * 2 - 1))
        assert futures[0].cancelled() and futures[-1].cancelled()

    asyncio.run(main())


def test_when_ray_fails_every_ref_it_waited_on_fails() -> None:
    fake = FakeRay(fail=RuntimeError("Ray has shut down"))

    async def main() -> None:
        results = Results(fake.wait, fake.get)
        refs = [Ref() for _ in range(BUSY * 2)]
        # (one turn: the first awaited alone has its callback at once, the rest go to the
        # collector)
        futures = [results.wait(ref) for ref in refs]
        refs[0].complete(0)
        got = await asyncio.wait_for(asyncio.gather(*futures, return_exceptions=True), 20)
        assert got[0] == 0 and refs[0].callbacks == 1
        assert all(isinstance(g, RuntimeError) for g in got[1:])
        assert fake.rounds > 0

    asyncio.run(main())
