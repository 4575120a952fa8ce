"""Values usable from sync and async code alike.

flytekit's API is synchronous (``ff.download()``, ``sd.open(pd.DataFrame).all()``) and
flyte-sdk's is asynchronous (``await f.download()``, ``await df.open(pd.DataFrame).all()``) under
the same names. ``dual(fn)`` runs ``fn`` at once when no event loop runs in this thread and
returns its result; inside a running loop it returns a ``Pending`` that runs ``fn`` in a worker
thread when awaited (and, used without ``await`` as a path, a string or a bool, runs it
synchronously). ``Opened`` is a sync and an async context manager; ``DualIterator`` is a sync
and an async iterator.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from types import TracebackType
from typing import IO, Any, Generic, TypeVar

T = TypeVar("T")


def in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class Pending(Generic[T]):
    """A result computed in a worker thread when awaited, or on first synchronous use."""

    __slots__ = ("_done", "_fn", "_lock", "_value")

    def __init__(self, fn: Callable[[], T]) -> None:
        self._fn = fn
        self._done = False
        self._value: Any = None
        self._lock = threading.Lock()

    def result(self) -> T:
        with self._lock:
            if not self._done:
                self._value = self._fn()
                self._done = True
            return self._value  # type: ignore[no-any-return]

    def __await__(self) -> Generator[Any, None, T]:
        return asyncio.to_thread(self.result).__await__()

    # Synchronous uses of a forgotten ``await``: compute in place.
    def __fspath__(self) -> Any:
        return os.fspath(self.result())  # type: ignore[call-overload]

    def __str__(self) -> str:
        return str(self.result())

    def __bool__(self) -> bool:
        return bool(self.result())

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.result(), name)

    def __repr__(self) -> str:
        return f"<Pending {getattr(self._fn, '__qualname__', self._fn)!r}>"


def dual(fn: Callable[[], T]) -> Any:
    """``fn()`` now (no running loop) or a ``Pending`` to await (inside a running loop)."""
    if in_event_loop():
        return Pending(fn)
    return fn()


class AsyncFile:
    """An async view of a file object: every I/O method runs in a worker thread."""

    def __init__(self, fh: IO[Any]) -> None:
        self.raw = fh

    async def read(self, size: int = -1) -> Any:
        return await asyncio.to_thread(self.raw.read, size)

    async def readline(self, size: int = -1) -> Any:
        return await asyncio.to_thread(self.raw.readline, size)

    async def readlines(self) -> list[Any]:
        return await asyncio.to_thread(self.raw.readlines)

    async def write(self, data: Any) -> int:
        return await asyncio.to_thread(self.raw.write, data)

    async def seek(self, offset: int, whence: int = 0) -> int:
        return await asyncio.to_thread(self.raw.seek, offset, whence)

    async def tell(self) -> int:
        return self.raw.tell()

    async def flush(self) -> None:
        await asyncio.to_thread(self.raw.flush)

    async def close(self) -> None:
        await asyncio.to_thread(self.raw.close)

    def __aiter__(self) -> AsyncIterator[Any]:
        return self

    async def __anext__(self) -> Any:
        line = await self.readline()
        if not line:
            raise StopAsyncIteration
        return line


class Opened:
    """``with x.open(...) as fh`` and ``async with x.open(...) as fh`` in one object.

    ``opener`` makes the file object; ``on_close`` runs after it is closed (e.g. to record a
    write). Also usable without ``with`` as a file object (``read``/``write`` are forwarded).
    """

    def __init__(
        self, opener: Callable[[], IO[Any]], on_close: Callable[[], None] | None = None
    ) -> None:
        self._opener = opener
        self._on_close = on_close
        self._fh: IO[Any] | None = None

    def _get(self) -> IO[Any]:
        if self._fh is None:
            self._fh = self._opener()
        return self._fh

    def _finish(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
            if self._on_close is not None:
                self._on_close()

    def __enter__(self) -> IO[Any]:
        return self._get()

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._finish()

    async def __aenter__(self) -> AsyncFile:
        return AsyncFile(await asyncio.to_thread(self._get))

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await asyncio.to_thread(self._finish)

    def close(self) -> None:
        self._finish()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._get(), name)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._get())


class DualIterator(Generic[T]):
    """Iterates ``make()`` with ``for`` directly, or with ``async for`` in a worker thread."""

    def __init__(self, make: Callable[[], Iterator[T]]) -> None:
        self._make = make

    def __iter__(self) -> Iterator[T]:
        return self._make()

    def __aiter__(self) -> AsyncIterator[T]:
        return self._aiter()

    async def _aiter(self) -> AsyncIterator[T]:
        it = await asyncio.to_thread(self._make)
        sentinel = object()
        while True:
            item = await asyncio.to_thread(next, it, sentinel)
            if item is sentinel:
                return
            yield item  # type: ignore[misc]


async def gather_sync(*calls: Callable[[], Any]) -> list[Any]:
    """Run synchronous ``calls`` concurrently in worker threads."""
    aws: list[Awaitable[Any]] = [asyncio.to_thread(c) for c in calls]
    return list(await asyncio.gather(*aws))
