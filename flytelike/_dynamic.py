"""``@dynamic`` and ``@eager`` tasks: bodies that decide their sub-graph at run time.

A dynamic task's body runs with native inputs and its calls become nodes of a graph that the
engine then runs, so Python ``if``/``for`` over inputs work and recursion
is allowed. An eager task is an ``async`` function whose task calls run as they are awaited, as recorded
child actions (concurrently under ``asyncio.gather``).
Inside a workflow both are task nodes of kind ``dynamic``/``eager``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar, overload

from flytelike._task import _KIND_CLASSES, PythonFunctionTask, make_task
from flytelike.errors import DefinitionError

P = ParamSpec("P")
R = TypeVar("R")


class DynamicTask(PythonFunctionTask[P, R]):
    """Run by the engine: the backend runs the body with native inputs in a compile context
    (``backends._dynamic.build_dynamic``) and the engine runs the graph it builds as children
    of the task's action."""

    kind = "dynamic"


class EagerTask(PythonFunctionTask[P, R]):
    """An ``async`` task run on the engine's event loop; its awaited task calls become child
    actions (``flytelike.engine.child_call``)."""

    kind = "eager"


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
