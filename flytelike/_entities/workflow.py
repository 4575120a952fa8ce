"""``@workflow``: a DAG of nodes compiled once, at definition, from a Python body.

The body runs with promises for inputs; every call adds a node. Called inside another workflow a
workflow becomes an embedded subworkflow node; called anywhere else it runs through the engine
(``flytelike.engine.call``), which interprets the compiled IR and never runs the body again;
awaited inside an ``@eager`` task it runs as a child action.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import Any, Generic, ParamSpec, TypeVar, overload

from flytelike._entities import calls
from flytelike._entities.task import DEFAULT_DOMAIN, DEFAULT_PROJECT, where_of
from flytelike._settings.carried import Documentation, WorkflowFailurePolicy, split_docstring
from flytelike._settings.opaque import to_opaque
from flytelike.compiler import (
    SUBWORKFLOW_KEYS,
    CompiledBody,
    Entity,
    PyInterface,
    call_entity,
    compile_body,
    entity_name,
    interface_from_function,
    paused_gc,
    relative_source,
)
from flytelike.errors import DefinitionError
from flytelike.ir import (
    Identifier,
    ResourceType,
    SourceLocation,
    WorkflowMetadata,
    WorkflowNode,
    WorkflowTemplate,
    with_version,
)

P = ParamSpec("P")
R = TypeVar("R")


class WorkflowBase(Entity):
    """What decorated and imperative workflows share: compiled body, template, calls."""

    kind_label = "workflow"
    override_keys = SUBWORKFLOW_KEYS

    name: str
    python_interface: PyInterface
    failure_policy: WorkflowFailurePolicy = WorkflowFailurePolicy.FAIL_IMMEDIATELY
    interruptible: bool | None = None
    on_failure: Entity | None = None
    docs: Documentation | None = None
    docstring: str = ""
    loc: tuple[str, int] | None = None
    default_options: Any = None  # flytekit's Options: labels/annotations of the default launch plan
    _template: WorkflowTemplate | None = None

    def compiled(self) -> CompiledBody:
        raise NotImplementedError

    def compile(self) -> None:
        """flytekit's ``wf.compile()``: compile the workflow's body. A decorated workflow was
        compiled when it was defined (an imperative one as its nodes are added), so this only
        checks that the body compiled; errors were raised then."""
        self.compiled()

    def _repr_html_(self) -> str:
        """A notebook's view: interface and graph (rendered by ``flytelike.ui``)."""
        from flytelike.ui import entity_html

        return entity_html(self)

    @property
    def node_entities(self) -> dict[str, Entity]:
        return self.compiled().entities

    def template(self) -> WorkflowTemplate:
        if self._template is None:
            with paused_gc():
                self._template = self._build_template()
        return self._template

    def _build_template(self) -> WorkflowTemplate:
        body = self.compiled()
        short, long = split_docstring(self.docstring)
        on_failure = getattr(self.on_failure, "id", None)
        tmpl = WorkflowTemplate(
            id=Identifier(ResourceType.WORKFLOW, DEFAULT_PROJECT, DEFAULT_DOMAIN, self.name, ""),
            interface=self.python_interface.to_ir(),
            nodes=body.nodes,
            outputs=body.outputs,
            metadata=WorkflowMetadata(
                failure_policy=self.failure_policy.value,
                interruptible=self.interruptible,
                on_failure=on_failure,
                description=short,
                long_description=long,
                docs=to_opaque(self.docs),
            ),
            source=SourceLocation(relative_source(self.loc[0]), self.loc[1]) if self.loc else None,
        )
        return with_version(tmpl)

    @property
    def id(self) -> Identifier:
        return self.template().id

    def node_target(self) -> WorkflowNode:
        return WorkflowNode(self.id)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return call_entity(self, args, kwargs)

    def local_call(self, kwargs: dict[str, Any]) -> Any:
        """A direct call (``flytelike._entities.calls``): the engine runs the compiled IR (the
        body is never run again), as a child action inside an ``@eager`` task."""
        return calls.local_call(self, kwargs, None)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


class PythonFunctionWorkflow(WorkflowBase, Generic[P, R]):
    """A workflow made from a Python function with ``@workflow``."""

    def __init__(
        self,
        func: Callable[P, R],
        failure_policy: WorkflowFailurePolicy | None,
        interruptible: bool | None,
        on_failure: Any,
        docs: Documentation | None,
        pickle_untyped: bool = False,
    ) -> None:
        where = where_of(func, "workflow")
        self._func = func
        self.name = entity_name(func)
        self.python_interface = interface_from_function(func, where, pickle_untyped)
        if failure_policy is not None:
            if not isinstance(failure_policy, WorkflowFailurePolicy):
                raise DefinitionError(
                    f"{where}: failure_policy must be a WorkflowFailurePolicy, got "
                    f"{failure_policy!r}"
                )
            self.failure_policy = failure_policy
        self.interruptible = interruptible
        self.docs = docs
        self.docstring = func.__doc__ or ""
        code = func.__code__
        self.loc = (code.co_filename, code.co_firstlineno)
        if on_failure is not None:
            _check_on_failure(self, on_failure, where)
            self.on_failure = on_failure
        self.__name__ = func.__name__
        self.__qualname__ = func.__qualname__
        self.__module__ = func.__module__
        self.__doc__ = func.__doc__
        self.__wrapped__ = func
        self._compiled = compile_body(self.name, func, self.python_interface, self.loc)

    @property
    def function(self) -> Callable[P, R]:
        return self._func

    def compiled(self) -> CompiledBody:
        return self._compiled

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        return super().__call__(*args, **kwargs)  # type: ignore[no-any-return]


