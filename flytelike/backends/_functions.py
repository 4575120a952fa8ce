"""From a ``FunctionRef`` to a callable with typed inputs and outputs.

``resolve_function`` imports ``module:qualname`` (a script's module is found in ``__main__`` in
its own process), or unpickles the cloudpickle bytes of a shipped template (``_ship``), and
unwraps decorated task objects through ``__wrapped__``. ``TypedFunction`` caches, per function, the
Python types of its inputs and outputs (from its annotations, through ``flytelike.compiler._interface``)
and converts literals to Python values and back through the registry: the same conversions a
distributed worker makes, so a local run fails exactly where a remote one would.
"""

from __future__ import annotations

import importlib
import inspect
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import typesystem
from flytelike.backends._live import lookup
from flytelike.compiler import main_module_named
from flytelike.ir import FunctionRef
from typesystem import Literal

_MAX_UNWRAP = 8


class FunctionResolutionError(LookupError):
    """The function a task names cannot be found."""


def unwrap(obj: Any) -> Callable[..., Any]:
    """The plain function behind a decorated task (``__wrapped__`` chain)."""
    for _ in range(_MAX_UNWRAP):
        if inspect.isfunction(obj) or inspect.ismethod(obj):
            return obj
        inner = getattr(obj, "__wrapped__", None)
        if inner is None:
            inner = getattr(obj, "task_function", None)
        if inner is None or inner is obj:
            break
        obj = inner
    if callable(obj):
        return obj  # type: ignore[no-any-return]
    raise FunctionResolutionError(f"{obj!r} is not callable")


def resolve_function(ref: FunctionRef) -> Callable[..., Any]:
    """Import or unpickle the function ``ref`` names."""
    return unwrap(resolve_object(ref))


def resolve_object(ref: FunctionRef) -> Any:
    """The object ``ref`` names, not unwrapped (a decorated task object, usually)."""
    if ref.pickled:
        import cloudpickle

        return cloudpickle.loads(ref.pickled)
    try:
        module = (
            sys.modules.get(ref.module)
            or main_module_named(ref.module)
            or importlib.import_module(ref.module)
        )
    except ImportError as e:
        raise FunctionResolutionError(
            f"cannot import module {ref.module!r} for task function {ref.qualname!r}: {e}"
        ) from e
    obj: Any = module
    for part in ref.qualname.split("."):
        if part == "<locals>":
            raise FunctionResolutionError(
                f"{ref.module}:{ref.qualname} is defined inside a function and was not pickled; "
                "define the task at module level"
            )
        try:
            obj = getattr(obj, part)
        except AttributeError as e:
            raise FunctionResolutionError(
                f"module {ref.module!r} has no attribute path {ref.qualname!r} ({part!r} missing)"
            ) from e
    return obj


class OutputShapeError(TypeError):
    """A task returned a value that does not match its declared outputs."""


class TypedFunction:
    """A function with its Python interface; converts literals in and out."""

    __slots__ = (
        "func",
        "in_conv",
        "input_types",
        "is_async",
        "name",
        "out_conv",
        "output_names",
        "output_tuple",
        "output_types",
        "single",
    )

    def __init__(self, func: Callable[..., Any], name: str = "", iface: Any = None) -> None:
        self.func = func
        self.name = name or getattr(func, "__qualname__", repr(func))
        if iface is None:
            from flytelike.compiler import interface_from_function

            iface = interface_from_function(func, f"task `{self.name}`")
        self.input_types = dict(iface.inputs)
        self.output_types = dict(iface.outputs)
        self.output_names = tuple(iface.outputs)
        self.output_tuple = iface.output_tuple
        self.is_async = inspect.iscoroutinefunction(func)
        reg = typesystem.default_registry()
        self.in_conv = {n: (reg.get_transformer(t), t) for n, t in self.input_types.items()}
        self.out_conv = {n: (reg.get_transformer(t), t) for n, t in self.output_types.items()}
        # One output, returned bare: the common case, converted without the general loop.
        self.single = None
        if len(self.output_names) == 1 and self.output_tuple is None:
            name = self.output_names[0]
            self.single = (name, *self.out_conv[name])

    def to_python(self, inputs: Mapping[str, Literal]) -> dict[str, Any]:
        """Input literals as keyword arguments (errors name the input)."""
        kwargs: dict[str, Any] = {}
        conv = self.in_conv
        for name, lit in inputs.items():
            c = conv.get(name)
            if c is None:
                raise TypeError(f"task `{self.name}` has no input `{name}`")
            try:
                kwargs[name] = c[0].to_python(lit, c[1])
            except typesystem.TypeSystemError as e:
                e.add_note(f"while converting input `{name}` of task `{self.name}`")
                raise
        return kwargs

    def to_literals(self, result: Any) -> dict[str, Literal]:
        """What the function returned, as output literals by name."""
        single = self.single
        if single is not None:
            try:
                return {single[0]: single[1].to_literal(result, single[2])}
            except typesystem.TypeSystemError as e:
                e.add_note(f"while converting output `{single[0]}` of task `{self.name}`")
                raise
        names = self.output_names
        if not names:
            return {}
        nt = self.output_tuple
        if len(names) == 1:
            # a named one-output tuple: its instance or a plain 1-tuple, as flytekit takes it
            one = nt is not None and isinstance(result, tuple) and len(result) == 1
            values = [result[0] if one else result]
        else:
            # a list of them is taken too, as flytekit takes it (train_test_split returns one)
            if not isinstance(result, tuple | list) or len(result) != len(names):
                got = (
                    f"a {type(result).__name__} of {len(result)}"
                    if isinstance(result, tuple | list)
                    else type(result).__name__
                )
                raise OutputShapeError(
                    f"task `{self.name}` declares {len(names)} outputs ({', '.join(names)}) but "
                    f"returned {got}"
                )
            values = list(result)
        out: dict[str, Literal] = {}
        conv = self.out_conv
        for name, value in zip(names, values, strict=True):
            tr, t = conv[name]
            try:
                out[name] = tr.to_literal(value, t)
            except typesystem.TypeSystemError as e:
                e.add_note(f"while converting output `{name}` of task `{self.name}`")
                raise
        return out


