"""Calls made inside a running ``@eager`` task: child actions awaited as their outputs, and the
``EagerException`` a failed call raises (also an instance of the failure's own type when that
type allows it, so ``except ValueError`` keeps working).

Used by every entity's ``local_call`` (``flytelike._entities.task``) and by ``@eager`` itself
(``flytelike._entities.dynamic``); it imports neither, so the two do not import each other.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable
from typing import Any

from flytelike.backends import running_action
from flytelike.errors import EagerException


class Ready:
    """An awaitable that is already done (a call inside an eager task that ran in place)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __await__(self) -> Any:
        return self.value
        yield  # pragma: no cover


def eager_child_call(entity: Any, kwargs: dict[str, Any]) -> Awaitable[Any]:
    """``entity`` (a task, workflow or launch plan) called inside a running ``@eager`` task: a
    child action (``flytelike.engine.child_call``, started in call order), awaited as its
    outputs; a failure raises ``EagerException``. Inputs that are still pending calls (see
    ``is_pending``) are awaited first; the child starts when they are done."""
    from flytelike.engine import child_call

    if any(is_pending(v) for v in kwargs.values()):
        return _eager_outcome(_after_inputs(child_call, entity, kwargs), entity)
    return _eager_outcome(child_call(entity, kwargs), entity)


# flytekit 1.16 runs a task called in an @eager body without ``await`` to its end and gives its
# value (``out = add_one(x=x); return double(x=out)``); here such a call is awaitable (so that
# ``asyncio.gather`` over calls runs them concurrently). A pending call passed on as another
# call's input, or returned by the eager task, is awaited there, so that form runs too.


def is_pending(value: Any) -> bool:
    """Whether ``value`` is a call made inside an eager task and not awaited yet."""
    return type(value) is Ready or (
        inspect.iscoroutine(value) and value.cr_code is _eager_outcome.__code__
    )


async def settle(value: Any) -> Any:
    """``value`` with pending calls awaited: itself, or the items of a tuple or list of outputs."""
    if is_pending(value):
        return await value
    if type(value) in (tuple, list) and any(is_pending(v) for v in value):
        return type(value)([await v if is_pending(v) else v for v in value])
    return value


def settled_now(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Inputs of a call that runs in place: pending calls there ran in place too (``Ready``)."""
    return {k: v.value if type(v) is Ready else v for k, v in kwargs.items()}


async def _after_inputs(start: Any, entity: Any, kwargs: dict[str, Any]) -> Any:
    ready = {k: await v if is_pending(v) else v for k, v in kwargs.items()}
    return await start(entity, ready)


async def _eager_outcome(call: Awaitable[Any], entity: Any) -> Any:
    try:
        return await call
    except EagerException:
        raise  # (from an eager task called inside this one: already reported)
    except Exception as e:
        raise eager_exception(e, entity) from e


def eager_exception(error: Exception, entity: Any) -> EagerException:
    """``error`` (raised by ``entity``'s call) as an ``EagerException`` naming the entity and
    the running eager task; an instance of ``type(error)`` too when that type allows it."""
    ctx = running_action()
    parent = f" inside eager task `{ctx.task_name}`" if ctx is not None else ""
    describe = getattr(entity, "describe", None)
    what = describe() if callable(describe) else f"`{getattr(entity, 'name', entity)}`"
    message = f"{what} failed{parent}: {type(error).__name__}: {error}"
    cls = _eager_class(type(error))
    try:
        return cls(message, entity=getattr(entity, "name", ""))
    except Exception:  # (its own __init__ or __new__ wants other arguments)
        return EagerException(message, entity=getattr(entity, "name", ""))


_COMBINED: dict[type[Exception], type[EagerException]] = {}


def _eager_class(error_type: type[Exception]) -> type[EagerException]:
    """``EagerException`` combined with ``error_type`` (one class per type); ``EagerException``
    itself when the two cannot be combined (an incompatible C layout, a final class)."""
    if issubclass(error_type, EagerException) or error_type is Exception:
        return EagerException
    combined = _COMBINED.get(error_type)
    if combined is None:
        try:
            combined = type(
                f"EagerException[{error_type.__name__}]",
                (EagerException, error_type),
                {"__module__": EagerException.__module__},
            )
        except TypeError:
            combined = EagerException
        _COMBINED[error_type] = combined
    return combined