def _check_on_failure(wf: WorkflowBase, handler: Any, where: str) -> None:
    """flytekit's rule: the handler takes every workflow input (with the same type); any other
    input is ``err``/``error`` (it receives the failure, e.g. ``err: Optional[FlyteError] =
    None``) or optional. A handler without ``err`` is fine."""
    iface = getattr(handler, "python_interface", None)
    if iface is None:
        raise DefinitionError(f"{where}: on_failure must be a task or workflow, got {handler!r}")
    wf_inputs = wf.python_interface.inputs
    got = iface.inputs
    shape = (
        f"takes ({', '.join(got)}); it must take the workflow's inputs "
        f"({', '.join(wf_inputs)}) and may add `err: Optional[FlyteError] = None` (FlyteError "
        "from flytelike.types.error) to receive the failure"
    )
    for name, t in wf_inputs.items():
        if name not in got:
            raise DefinitionError(
                f"{where}: the on_failure handler `{handler.name}` lacks the workflow input "
                f"`{name}`: it {shape}"
            )
        if got[name] != t:
            raise DefinitionError(
                f"{where}: the on_failure handler `{handler.name}` takes `{name}` as "
                f"{got[name]!r}, the workflow as {t!r}: it {shape}"
            )
    for name, t in got.items():
        optional = type(None) in typing.get_args(t)
        if name in wf_inputs or name in ("err", "error") or optional or name in iface.defaults:
            continue
        raise DefinitionError(
            f"{where}: the on_failure handler `{handler.name}` has the input `{name}`, which is "
            f"not a workflow input and not optional: it {shape}"
        )


_NOT_DEFAULTS = (
    "raw_output_data_config",
    "security_context",
    "max_parallelism",
    "notifications",
    "disable_notifications",
    "overwrite_cache",
)


def _check_default_options(options: Any, where: str) -> None:
    """flytekit's ``@workflow(default_options=Options(...))``: its labels and annotations are the
    defaults of the workflow's default launch plan (``LaunchPlan.get_or_create(wf)``), the only
    fields flytekit documents as defaults; any other field set is refused, not dropped."""
    from flytelike._settings.options import Options

    if not isinstance(options, Options):
        raise DefinitionError(
            f"{where}: default_options must be an Options(labels=..., annotations=...), got "
            f"{options!r}"
        )
    others = sorted(name for name in _NOT_DEFAULTS if getattr(options, name) is not None)
    if others:
        raise DefinitionError(
            f"{where}: default_options sets {', '.join(others)}; only labels and annotations "
            "are a workflow's defaults (as flytekit documents). Give the others to a "
            "LaunchPlan or to the execution (FlyteRemote.execute(options=...))"
        )


@overload
def workflow(_workflow_function: Callable[P, R], /) -> PythonFunctionWorkflow[P, R]: ...


@overload
def workflow(
    _workflow_function: None = None,
    /,
    *,
    failure_policy: WorkflowFailurePolicy | None = None,
    interruptible: bool = False,
    on_failure: Any = None,
    docs: Documentation | None = None,
    pickle_untyped: bool = False,
    default_options: Any = None,
) -> Callable[[Callable[P, R]], PythonFunctionWorkflow[P, R]]: ...


def workflow(
    _workflow_function: Any = None,
    /,
    *,
    failure_policy: WorkflowFailurePolicy | None = None,
    interruptible: bool | None = None,
    on_failure: Any = None,
    docs: Documentation | None = None,
    pickle_untyped: bool = False,
    default_options: Any = None,
) -> Any:
    """Make a workflow: ``@workflow`` or ``@workflow(failure_policy=..., interruptible=...)``."""

    def wrapper(func: Any) -> Any:
        if not isinstance(func, types.FunctionType):
            raise DefinitionError(f"@workflow decorates a function, got {type(func).__name__}")
        if default_options is not None:
            _check_default_options(default_options, where_of(func, "workflow"))
        if not isinstance(pickle_untyped, bool):
            raise DefinitionError(
                f"@workflow: pickle_untyped must be True or False, got {pickle_untyped!r}"
            )
        wf = PythonFunctionWorkflow(
            func, failure_policy, interruptible, on_failure, docs, pickle_untyped
        )
        wf.default_options = default_options
        return wf

    if _workflow_function is not None:
        return wrapper(_workflow_function)
    return wrapper
