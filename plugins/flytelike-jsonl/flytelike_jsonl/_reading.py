"""Reading records: the methods ``JsonlFile`` and ``JsonlDir`` share, over their own
``_records(on_error)`` stream, and the iterable that serves both ``for`` and ``async for``."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

from flytelike_jsonl._codec import OnError, arrow_batches, batches


class _Iterable:
    """Iterable with ``for`` (sync) and ``async for`` (reads in a worker thread)."""

    def __init__(self, make: Any) -> None:
        self._make = make

    def __iter__(self) -> Iterator[Any]:
        return iter(self._make())

    def __aiter__(self) -> Any:
        return self._aiter()

    async def _aiter(self) -> Any:
        it = await asyncio.to_thread(self._make)
        done = object()
        while True:
            # Several items per hop keep thread switches off the per-record path.
            chunk = await asyncio.to_thread(_take, it, 512, done)
            for item in chunk:
                if item is done:
                    return
                yield item


def _take(it: Iterator[Any], n: int, done: object) -> list[Any]:
    out = []
    for _ in range(n):
        item = next(it, done)
        out.append(item)
        if item is done:
            break
    return out


class RecordReader:
    """``iter_records``/``iter_batches``/``iter_arrow_batches`` (each also ``_sync``) over
    ``_records``, which a subclass provides."""

    def _records(self, on_error: OnError) -> Iterator[Any]:
        raise NotImplementedError

    def iter_records_sync(self, on_error: OnError = "raise") -> Iterator[Any]:
        return self._records(on_error)

    def iter_records(self, on_error: OnError = "raise") -> _Iterable:
        """Every record, streamed (``for`` or ``async for``)."""
        return _Iterable(lambda: self._records(on_error))

    def iter_batches_sync(
        self, batch_size: int = 1000, on_error: OnError = "raise"
    ) -> Iterator[list[Any]]:
        return batches(self._records(on_error), batch_size)

    def iter_batches(self, batch_size: int = 1000, on_error: OnError = "raise") -> _Iterable:
        """Lists of up to ``batch_size`` records."""
        return _Iterable(lambda: self.iter_batches_sync(batch_size, on_error))

    def iter_arrow_batches_sync(
        self, batch_size: int = 65_536, on_error: OnError = "raise"
    ) -> Iterator[Any]:
        return arrow_batches(self._records(on_error), batch_size)

    def iter_arrow_batches(
        self, batch_size: int = 65_536, on_error: OnError = "raise"
    ) -> _Iterable:
        """``pyarrow.RecordBatch`` objects of up to ``batch_size`` rows (needs pyarrow)."""
        return _Iterable(lambda: self.iter_arrow_batches_sync(batch_size, on_error))