class EntityBody:
    """Calls a live entity: its mock when set, else ``run_body(native)`` (class-based tasks),
    else ``execute(native)``, else ``local_call``."""

    __slots__ = ("__weakref__", "entity", "is_async")

    def __init__(self, entity: Any) -> None:
        self.entity = entity
        fn = getattr(entity, "task_function", None)
        self.is_async = fn is not None and inspect.iscoroutinefunction(fn)

    def plain(self) -> Callable[..., Any] | None:
        """The function a call comes down to right now, when calling it directly is the same
        as calling this body: no mock set and the entity's ``execute`` is its class's plain
        ``execute`` (which calls ``task_function``). ``None`` otherwise."""
        e = self.entity
        if getattr(e, "mock", None) is not None or not getattr(e, "plain_execute", False):
            return None
        fn = getattr(e, "task_function", None)
        return fn if callable(fn) else None

    def __call__(self, **kwargs: Any) -> Any:
        e = self.entity
        m = getattr(e, "mock", None)
        if m is not None:
            return m(**kwargs)
        body = getattr(e, "run_body", None)  # (class-based tasks: ShellTask, sensors, ...)
        if body is not None:
            return body(kwargs)
        execute = getattr(e, "execute", None)
        if execute is not None:
            return execute(kwargs)
        return e.local_call(kwargs)


def entity_function(entity: Any, name: str = "") -> TypedFunction:
    """The ``TypedFunction`` of a live entity (cached on it), typed by its Python interface."""
    tf = entity.__dict__.get("_flytelike_typed")
    if tf is None:
        body = EntityBody(entity)
        tf = TypedFunction(body, name or entity.name, entity.python_interface)
        tf.is_async = body.is_async
        entity.__dict__["_flytelike_typed"] = tf
    return tf  # type: ignore[no-any-return]


def task_function(task: Any) -> TypedFunction:
    """The ``TypedFunction`` running ``task`` (a ``TaskTemplate``): the live entity registered
    for its identifier when there is one (mocks apply), else its ``FunctionRef`` resolved."""
    entity = lookup(task.id)
    if entity is not None and getattr(entity, "python_interface", None) is not None:
        return entity_function(entity, task.id.name)
    if task.function is None:
        raise FunctionResolutionError(
            f"task `{task.id.name}` of kind {task.kind!r} has no Python function; the local "
            "backend cannot run it"
        )
    return typed_function(task.function, task.id.name)


_CACHE: dict[FunctionRef, TypedFunction] = {}
_LOCK = threading.Lock()


def typed_function(ref: FunctionRef, name: str = "") -> TypedFunction:
    """The cached ``TypedFunction`` for ``ref``."""
    tf = _CACHE.get(ref)
    if tf is None:
        with _LOCK:
            tf = _CACHE.get(ref)
            if tf is None:
                tf = TypedFunction(resolve_function(ref), name)
                _CACHE[ref] = tf
    return tf


def forget_modules(names: Iterable[str]) -> None:
    """Drop the cached functions of modules ``names`` (an executor that loads a new version of
    them, from another code bundle, imports them again)."""
    gone = set(names)
    with _LOCK:
        for ref in [r for r in _CACHE if r.module in gone]:
            del _CACHE[ref]
