"""``@trace``: checkpoints inside a task for functions and generators, sync or async.

Contracts:

- Targets: ``async def`` functions and generators, plain functions and plain generators (flyte
  2.12 traces all four; a sync task traces its sync helpers). Anything else that is not a
  function (a class, a callable object) is rejected at decoration with ``DefinitionError``.
- Outside a running task a traced function is the function itself (``await f(...)`` works in
  unit tests).
- Inside a running task each successful call is recorded as a checkpoint of the action, keyed by
  the function's qualified name, a digest of its arguments and a per-key call counter. When the
  action runs again (a retry, or ``engine.resume`` of a failed run) a recorded call is **replayed**:
  its result (or the items a generator yielded) is returned without running the body. Failures
  are not recorded; exceptions propagate unchanged. Results that cannot be pickled are not
  recorded (the call simply runs again). Calling a task inside a trace raises
  ``TraceDoesNotAllowNestedTasksError``.
- ``trace_records()`` lists ``(name, seconds, replayed)`` for the traces of the running action.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import pickle
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

from flytelike._v2 import context as _context
from flytelike.errors import DefinitionError

_MISSING = object()
_LOCK = threading.Lock()


class _Book:
    """The trace checkpoints of one action attempt: loaded once, rewritten after each call."""

    def __init__(self, ec: Any) -> None:
        self.ec = ec
        raw = ec.checkpoint.read()
        self.done: dict[str, Any] = {}
        if raw:
            try:
                self.done = pickle.loads(raw)
            except Exception:
                self.done = {}
        self.seq: dict[str, int] = {}
        self.records: list[tuple[str, float, bool]] = []

    def key(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        try:
            blob = pickle.dumps((args, sorted(kwargs.items())))
        except Exception:
            blob = repr((args, sorted(kwargs.items()))).encode()
        base = f"{name}:{hashlib.sha256(blob).hexdigest()[:16]}"
        with _LOCK:
            n = self.seq.get(base, 0)
            self.seq[base] = n + 1
        return f"{base}:{n}"

    def save(self, key: str, value: Any) -> None:
        with _LOCK:
            self.done[key] = value
            try:
                data = pickle.dumps(self.done)
            except Exception:
                del self.done[key]
                return
            self.ec.checkpoint.write(data)


_BOOKS: weakref.WeakKeyDictionary[Any, _Book] = weakref.WeakKeyDictionary()


def _book() -> _Book | None:
    from flytelike.backends import running_action

    ec = running_action()
    if ec is None:
        return None
    with _LOCK:
        book = _BOOKS.get(ec)
    if book is None:
        book = _Book(ec)
        with _LOCK:
            book = _BOOKS.setdefault(ec, book)
    return book


def trace_records() -> list[tuple[str, float, bool]]:
    """``(name, seconds, replayed)`` for each traced call of the running action so far."""
    book = _book()
    return list(book.records) if book is not None else []


def trace(func: Callable[..., Any]) -> Any:
    """Decorate a function or generator, sync or async; see the module docstring."""
    name = getattr(func, "__qualname__", repr(func))
    if inspect.isasyncgenfunction(func):
        return _trace_agen(func, name)
    if inspect.iscoroutinefunction(func):
        return _trace_async(func, name)
    if inspect.isgeneratorfunction(func):
        return _trace_gen(func, name)
    if inspect.isfunction(func) or inspect.ismethod(func):
        return _trace_sync(func, name)
    raise DefinitionError(
        f"@trace decorates functions and generators (sync or async); {name!r} is a "
        f"{type(func).__name__}. Decorate a `def` or `async def` function, or make it a task "
        "with @env.task."
    )


def _recorded(book: _Book, name: str, key: Any) -> Any:
    """The value the first run of this call recorded (``_MISSING`` when it has none), noted as
    replayed."""
    value = book.done.get(key, _MISSING)
    if value is not _MISSING:
        book.records.append((name, 0.0, True))
    return value


def _record(book: _Book, name: str, key: Any, start: float, value: Any) -> Any:
    """Keeps ``value`` as the result of this call, with the time it took since ``start``."""
    book.records.append((name, time.perf_counter() - start, False))
    book.save(key, value)
    return value


def _trace_sync(func: Callable[..., Any], name: str) -> Any:
    @functools.wraps(func)
    def traced(*args: Any, **kwargs: Any) -> Any:
        book = _book()
        if book is None:
            return func(*args, **kwargs)
        key = book.key(name, args, kwargs)
        value = _recorded(book, name, key)
        if value is not _MISSING:
            return value
        start = time.perf_counter()
        token = _context._IN_TRACE.set(name)
        try:
            value = func(*args, **kwargs)
        finally:
            _context._IN_TRACE.reset(token)
        return _record(book, name, key, start, value)

    return traced


def _trace_async(func: Callable[..., Any], name: str) -> Any:
    @functools.wraps(func)
    async def traced(*args: Any, **kwargs: Any) -> Any:
        book = _book()
        if book is None:
            return await func(*args, **kwargs)
        key = book.key(name, args, kwargs)
        value = _recorded(book, name, key)
        if value is not _MISSING:
            return value
        start = time.perf_counter()
        token = _context._IN_TRACE.set(name)
        try:
            value = await func(*args, **kwargs)
        finally:
            _context._IN_TRACE.reset(token)
        return _record(book, name, key, start, value)

    return traced


def _trace_agen(func: Callable[..., Any], name: str) -> Any:
    @functools.wraps(func)
    async def traced(*args: Any, **kwargs: Any) -> Any:
        book = _book()
        if book is None:
            async for item in func(*args, **kwargs):
                yield item
            return
        key = book.key(name, args, kwargs)
        items = _recorded(book, name, key)
        if items is not _MISSING:
            for item in items:
                yield item
            return
        start, got = time.perf_counter(), []
        gen = func(*args, **kwargs)
        while True:
            token = _context._IN_TRACE.set(name)
            try:
                item = await gen.__anext__()
            except StopAsyncIteration:
                break
            finally:
                _context._IN_TRACE.reset(token)
            got.append(item)
            yield item
        _record(book, name, key, start, got)

    return traced


def _trace_gen(func: Callable[..., Any], name: str) -> Any:
    @functools.wraps(func)
    def traced(*args: Any, **kwargs: Any) -> Any:
        book = _book()
        if book is None:
            yield from func(*args, **kwargs)
            return
        key = book.key(name, args, kwargs)
        items = _recorded(book, name, key)
        if items is not _MISSING:
            yield from items
            return
        start, got = time.perf_counter(), []
        gen = func(*args, **kwargs)
        while True:
            token = _context._IN_TRACE.set(name)
            try:
                item = next(gen)
            except StopIteration:
                break
            finally:
                _context._IN_TRACE.reset(token)
            got.append(item)
            yield item
        _record(book, name, key, start, got)

    return traced
