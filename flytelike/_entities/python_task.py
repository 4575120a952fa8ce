"""flytekit's base classes for tasks written as classes: ``PythonTask``, ``PythonInstanceTask``
and ``SQLTask``, and ``IgnoreOutputs``; the ``Interface`` they are declared with is
``_entities.interface``'s.

flytekit documents these as the way to write a task plugin: subclass ``PythonTask`` (or
``PythonInstanceTask``), pass ``task_type``, ``name``, ``task_config`` and an ``Interface``
(inputs and outputs by name, ``kwtypes(...)``) to ``super().__init__``, and define
``execute(self, **kwargs)``, which gets the task's inputs as Python values and returns its
output (a tuple for several, ``None`` for none). Here such a task is a class-based task like
``ShellTask`` (``_entities.container``): ``task_type`` is its kind in the IR, ``task_config``
is carried into the template (``task_config``), ``get_custom()`` into ``custom``, the other
settings (``metadata=TaskMetadata(...)``, ``environment=``, ``requests=``, the secrets of
``security_ctx=SecurityContext(secrets=[...])``, ...) as for every task; it runs wherever the
engine runs a class-based task, with its timeout and retries.

``pre_execute(user_params)`` and ``post_execute(user_params, rval)`` are called around
``execute`` with the running task's context, as in flytekit. ``IgnoreOutputs`` raised by
``execute`` (or ``post_execute``) says "this replica's outputs are not the task's": on a
cluster another replica writes them. A local run has only this one, so the task succeeds when
it declares no outputs and otherwise fails saying that nothing produced them.

Not here: ``@task`` functions (``_entities.task``), shell and container tasks.
"""

from __future__ import annotations

import re
import sys
from typing import Any, Generic, TypeVar

from flytelike._entities.container import TaskMetadata, _ClassTask
from flytelike._entities.interface import Interface
from flytelike.errors import DefinitionError, LocalExecutionError

T = TypeVar("T")

_HERE = __name__.rsplit(".", 1)[0]  # flytelike._entities: frames to skip for the location


class IgnoreOutputs(Exception):
    """Raised by a task body whose outputs are not the task's (another replica writes them)."""


