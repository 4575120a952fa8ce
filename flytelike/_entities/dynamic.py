"""``@dynamic`` and ``@eager`` tasks: bodies that decide their sub-graph at run time.

A dynamic task's body runs with native inputs and its calls become nodes of a graph that the
engine then runs, so Python ``if``/``for`` over inputs work and recursion
is allowed. An eager task is an ``async`` function whose task calls run as they are awaited, as recorded
child actions (concurrently under ``asyncio.gather``).
Inside a workflow both are task nodes of kind ``dynamic``/``eager``.

As flytekit 1.16 documents ``@eager``: called outside a run, an eager task returns a coroutine
(``asyncio.run(eager_wf(x=1))`` runs it through the engine); inside it, ``await t(x=...)`` runs
a task, workflow or launch plan as a child action (``eager_child_call``), and a call that fails
raises ``EagerException`` there (also an instance of the failure's own type, when that type
allows it, so ``except ValueError`` keeps working).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar, overload

from flytelike._entities.calls import engine
from flytelike._entities.eager_calls import settle
from flytelike._entities.task import _KIND_CLASSES, PythonFunctionTask, make_task
from flytelike.backends import running_action
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
    actions (``eager_child_call``)."""

    kind = "eager"

    def local_call(self, kwargs: dict[str, Any]) -> Any:
        """Outside a run: a coroutine that runs this task through the engine (in a worker
        thread, so that several can be gathered); inside a running task: as any task."""
        if running_action() is None:
            return _run_outside(self, kwargs)
        return super().local_call(kwargs)

    def execute(self, native: dict[str, Any]) -> Any:
        """The body's coroutine; calls it returns without awaiting them are awaited
        (``settle``), as flytekit 1.16 gives ``return double(x=out)`` its value."""
        return _settled(self._func, native)


async def _settled(func: Callable[..., Any], native: dict[str, Any]) -> Any:
    return await settle(await func(**native))


async def _run_outside(task: EagerTask[Any, Any], kwargs: dict[str, Any]) -> Any:
    return await asyncio.to_thread(engine().call, task, kwargs)


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


_KIND_CLASSES["dynamic"] = DynamicTask
_KIND_CLASSES["eager"] = EagerTask
