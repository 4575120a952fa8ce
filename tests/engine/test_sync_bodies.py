"""Sync task bodies see no running event loop, wherever the engine runs them."""

from __future__ import annotations

import asyncio

import pandas as pd

from flytelike import task, workflow
from flytelike.engine import Engine
from flytelike.io import DataFrame


@task
def uses_asyncio_run(n: int) -> int:
    async def plus_one() -> int:
        return n + 1

    return asyncio.run(plus_one())


@workflow
def asyncio_wf(n: int) -> int:
    return uses_asyncio_run(n=n)


@task
def make_frame(rows: int) -> pd.DataFrame:
    return pd.DataFrame({"score": [float(i) for i in range(rows)]})


@task
def mean(frame: DataFrame) -> float:
    # flytekit's synchronous spelling: no await, the value itself.
    return float(frame.open(pd.DataFrame).all()["score"].mean())


@workflow
def frame_wf(rows: int) -> float:
    return mean(frame=make_frame(rows=rows))


def test_sync_task_may_call_asyncio_run(engine: Engine) -> None:
    assert asyncio_wf(n=1) == 2
    assert uses_asyncio_run(n=2) == 3


def test_sync_dual_apis_act_synchronously(engine: Engine) -> None:
    assert frame_wf(rows=5) == 2.0
