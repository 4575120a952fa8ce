"""``RetryStrategy(backoff=Backoff(...))`` waits between attempts of sync and async tasks alike
(spec/v2-api.md §18; a sync task run on its own used to crash its retry with "no running event
loop")."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

import flytelike as flyte

env = flyte.TaskEnvironment("backoff")
FAILS: dict[str, int] = {}
BACKOFF = flyte.RetryStrategy(
    count=2, backoff=flyte.Backoff(base=timedelta(milliseconds=60), factor=2)
)


def _fail_twice(key: str) -> int:
    FAILS[key] = FAILS.get(key, 0) + 1
    if FAILS[key] < 3:
        raise ValueError(f"attempt {FAILS[key]} fails")
    return FAILS[key]


@env.task(retries=BACKOFF)
def flaky_sync(key: str) -> int:
    return _fail_twice(key)


@env.task(retries=BACKOFF)
async def flaky_async(key: str) -> int:
    return _fail_twice(key)


@env.task
def sync_parent(key: str) -> int:
    return flaky_sync(key) * 10


@env.task
async def async_parent(key: str) -> int:
    return await flaky_sync.aio(key) * 10


@pytest.mark.parametrize(
    ("task", "expected"),
    [(flaky_sync, 3), (flaky_async, 3), (sync_parent, 30), (async_parent, 30)],
)
def test_backoff_waits_between_attempts(task: object, expected: int) -> None:
    FAILS.clear()
    start = time.perf_counter()
    run = flyte.run(task, "k")
    assert run.outputs() == expected and FAILS["k"] == 3
    assert time.perf_counter() - start >= 0.06 + 0.12  # base, then base * factor
    attempts = [
        a for a in run.attempts() if a.task.endswith("flaky_sync") or a.task.endswith("flaky_async")
    ]
    assert [a.phase for a in attempts] == ["RETRYABLE_FAILED", "RETRYABLE_FAILED", "SUCCEEDED"]


def test_backoff_exhausted_raises_the_last_error() -> None:
    FAILS.clear()
    FAILS["x"] = -5  # every attempt fails
    with pytest.raises(flyte.errors.RuntimeUserError) as info:
        flyte.run(flaky_sync, "x")
    assert info.value.code == "ValueError" and str(info.value) == "attempt -2 fails"
