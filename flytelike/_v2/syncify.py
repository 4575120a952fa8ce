"""flyte 2's two ways of calling its API: ``f(...)`` blocks, ``await f.aio(...)`` does not.

flyte 2 makes ``run``, ``init``, ``init_from_config``, ``deploy``, ``serve``, a run's ``wait``
and ``outputs``, ... callable both ways, and async programs use the second
(``await flyte.init_from_config.aio()``, ``run = await flyte.run.aio(main, n=3)``,
``await run.wait.aio()``). Here:

- ``with_aio(fn)`` gives the function ``fn`` an ``.aio`` that runs ``fn`` in a worker thread
  (``asyncio.to_thread``), so a blocking call (a whole run, waiting for one) never parks the
  caller's event loop, and the caller's context variables go with it (the first call runs
  alone, so that the modules it loads on first use are loaded by one thread); ``with_aio(fn,
  thread=False)`` runs ``fn`` directly in the coroutine, for calls that only record settings
  (``init``). ``fn`` itself stays a plain function.
- ``aio_method(fn)`` does the same for a method: ``obj.m(...)`` and ``await obj.m.aio(...)``.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def with_aio(fn: F, *, thread: bool = True) -> F:
    """Add ``fn.aio``, an async version of ``fn`` (see the module docstring); returns ``fn``."""
    if thread:
        first = threading.Lock()
        warmed = threading.Event()

        def call(*args: Any, **kwargs: Any) -> Any:
            # The first call runs alone: flytelike imports its modules on first use, and two
            # threads importing the same modules at once can meet a half-initialised module.
            if not warmed.is_set():
                with first:
                    if not warmed.is_set():
                        try:
                            return fn(*args, **kwargs)
                        finally:
                            warmed.set()
            return fn(*args, **kwargs)

        async def aio(*args: Any, **kwargs: Any) -> Any:
            return await asyncio.to_thread(call, *args, **kwargs)
    else:

        async def aio(*args: Any, **kwargs: Any) -> Any:
            return fn(*args, **kwargs)

    aio.__doc__ = f"``await {fn.__name__}.aio(...)``: {fn.__name__} without blocking the loop."
    fn.aio = aio  # type: ignore[attr-defined]
    return fn


class _BoundAio:
    """A method bound to its object, callable both ways."""

    def __init__(self, call: Callable[..., Any], doc: str | None) -> None:
        self._call = call
        self.__doc__ = doc

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._call(*args, **kwargs)

    async def aio(self, *args: Any, **kwargs: Any) -> Any:
        return await asyncio.to_thread(self._call, *args, **kwargs)


class aio_method:
    """Decorate a method: ``obj.m(...)`` blocks, ``await obj.m.aio(...)`` runs it in a worker
    thread."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self._fn = fn
        self.__doc__ = fn.__doc__
        self.__name__ = fn.__name__

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self._fn
        return _BoundAio(functools.partial(self._fn, obj), self.__doc__)
