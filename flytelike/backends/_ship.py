"""Sending a task out of this process: its function by value when it cannot be imported there.

A task template names its function by ``module:qualname`` (``FunctionRef``) and carries no code:
in this process a task runs its live function, with whatever its globals hold (a lock, a client,
an open connection), as flytekit and flyte run local code. Only a backend that sends a template
to another process (a process pool, Ray workers, a remote executor) calls ``ship_task``: a
function that another process cannot import by name (one of a script run as ``__main__``, of a
notebook, or defined inside another function) is then pickled by value with cloudpickle, with
the globals it uses. When that fails, ``CodeShippingError`` names the globals that cannot be
pickled and how to fix it. A template is shipped once (cached by identity).

What does not live here: resolving a ``FunctionRef`` back to a function (``_functions``).
"""

from __future__ import annotations

import contextlib
import threading
import types
import typing
from collections.abc import Iterator
from typing import Any

from flytelike.backends._functions import resolve_object, unwrap
from flytelike.backends._live import lookup
from flytelike.compiler import is_importable
from flytelike.errors import CodeShippingError
from flytelike.ir import TaskTemplate, replace

# id(template) -> (template, shipped template); templates are immutable.
_SHIPPED: dict[int, tuple[TaskTemplate, TaskTemplate]] = {}
_LOCK = threading.Lock()


def ship_task(task: TaskTemplate) -> TaskTemplate:
    """``task`` as it can be sent to another process: with its function pickled by value when
    that process could not import it by name; ``task`` itself otherwise. Raises
    ``CodeShippingError`` when the function (or a global it uses) cannot be pickled."""
    ref = task.function
    if ref is None or ref.pickled:
        return task
    hit = _SHIPPED.get(id(task))
    if hit is not None and hit[0] is task:
        return hit[1]
    func = _live_function(task)
    if func is None or is_importable(func):
        shipped = task
    else:
        shipped = replace(task, function=replace(ref, pickled=_pickle(func, task.id.name)))
    with _LOCK:
        if len(_SHIPPED) > 256:
            _SHIPPED.clear()
        _SHIPPED[id(task)] = (task, shipped)
    return shipped


def _live_function(task: TaskTemplate) -> Any:
    """The function behind ``task`` in this process, or ``None`` when its module is not
    importable here (then the template travels by name, and the receiving process imports
    it). A local function that is not live here cannot travel at all."""
    ref = task.function
    assert ref is not None
    entity = lookup(task.id)
    fn = getattr(entity, "task_function", None) if entity is not None else None
    try:
        return unwrap(fn if fn is not None else resolve_object(ref))
    except LookupError as e:
        if "<locals>" not in ref.qualname:
            return None
        raise CodeShippingError(
            f"task `{task.id.name}` cannot be sent to another process: its function "
            f"`{ref.module}.{ref.qualname}` is defined inside another function and no task "
            "object for it is alive in this process to pickle it from. Fix: run the task "
            "through the engine that holds it, or define it at module level",
            entity=task.id.name,
        ) from e


def _pickle(func: Any, task: str) -> bytes:
    import cloudpickle

    try:
        with _resolved_classes(func):
            return cloudpickle.dumps(_resolved(func))  # type: ignore[no-any-return]
    except Exception as e:
        culprits = _unpicklable(func, set())
        if culprits:
            what = "; ".join(culprits)
            lead = f"it uses globals that cannot be pickled: {what}"
        else:
            lead = f"it cannot be pickled ({type(e).__name__}: {e})"
        raise CodeShippingError(
            f"task `{task}` must be sent to another process by value (its function "
            f"`{func.__module__}.{func.__qualname__}` cannot be imported by name there), but "
            f"{lead}. Fix: move the task into a module that the other process can import, "
            "create the object inside the task (or lazily, on first use), or run it with a "
            "backend that runs tasks in this process (the local backend's thread mode)",
            entity=task,
        ) from e


