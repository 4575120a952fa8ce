"""What calling an entity means, decided in one place, and the one way a body runs in place.

A call of a task, workflow, launch plan or reference (``entity(x=1)``) means one of four things,
depending only on where it is made:

1. while a workflow body compiles: a **node** of that workflow, answered with promises
   (``flytelike.compiler``'s ``call_entity``, before anything here is asked);
2. outside any running task: a **run** of the engine, recorded in the run store, whose outputs
   are returned (``flytelike.engine.call``);
3. inside a running ``@eager`` task whose run this process drives: a **child action** of that
   task, recorded as such, awaited as its outputs (``eager_child_call``);
4. inside any other running task: the body **in place**, unrecorded, with every input and output
   converted at the boundary as a task boundary would (``run_in_place``); flytekit runs a task
   called from another task's body the same way. Entities with no body of their own here
   (workflows, launch plans, dynamic and eager tasks) run as a separate run of the engine
   instead, and a reference runs only when mocked.

``local_call`` is that decision for v1 entities; the v2 API's tasks (``flytelike._v2.task``)
apply the same rule with flyte 2's differences (no run outside a task: a plain call of the
function; child actions for every call inside a running task) and run in place through
``run_in_place``/``run_in_place_async`` too.
"""

from __future__ import annotations

import copy
import types
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from typing import Any

import typesystem
from flytelike._entities.eager_calls import Ready, eager_child_call, eager_exception, settled_now
from flytelike.backends import running_action, variables
from flytelike.compiler import has_promise, output_namedtuple
from flytelike.errors import (
    ArgumentError,
    EagerException,
    LocalExecutionError,
    PromiseUsageError,
)

Body = Callable[[dict[str, Any]], Any]

_ENGINE: list[types.ModuleType] = []


def engine() -> types.ModuleType:
    """``flytelike.engine``, imported on the first direct call (not when entities are defined)."""
    if not _ENGINE:
        import flytelike.engine

        _ENGINE.append(flytelike.engine)
    return _ENGINE[0]


def local_call(
    entity: Any, kwargs: dict[str, Any], body: Body | None, *, recorded: bool = True
) -> Any:
    """Call ``entity`` with inputs by name, outside a compiling workflow body (see the module
    docstring for the four meanings). ``body`` runs it in place on native inputs; ``None`` for
    entities that run only through the engine. ``recorded=False`` (references, which have
    nothing to run here) runs in place outside a task too, where only a mock can answer."""
    ctx = running_action()
    if ctx is None:
        if body is None and _mocked_graph(entity):  # a workflow or launch plan a test mocked
            return run_in_place(entity, kwargs, None)
        return engine().call(entity, kwargs) if recorded else run_in_place(entity, kwargs, body)
    if ctx.task_kind == "eager":  # `await t(...)` inside an @eager task
        if engine().can_child_call():
            return eager_child_call(entity, kwargs)
        try:
            return Ready(_here(entity, settled_now(kwargs), body))
        except EagerException:
            raise
        except Exception as e:
            raise eager_exception(e, entity) from e
    return _here(entity, kwargs, body)


def _mocked_graph(entity: Any) -> bool:
    """A workflow or launch plan with a mock set (``flytelike.testing.task_mock``/``patch``):
    a direct call returns what the mock returns, as flytekit's ``testing.patch`` makes it."""
    if getattr(entity, "mock", None) is None:
        return False
    return hasattr(entity, "node_entities") or hasattr(entity, "fixed_inputs")


def _here(entity: Any, kwargs: dict[str, Any], body: Body | None) -> Any:
    """A call inside a running task that is not a child action: the body in place, or a
    separate run for an entity without one."""
    if body is None and getattr(entity, "mock", None) is None:
        return engine().call(entity, kwargs)
    return run_in_place(entity, kwargs, body)


def run_in_place(entity: Any, kwargs: dict[str, Any], body: Body | None) -> Any:
    """Convert the inputs, run ``body`` (or the entity's mock, when one is set) with the task's
    environment variables, convert the outputs: the value a direct call gives back."""
    native = convert_inputs(entity, kwargs)
    mock = getattr(entity, "mock", None)
    if mock is not None:
        return convert_outputs(entity, mock(**native))
    assert body is not None  # (_here sends body-less entities to the engine)
    with task_environment(_environment(entity)):
        result = body(native)
    return convert_outputs(entity, result)


async def run_in_place_async(
    entity: Any, kwargs: dict[str, Any], body: Callable[[dict[str, Any]], Awaitable[Any]]
) -> Any:
    """``run_in_place`` for an ``async`` body."""
    native = convert_inputs(entity, kwargs)
    with task_environment(_environment(entity)):
        result = await body(native)
    return convert_outputs(entity, result)


def _environment(entity: Any) -> dict[str, str]:
    settings = getattr(entity, "settings", None)
    return dict(getattr(settings, "environment", None) or {})


def task_environment(env: dict[str, str]) -> AbstractContextManager[None]:
    """Set ``env`` while the task runs and restore the previous values after."""
    return variables(env)


def convert_inputs(entity: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Fill defaults and pass every input through the registry (to literal and back)."""
    iface = entity.python_interface
    registry = typesystem.default_registry()
    native: dict[str, Any] = {}
    for name, py in iface.inputs.items():
        if name in kwargs:
            value = kwargs[name]
        elif name in iface.defaults:
            value = copy.deepcopy(iface.defaults[name])
        else:
            raise ArgumentError(
                f"{entity.describe()}: input `{name}` was not given and has no default",
                entity=entity.name,
                input_name=name,
            )
        if has_promise(value):
            raise PromiseUsageError(
                f"{entity.describe()} was called with a promise for input `{name}` outside a "
                "workflow body; promises only exist while a workflow compiles",
                entity=entity.name,
                input_name=name,
            )
        try:
            native[name] = registry.to_python(registry.to_literal(value, py), py)
        except typesystem.TypeSystemError as e:
            e.add_note(f"while converting input `{name}` of {entity.describe()}")
            raise
    return native


def convert_outputs(entity: Any, result: Any) -> Any:
    """Check and convert what the body returned; the value a direct call gives back."""
    iface = entity.python_interface
    outs = iface.outputs
    if not outs:
        return None
    registry = typesystem.default_registry()
    nt = iface.output_tuple
    if len(outs) == 1:
        # a named one-output tuple: its instance or a plain 1-tuple, as flytekit takes it
        one = nt is not None and isinstance(result, tuple) and len(result) == 1
        value = result[0] if one else result
        values = [value]
    else:
        # a list of them is taken too, as flytekit takes it (train_test_split returns one)
        if not isinstance(result, tuple | list) or len(result) != len(outs):
            got = (
                f"a {type(result).__name__} of {len(result)}"
                if isinstance(result, tuple | list)
                else type(result).__name__
            )
            raise LocalExecutionError(
                f"{entity.describe()} declares {len(outs)} outputs ({', '.join(outs)}) but "
                f"returned {got}",
                entity=entity.name,
            )
        values = list(result)
    converted = []
    for (name, py), value in zip(outs.items(), values, strict=True):
        try:
            converted.append(registry.to_python(registry.to_literal(value, py), py))
        except typesystem.TypeSystemError as e:
            e.add_note(f"while converting output `{name}` of {entity.describe()}")
            raise
    if nt is not None:
        return nt(*converted)
    if len(converted) == 1:
        return converted[0]
    return output_namedtuple(tuple(outs))(*converted)
