"""A backend's ``default_parallelism`` (``flytelike.backends.Backend``): the task actions in
flight in a run that sets no ``max_parallelism``; a map without ``concurrency`` keeps the size
of its batches (split as over 32 workers) and sends more of them at once; a chosen
``max_parallelism`` or ``concurrency`` wins; a backend declaring none keeps 32."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

import flytelike as fl
from flytelike.backends import ActionOutcome, ActionRequest, ItemColumns, LocalBackend
from flytelike.engine import Engine, EngineConfig
from flytelike.engine._config import DEFAULT_PARALLELISM, run_windows
from flytelike.errors import ConfigurationError


@fl.task
def inc(x: int) -> int:
    return x + 1


@fl.workflow
def fan_out() -> list[int]:
    return [inc(x=i) for i in range(100)]


@fl.workflow
def over(xs: list[int]) -> list[int]:
    return fl.map_task(inc)(x=xs)  # type: ignore[no-any-return]


@fl.workflow
def over_4(xs: list[int]) -> list[int]:
    return fl.map_task(inc, concurrency=4)(x=xs)  # type: ignore[no-any-return]


class Counting:
    """Runs actions locally after a pause, and batches of map items as columns, counting how
    many were in flight at most and the size of each batch."""

    name = "counting"
    item_batch_size = 100

    def __init__(self, default: int | None) -> None:
        if default is not None:
            self.default_parallelism = default
        self.local = LocalBackend()
        self.now = self.most = 0
        self.sizes: list[int] = []

    async def _pause(self) -> None:
        self.now += 1
        self.most = max(self.most, self.now)
        await asyncio.sleep(0.02)
        self.now -= 1

    async def run_action(self, request: ActionRequest) -> ActionOutcome:
        await self._pause()
        return self.local.run_inline(request)

    async def run_item_columns(
        self,
        task: Any,
        context: Any,
        ids: Sequence[tuple[str, int]],
        fixed: Mapping[str, Any],
        lists: Mapping[str, Sequence[Any]],
    ) -> ItemColumns:
        self.sizes.append(len(ids))
        await self._pause()
        return ItemColumns({"o0": [x + 1 for x in lists["x"]]})

    def close(self) -> None:
        self.local.close()


def _run(tmp_path: Path, backend: Counting, entity: Any, **kwargs: Any) -> Any:
    engine = Engine(EngineConfig.from_env(home=tmp_path), backend=backend)
    try:
        run = engine.run(entity, **kwargs)
        assert run.phase.value == "SUCCEEDED", run.error
        return run.outputs()
    finally:
        engine.close()


def test_a_declared_default_is_the_window_of_a_run_that_sets_none(tmp_path: Path) -> None:
    backend = Counting(500)
    assert _run(tmp_path, backend, fan_out) == list(range(1, 101))
    assert backend.most == 100  # (every node at once; 32 without the declaration)


def test_without_a_declaration_or_with_a_chosen_value_the_window_is_as_before(
    tmp_path: Path,
) -> None:
    backend = Counting(None)
    _run(tmp_path / "a", backend, fan_out)
    assert backend.most == DEFAULT_PARALLELISM
    chosen = Counting(500)
    _run(tmp_path / "b", chosen, fan_out, max_parallelism=8)
    assert chosen.most == 8


def test_a_map_without_concurrency_keeps_its_batch_size_and_sends_them_at_once(
    tmp_path: Path,
) -> None:
    xs = list(range(5000))
    backend = Counting(1000)
    assert _run(tmp_path / "a", backend, over, xs=xs) == [x + 1 for x in xs]
    assert backend.sizes == [100] * 50 and backend.most == 50  # (32 at once without it)
    small = Counting(1000)
    _run(tmp_path / "b", small, over, xs=list(range(320)))
    assert small.sizes == [10] * 32  # (split as over 32 workers, not over 1,000)


def test_a_map_with_concurrency_or_a_chosen_window_keeps_them(tmp_path: Path) -> None:
    xs = list(range(1000))
    four = Counting(1000)
    _run(tmp_path / "a", four, over_4, xs=xs)
    assert four.most == 4 and max(four.sizes) == 100 and sum(four.sizes) == 1000
    eight = Counting(1000)
    _run(tmp_path / "b", eight, over, xs=xs, max_parallelism=8)
    assert eight.most == 8 and max(eight.sizes) == 100 and sum(eight.sizes) == 1000


def test_run_windows() -> None:
    class Declares:
        name = "declares"

        def __init__(self, n: Any) -> None:
            self.default_parallelism = n

    assert run_windows(5, Declares(100)) == (5, 5)
    assert run_windows(None, object()) == (DEFAULT_PARALLELISM, DEFAULT_PARALLELISM)
    assert run_windows(None, Declares(100)) == (100, DEFAULT_PARALLELISM)
    for bad in (0, -1, 2.5, True, "many"):
        with pytest.raises(ConfigurationError, match="declares default_parallelism"):
            run_windows(None, Declares(bad))


def test_the_configuration_leaves_it_unset_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLYTELIKE_MAX_PARALLELISM", raising=False)
    assert EngineConfig.from_env().max_parallelism is None
    monkeypatch.setenv("FLYTELIKE_MAX_PARALLELISM", "6")
    assert EngineConfig.from_env().max_parallelism == 6