def _resolved(func: Any) -> Any:
    """``func``, or a copy whose string annotations (``from __future__ import annotations``)
    are evaluated here: pickled by value, a function takes along only the globals its code
    uses, so the other process could not evaluate a name used only in an annotation (a
    dataclass of the script, say). Annotations that do not evaluate here are left as they are
    (building the task's interface would have failed already)."""
    annotations = getattr(func, "__annotations__", None)
    if not isinstance(func, types.FunctionType) or not annotations:
        return func
    if not any(isinstance(v, str) for v in annotations.values()):
        return func
    try:
        hints = typing.get_type_hints(func, include_extras=True)
    except Exception:
        return func
    copy = types.FunctionType(
        func.__code__, func.__globals__, func.__name__, func.__defaults__, func.__closure__
    )
    copy.__kwdefaults__ = func.__kwdefaults__
    copy.__dict__.update(func.__dict__)
    copy.__qualname__, copy.__module__, copy.__doc__ = (
        func.__qualname__,
        func.__module__,
        func.__doc__,
    )
    copy.__annotations__ = {**annotations, **hints}
    return copy


@contextlib.contextmanager
def _resolved_classes(func: Any) -> Iterator[None]:
    """While ``func`` is pickled: the classes of its module that its annotations reach (a
    dataclass, its fields' dataclasses) hold evaluated annotations, so that, pickled by value
    with it, they can build their fields in the other process too (an annotation naming another
    class of a script cannot be evaluated there). Put back afterwards; ``_LOCK`` keeps two
    shipments from swapping the same class at once."""
    module = getattr(func, "__module__", None)
    try:
        roots = list(typing.get_type_hints(func).values())
    except Exception:
        roots = []
    swapped: list[tuple[type, Any]] = []
    seen: set[int] = set()
    with _LOCK:
        while roots:
            t = roots.pop()
            roots.extend(typing.get_args(t))
            own = getattr(t, "__dict__", {}).get("__annotations__")
            if not isinstance(t, type) or id(t) in seen or t.__module__ != module or not own:
                continue
            seen.add(id(t))
            try:
                hints = typing.get_type_hints(t, include_extras=True)
            except Exception:
                continue
            roots.extend(hints.values())
            if any(isinstance(v, str) for v in own.values()):
                swapped.append((t, own))
                t.__annotations__ = {k: hints.get(k, v) for k, v in own.items()}
        try:
            yield
        finally:
            for t, own in swapped:
                t.__annotations__ = own


def _names(code: types.CodeType) -> set[str]:
    """The global names ``code`` and the functions nested in it refer to."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names(const)
    return names


def _unpicklable(func: Any, seen: set[int], prefix: str = "") -> list[str]:
    """``name (a type): error`` for each global or closure value of ``func`` that cannot be
    pickled; a function of the same kind (not importable) is searched for its own culprits."""
    import cloudpickle

    code = getattr(func, "__code__", None)
    if code is None or id(func) in seen:
        return []
    seen.add(id(func))
    glob = getattr(func, "__globals__", {})
    values = [(n, glob[n]) for n in sorted(_names(code)) if n in glob]
    for name, cell in zip(code.co_freevars, func.__closure__ or (), strict=False):
        try:
            values.append((name, cell.cell_contents))
        except ValueError:  # an empty cell
            continue
    found: list[str] = []
    for name, value in values:
        if isinstance(value, types.ModuleType):
            continue
        try:
            cloudpickle.dumps(value)
        except Exception as e:
            path = f"{prefix}{name}"
            inner = getattr(value, "task_function", value)
            if isinstance(inner, types.FunctionType) and not is_importable(inner):
                deeper = _unpicklable(inner, seen, f"{path} -> ")
                if deeper:
                    found.extend(deeper)
                    continue
            kind = f"{type(value).__module__}.{type(value).__qualname__}"
            found.append(f"`{path}` (a `{kind}`: {type(e).__name__}: {e})")
    return found
