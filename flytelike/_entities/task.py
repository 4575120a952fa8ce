"""``@task``: a typed Python function that runs as one unit (``PythonFunctionTask``).

Decoration validates every parameter and builds the typed interface (failing early, naming the
function and file:line). The IR template is built on first use. Called inside a workflow body the
task adds a node and returns promises; called anywhere else it runs the function with its inputs
and outputs converted through the type registry, as a task would run.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any, Generic, ParamSpec, TypeVar, overload

from flytelike._entities import calls
from flytelike._entities.kit_attributes import KitTaskAttributes
from flytelike._settings.task import TaskSettings
from flytelike.compiler import (
    Entity,
    PyInterface,
    call_entity,
    entity_name,
    interface_from_function,
    is_importable,
    signature_function,
)
from flytelike.errors import (
    DefinitionError,
)
from flytelike.ir import (
    FunctionRef,
    Identifier,
    ResourceType,
    SourceLocation,
    TaskNode,
    TaskTemplate,
    with_version,
)

P = ParamSpec("P")
R = TypeVar("R")

DEFAULT_PROJECT = "flytelike"
DEFAULT_DOMAIN = "development"


def function_ref(func: Callable[..., Any]) -> FunctionRef:
    """``module:qualname`` (for a script run as ``__main__``, the module named after its file).

    Nothing is pickled here: in this process a task runs its live function, whatever its
    globals hold (locks, clients, connections). A backend that sends a task out of the process
    pickles the function by value when it cannot be imported by name there
    (``flytelike.backends.ship_task``)."""
    from flytelike.compiler import module_of

    if is_importable(func):
        return FunctionRef(func.__module__, func.__qualname__)
    return FunctionRef(module_of(func), func.__qualname__)


def _pickle_free_version(tmpl: TaskTemplate, func: Callable[..., Any]) -> str:
    """For a function that cannot be imported by name (``__main__``, a local function): the
    content version with a digest of its source in place of the by-value bytes it travels with.

    Its ``module:qualname`` does not change when its code does, so the source is what tells two
    versions apart; the digest holds no absolute path, so that the same code gives the same
    version wherever it is checked out. Empty for importable functions (the template's own
    content version then applies).
    """
    ref = tmpl.function
    if ref is None or is_importable(func):
        return ""
    import hashlib

    from flytelike._settings.cache import function_source
    from flytelike.ir import content_version, replace

    digest = hashlib.sha256(function_source(func).encode()).digest()
    return content_version(replace(tmpl, function=replace(ref, pickled=digest)))


class PythonFunctionTask(KitTaskAttributes, Entity, Generic[P, R]):
    """A task made from a Python function with ``@task``."""

    kind = "python"
    mock: Callable[..., Any] | None = None  # set by flytelike.testing.task_mock
    # flyte 2 takes an input without an annotation as Any (V2Task); flytekit refuses it
    untyped_inputs_any = False

    def __init__(self, func: Callable[P, R], settings: TaskSettings, where: str) -> None:
        self._func = func
        self.name = entity_name(func)
        self._where = where
        self.settings = settings
        self.python_interface: PyInterface = interface_from_function(
            func, where, settings.pickle_untyped, untyped_inputs_any=self.untyped_inputs_any
        )
        self.task_config_type = type(settings.task_config) if settings.task_config else None
        self.deprecated = settings.deprecated
        self._template: TaskTemplate | None = None
        self.__name__ = func.__name__
        self.__qualname__ = func.__qualname__
        self.__module__ = func.__module__
        self.__doc__ = func.__doc__
        self.__wrapped__ = func

    @property
    def task_function(self) -> Callable[P, R]:
        return self._func

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        return call_entity(self, args, kwargs)  # type: ignore[no-any-return]

    def local_call(self, kwargs: dict[str, Any]) -> Any:
        """A direct call (``flytelike._entities.calls``): a recorded run outside a running task,
        a child action inside an ``@eager`` one, else the body in place. Dynamic and eager
        tasks, whose bodies need the engine, run as a separate run unless mocked."""
        return calls.local_call(self, kwargs, self.execute if self.kind == "python" else None)

    def execute(self, native: dict[str, Any]) -> Any:
        """Run the function body with converted inputs (dynamic and eager tasks override this)."""
        return self._func(**native)  # type: ignore[call-arg]

    @property
    def plain_execute(self) -> bool:
        """Whether ``execute`` is the plain call of ``task_function`` (not overridden), so
        that an engine may call the function directly."""
        return type(self).execute is PythonFunctionTask.execute

    # ------------------------------------------------------------------------- IR
    def template(self) -> TaskTemplate:
        if self._template is None:
            s = self.settings
            code = signature_function(self._func).__code__
            from flytelike.compiler import relative_source

            tmpl = TaskTemplate(
                id=Identifier(ResourceType.TASK, DEFAULT_PROJECT, DEFAULT_DOMAIN, self.name, ""),
                kind=self.kind,
                interface=self.python_interface.to_ir(),
                metadata=s.metadata(
                    self._func, list(self.python_interface.inputs), self.__doc__ or "", self._where
                ),
                function=function_ref(self._func),
                source=SourceLocation(relative_source(code.co_filename), code.co_firstlineno),
                custom=s.custom_entries(),
                **s.template_fields(self._where),
            )
            self._template = with_version(tmpl, _pickle_free_version(tmpl, self._func))
        return self._template

    @property
    def id(self) -> Identifier:
        return self.template().id

    def node_target(self) -> TaskNode:
        return TaskNode(self.id)

    def _repr_html_(self) -> str:
        """A notebook's view: kind, name, docstring and interface (``flytelike.ui``)."""
        from flytelike.ui import entity_html

        return entity_html(self)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


