"""``sync_and_aio``/``class_sync_and_aio``: a method (or classmethod) callable as flyte 2's
remote API calls them, both ``obj.method(...)`` (blocking) and ``await obj.method.aio(...)``.
``class_listing``: a classmethod returning an iterator, whose ``.aio(...)`` is also an async
iterator (``async for x in C.listall.aio(...)``, as flyte's listings are).

The local store answers at once, so the blocking call does the work and ``.aio`` runs the same
call in a worker thread (a wait for a run, or a slow disk, never blocks the event loop).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any


class _Bound:
    def __init__(self, fn: Callable[..., Any], doc: str | None) -> None:
        self._fn = fn
        self.__doc__ = doc

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._fn(*args, **kwargs)

    async def aio(self, *args: Any, **kwargs: Any) -> Any:
        return await asyncio.to_thread(self._fn, *args, **kwargs)


class _SyncAndAio:
    def __init__(self, fn: Callable[..., Any], on_class: bool) -> None:
        self._fn = fn
        self._on_class = on_class
        self.__doc__ = fn.__doc__

    def __get__(self, obj: Any, owner: type | None = None) -> _Bound:
        if self._on_class:
            return _Bound(functools.partial(self._fn, owner), self.__doc__)
        if obj is None:
            return _Bound(self._fn, self.__doc__)
        return _Bound(functools.partial(self._fn, obj), self.__doc__)


class _Listing:
    """``C.listall.aio(...)``: awaitable (the iterator) and async-iterable (its items)."""

    def __init__(self, fn: Callable[..., Any], args: Any, kwargs: Any) -> None:
        self._call = functools.partial(fn, *args, **kwargs)

    def __await__(self) -> Any:
        return asyncio.to_thread(self._call).__await__()

    async def __aiter__(self) -> Any:
        for item in await asyncio.to_thread(lambda: list(self._call())):
            yield item


class _BoundListing(_Bound):
    def aio(self, *args: Any, **kwargs: Any) -> Any:
        return _Listing(self._fn, args, kwargs)


class _ListingSyncAndAio(_SyncAndAio):
    def __get__(self, obj: Any, owner: type | None = None) -> _Bound:
        return _BoundListing(functools.partial(self._fn, owner), self.__doc__)


def class_listing(fn: Callable[..., Any]) -> Any:
    """Decorate a classmethod returning an iterator: ``C.m(...)``, ``await C.m.aio(...)`` and
    ``async for x in C.m.aio(...)``."""
    return _ListingSyncAndAio(fn, True)


def sync_and_aio(fn: Callable[..., Any]) -> Any:
    """Decorate a method: ``obj.m(...)`` and ``await obj.m.aio(...)``."""
    return _SyncAndAio(fn, False)


def class_sync_and_aio(fn: Callable[..., Any]) -> Any:
    """Decorate a classmethod (first parameter ``cls``): ``C.m(...)`` and ``await C.m.aio(...)``."""
    return _SyncAndAio(fn, True)
