"""``flytelike.map``: one name for flytekit's ``map_task`` and Flyte v2's run-time ``flyte.map``.

- ``map(task)`` / ``map(task, concurrency=, min_success_ratio=)`` with **no iterables** is v1
  ``map_task`` (a ``MapTask`` for a workflow body).
- ``map(task, *iterables, group_name=None, concurrency=None, return_exceptions=True)`` with
  iterables is v2: it calls ``task`` once per item (zipping several iterables, like ``map``) and
  returns a sync iterator of results **in input order**. ``map.aio(...)`` is the async-generator
  form. ``concurrency``: unset means the engine's default parallelism (32), ``0`` unbounded, ``n``
  at most ``n`` calls at a time. With ``return_exceptions=True`` a failing item yields its
  exception (a ``RuntimeUserError`` inside a run) instead of raising. ``task`` may be a
  ``functools.partial`` binding constant inputs. Inside a running task every item is a recorded
  child action (``<caller>/c<n>``, numbered in input order, in group ``group_name`` when given)
  and the run's parallelism applies too; outside one, items are plain calls.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Iterable
from typing import Any

DEFAULT_CONCURRENCY = 32


def _target(func: Any) -> tuple[Any, dict[str, Any]]:
    if isinstance(func, functools.partial):
        return func.func, dict(func.keywords)
    return func, {}


def _call(func: Any, args: tuple[Any, ...]) -> Any:
    """One item: an awaitable of its result."""
    import asyncio
    import inspect

    target, bound = _target(func)
    aio = getattr(target, "aio", None)
    if aio is not None:
        return aio(*args, **bound)
    if inspect.iscoroutinefunction(target):
        return target(*args, **bound)
    return asyncio.to_thread(target, *args, **bound)


async def _amap(
    func: Any,
    iterables: tuple[Iterable[Any], ...],
    concurrency: int | None,
    return_exceptions: bool,
) -> AsyncIterator[Any]:
    import asyncio

    limit = DEFAULT_CONCURRENCY if concurrency is None else concurrency
    if limit < 0:
        raise ValueError(f"map: concurrency must be >= 0, got {limit}")
    sem = asyncio.Semaphore(limit) if limit > 0 else None

    async def one(args: tuple[Any, ...]) -> Any:
        if sem is None:
            return await _call(func, args)
        async with sem:
            return await _call(func, args)

    tasks = [asyncio.ensure_future(one(args)) for args in zip(*iterables, strict=False)]
    try:
        for t in tasks:
            try:
                yield await t
            except Exception as e:
                if not return_exceptions:
                    raise
                yield e
    finally:
        for t in tasks:
            t.cancel()


class _Map:
    """``map(...)`` (sync) and ``map.aio(...)`` (async generator); see the module docstring."""

    def __call__(
        self,
        func: Any,
        *iterables: Iterable[Any],
        group_name: str | None = None,
        concurrency: int | None = None,
        return_exceptions: bool = True,
        **v1_options: Any,
    ) -> Any:
        if not iterables:
            from flytelike._entities.map_task import map_task

            if concurrency is not None:
                v1_options["concurrency"] = concurrency
            return map_task(func, **v1_options)
        if v1_options:
            raise TypeError(f"map: unexpected keyword(s) {', '.join(sorted(v1_options))}")
        return iter(self._collect(func, iterables, group_name, concurrency, return_exceptions))

    def aio(
        self,
        func: Any,
        *iterables: Iterable[Any],
        group_name: str | None = None,
        concurrency: int | None = None,
        return_exceptions: bool = True,
    ) -> AsyncIterator[Any]:
        async def gen() -> AsyncIterator[Any]:
            from flytelike._v2.context import group

            if group_name:
                with group(group_name):
                    async for r in _amap(func, iterables, concurrency, return_exceptions):
                        yield r
            else:
                async for r in _amap(func, iterables, concurrency, return_exceptions):
                    yield r

        return gen()

    def _collect(
        self,
        func: Any,
        iterables: tuple[Iterable[Any], ...],
        group_name: str | None,
        concurrency: int | None,
        return_exceptions: bool,
    ) -> list[Any]:
        """Run the items on the run's event loop (or a helper loop of the run) inside a running
        action, else on a private event loop (a helper thread when one is running here)."""
        import asyncio
        import concurrent.futures
        import contextvars

        async def collect() -> list[Any]:
            return [
                r
                async for r in self.aio(
                    func,
                    *iterables,
                    group_name=group_name,
                    concurrency=concurrency,
                    return_exceptions=return_exceptions,
                )
            ]

        from flytelike.engine import call_blocking, can_call_blocking

        if can_call_blocking():  # inside a running action: items are child actions of it
            return call_blocking(collect)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(collect())
        ctx = contextvars.copy_context()
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(ctx.run, asyncio.run, collect()).result()

    def __repr__(self) -> str:
        return "<flytelike.map>"


map = _Map()