_KIND_CLASSES: dict[str, type[PythonFunctionTask[Any, Any]]] = {"python": PythonFunctionTask}


def where_of(func: Callable[..., Any], what: str) -> str:
    code = getattr(signature_function(func), "__code__", None)
    if code is None:
        return f"{what} {func!r}"
    return f"{what} `{func.__qualname__}` ({code.co_filename}:{code.co_firstlineno})"


def make_task(func: Any, kind: str, kwargs: dict[str, Any]) -> PythonFunctionTask[Any, Any]:
    if not isinstance(func, types.FunctionType):
        raise DefinitionError(
            f"@{kind if kind != 'python' else 'task'} decorates a function, got "
            f"{type(func).__name__}"
        )
    where = where_of(func, "task")
    settings = TaskSettings.build(where, kind, **kwargs)
    return _KIND_CLASSES[kind](func, settings, where)


@overload
def task(_task_function: Callable[P, R], /) -> PythonFunctionTask[P, R]: ...


@overload
def task(
    _task_function: None = None,
    /,
    *,
    cache: Any = False,
    cache_serialize: bool = False,
    cache_version: str = "",
    cache_ignore_input_vars: tuple[str, ...] | list[str] = (),
    retries: int = 0,
    interruptible: bool | None = None,
    deprecated: str = "",
    timeout: Any = 0,
    container_image: Any = None,
    environment: dict[str, str] | None = None,
    requests: Any = None,
    limits: Any = None,
    resources: Any = None,
    secret_requests: list[Any] | None = None,
    task_config: Any = None,
    accelerator: Any = None,
    pod_template: Any = None,
    pod_template_name: str | None = None,
    docs: Any = None,
    enable_deck: bool | None = None,
    disable_deck: bool | None = None,
    deck_fields: Any = None,
    node_dependency_hints: Any = None,
    task_resolver: Any = None,
    execution_mode: Any = None,
    pickle_untyped: bool = False,
    labels: dict[str, str] | None = None,
    annotations: dict[str, str] | None = None,
    shared_memory: bool | str | None = None,
) -> Callable[[Callable[P, R]], PythonFunctionTask[P, R]]: ...


def task(_task_function: Any = None, /, **kwargs: Any) -> Any:
    """Make a task from a function: ``@task`` or ``@task(retries=3, cache=True, ...)``.

    The parameters are flytekit's; an unknown one is an error. ``labels`` and ``annotations``
    (pod metadata) and ``shared_memory`` (``True`` or a size such as ``"2Gi"``) are carried into
    the template's ``custom`` entries (see ``flytelike._settings.task``)."""
    if _task_function is not None:
        return make_task(_task_function, "python", kwargs)

    def wrapper(func: Any) -> Any:
        return make_task(func, "python", kwargs)

    return wrapper