class PythonTask(_ClassTask, Generic[T]):
    """A task whose work is the ``execute(**kwargs)`` method of a subclass."""

    def __init__(
        self,
        task_type: str,
        name: str,
        task_config: T | None = None,
        interface: Interface | None = None,
        environment: dict[str, str] | None = None,
        metadata: TaskMetadata | None = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(task_type, str) or not task_type:
            raise DefinitionError(
                f"{type(self).__name__} {name!r}: task_type must be a non-empty string "
                f"(the task's kind, e.g. 'my-plugin'), got {task_type!r}"
            )
        if interface is not None and not isinstance(interface, Interface):
            raise DefinitionError(
                f"{type(self).__name__} {name!r}: interface must be an Interface(inputs=..., "
                f"outputs=...), got {type(interface).__name__}"
            )
        iface = interface or Interface()
        self.kind = task_type
        self._task_config = task_config
        self._interface = iface
        extra = dict(kwargs)
        security_ctx = extra.pop("security_ctx", None)
        if security_ctx is not None:
            # flytekit's task-level SecurityContext: its secrets are the task's secret requests.
            if "secret_requests" in extra:
                raise DefinitionError(
                    f"{type(self).__name__} {name!r}: give secrets in security_ctx= or "
                    "secret_requests=, not both"
                )
            extra["secret_requests"] = list(getattr(security_ctx, "secrets", None) or [])
        if environment is not None:
            extra["environment"] = environment
        if task_config is not None:
            extra["task_config"] = task_config
        self._setup(name, iface.inputs, iface.outputs, metadata, extra, _user_location())
        if iface.defaults:
            from flytelike.compiler import set_defaults

            set_defaults(self.python_interface, iface.defaults, self._where)

    @property
    def task_type(self) -> str:
        return self.kind

    @property
    def task_config(self) -> T | None:
        return self._task_config

    @property
    def interface(self) -> Interface:
        return self._interface

    def get_custom(self, settings: Any = None) -> dict[str, Any] | None:
        """What the template's ``custom`` carries for this task (a plugin overrides it)."""
        return None

    def custom(self) -> dict[str, Any]:
        return dict(self.get_custom(None) or {})

    def pre_execute(self, user_params: Any) -> Any:
        """Called before ``execute`` with the running task's context; returns it (or another)."""
        return user_params

    def post_execute(self, user_params: Any, rval: Any) -> Any:
        """Called with what ``execute`` returned; returns the task's outputs."""
        return rval

    def execute(self, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f"{type(self).__name__} must define execute(self, **kwargs), the task's work"
        )

    def run_body(self, native: dict[str, Any]) -> Any:
        from flytelike.backends import current_context

        params = self.pre_execute(current_context())
        try:
            return self.post_execute(params, self.execute(**native))
        except IgnoreOutputs:
            if self.python_interface.outputs:
                raise LocalExecutionError(
                    f"{self.describe()} raised IgnoreOutputs, but it declares outputs "
                    f"({', '.join(self.python_interface.outputs)}) and a local run has no other "
                    "replica to produce them; return them from execute()",
                    entity=self.name,
                ) from None
            return None

    def describe(self) -> str:
        return f"{self.kind} task `{self.name}`"


class PythonInstanceTask(PythonTask[T]):
    """flytekit's ``PythonTask`` for plugins whose instances share one implementation
    (``task_type`` defaults to ``python-task``); ``task_resolver`` is carried into the IR."""

    def __init__(
        self,
        name: str,
        task_config: T | None = None,
        task_type: str = "python-task",
        task_resolver: Any = None,
        **kwargs: Any,
    ) -> None:
        if task_resolver is not None:
            kwargs["task_resolver"] = task_resolver
        super().__init__(task_type=task_type, name=name, task_config=task_config, **kwargs)


class SQLTask(PythonTask[T]):
    """The base of SQL tasks: a ``query_template`` whose ``{{ .inputs.x }}`` placeholders are
    filled from the inputs (``get_query(**inputs)``). On Flyte a backend plugin runs the
    query; locally a subclass runs it in ``execute`` (``SQLite3Task`` does, with sqlite3)."""

    def __init__(
        self,
        name: str,
        query_template: str,
        task_config: T | None = None,
        task_type: str = "sql_task",
        inputs: dict[str, Any] | None = None,
        metadata: TaskMetadata | None = None,
        outputs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(query_template, str) or not query_template.strip():
            raise DefinitionError(f"{type(self).__name__} {name!r}: query_template is empty")
        self._query_template = " ".join(query_template.split())
        super().__init__(
            task_type=task_type,
            name=name,
            task_config=task_config,
            interface=Interface(inputs=inputs, outputs=outputs),
            metadata=metadata,
            **kwargs,
        )

    @property
    def query_template(self) -> str:
        return self._query_template

    def get_query(self, **kwargs: Any) -> str:
        """The query with the inputs' values in place of their placeholders."""
        return self.interpolate_query(self._query_template, **kwargs)

    @staticmethod
    def interpolate_query(query_template: str, **kwargs: Any) -> str:
        return interpolate_query(query_template, **kwargs)

    def custom(self) -> dict[str, Any]:
        return {"query_template": self._query_template, **(self.get_custom(None) or {})}

    def execute(self, **kwargs: Any) -> Any:
        raise LocalExecutionError(
            f"{self.describe()}: a SQLTask's query runs in a backend plugin on Flyte; to run it "
            "locally, subclass it and define execute(self, **kwargs) (self.get_query(**kwargs) "
            "gives the query), use SQLite3Task for SQLite, or mock it with "
            "flytelike.testing.task_mock",
            entity=self.name,
        )


def _user_location() -> tuple[str, int]:
    """The file and line that created the task: the first frame outside this package and
    outside the subclasses' ``__init__`` chain (a plugin's class defines the task's kind, its
    caller the task)."""
    frame = sys._getframe(1)
    while frame.f_back is not None and (
        frame.f_globals.get("__name__", "").startswith(_HERE) or frame.f_code.co_name == "__init__"
    ):
        frame = frame.f_back
    return (frame.f_code.co_filename, frame.f_lineno)


_PLACEHOLDER = re.compile(r"{{\s*\.(?:inputs|Inputs)\.(\w+)\s*}}")


def interpolate_query(query_template: str, **inputs: Any) -> str:
    """The query with ``{{ .inputs.x }}`` replaced by ``str(inputs["x"])``."""

    def value(m: re.Match[str]) -> str:
        if m.group(1) not in inputs:
            raise KeyError(f"the query names input {m.group(1)!r}, which the task does not have")
        return str(inputs[m.group(1)])

    return _PLACEHOLDER.sub(value, query_template)
