"""``@dynamic`` and ``@eager`` tasks: bodies that decide their sub-graph at run time.

A dynamic task's body runs with native inputs and its calls become nodes of a graph that is then
run (locally here, by the engine later), so Python ``if``/``for`` over inputs work and recursion
is allowed. An eager task is an ``async`` function whose task calls run as they are awaited.
Inside a workflow both are task nodes of kind ``dynamic``/``eager``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar, overload

from flytelike._task import _KIND_CLASSES, PythonFunctionTask, make_task
from flytelike.compiler import _state
from flytelike.compiler._compile import compile_body
from flytelike.compiler._entity import Entity
from flytelike.compiler._state import map_arguments
from flytelike.errors import DefinitionError

P = ParamSpec("P")
R = TypeVar("R")


class DynamicTask(PythonFunctionTask[P, R]):
    kind = "dynamic"

    def execute(self, native: dict[str, Any]) -> Any:
        from flytelike._local import run_body

        code = self._func.__code__
        body = compile_body(
            self.name,
            self._func,
            self.python_interface,
            (code.co_filename, code.co_firstlineno),
            kind="dynamic",
            native_inputs=native,
        )
        return run_body(self, body.nodes, body.outputs, body.entities, {})


class _Ready:
    """An awaitable that is already done (a task call inside an eager task, run locally)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __await__(self) -> Any:
        return self.value
        yield  # pragma: no cover


class EagerContext:
    """While an eager task runs locally: calls run at once and return awaitables."""

    def call(
        self, entity: Entity, args: tuple[Any, ...], kwargs: dict[str, Any], loc: tuple[str, int]
    ) -> _Ready:
        values = map_arguments(entity, args, kwargs) if args or kwargs else {}
        _state.pop(self)
        try:
            return _Ready(entity.local_call(values))
        finally:
            _state.push(self)


class EagerTask(PythonFunctionTask[P, R]):
    kind = "eager"

    def execute(self, native: dict[str, Any]) -> Any:
        import asyncio

        ctx = EagerContext()
        _state.push(ctx)
        try:
            return asyncio.run(self._func(**native))  # type: ignore[call-arg, arg-type]
        finally:
            _state.pop(ctx)


_KIND_CLASSES["dynamic"] = DynamicTask
_KIND_CLASSES["eager"] = EagerTask


@overload
def dynamic(_task_function: Callable[P, R], /) -> PythonFunctionTask[P, R]: ...


@overload
def dynamic(
    _task_function: None = None, /, **kwargs: Any
) -> Callable[[Callable[P, R]], PythonFunctionTask[P, R]]: ...


def dynamic(_task_function: Any = None, /, **kwargs: Any) -> Any:
    """A task whose body builds a workflow at run time: ``@dynamic`` or ``@dynamic(...)``."""
    if _task_function is not None:
        return make_task(_task_function, "dynamic", kwargs)
    return lambda func: make_task(func, "dynamic", kwargs)


@overload
def eager(_fn: Callable[P, R], /) -> PythonFunctionTask[P, R]: ...


@overload
def eager(
    _fn: None = None, /, **kwargs: Any
) -> Callable[[Callable[P, R]], PythonFunctionTask[P, R]]: ...


def eager(_fn: Any = None, /, **kwargs: Any) -> Any:
    """An async task whose awaited task calls run immediately: ``@eager``."""

    def wrap(func: Any) -> Any:
        import inspect

        if not inspect.iscoroutinefunction(func):
            raise DefinitionError(
                f"@eager decorates an `async def` function, got {getattr(func, '__qualname__', func)!r}"
            )
        return make_task(func, "eager", kwargs)

    return wrap(_fn) if _fn is not None else wrap
