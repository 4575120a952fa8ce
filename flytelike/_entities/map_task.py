"""``map_task(target, concurrency=, min_success_ratio=, min_successes=)`` (also ``map``).

The target is a task, a ``functools.partial`` of one (its bound values, constants or promises,
are passed whole to every element) or a launch plan (``bound_inputs=`` fixes inputs for every
element). Every other input becomes a list, mapped element-wise; the single output becomes a
list, of ``Optional`` values when items may fail: ``min_success_ratio < 1``, or
``min_successes`` set (the number of items that must succeed; it takes precedence over the
ratio, as in flytekit).
"""

from __future__ import annotations

import functools
import typing
from typing import Any

from flytelike.compiler import Entity, PyInterface, call_entity, interface_from_types, map_arguments
from flytelike.errors import DefinitionError, LocalExecutionError
from flytelike.ir import ArrayNode, Variable, required_successes, tolerates_failures


class MapTask(Entity):
    """A map over list inputs of a single-output task or launch plan."""

    kind_label = "map"

    def __init__(
        self,
        target: Any,
        concurrency: int | None = None,
        min_success_ratio: float | None = None,
        min_successes: int | None = None,
        bound_inputs: dict[str, Any] | None = None,
    ) -> None:
        partial_kwargs: dict[str, Any] = {}
        if isinstance(target, functools.partial):
            if target.args:
                raise DefinitionError(
                    "map_task: bind the partial's inputs by keyword "
                    "(functools.partial(task, name=value))"
                )
            partial_kwargs = dict(target.keywords)
            target = target.func
        if not isinstance(target, Entity):
            raise DefinitionError(
                f"map_task: the target must be a task, a functools.partial of a task or a launch "
                f"plan, got {target!r}"
            )
        where = f"map_task({target.name})"
        iface = target.python_interface
        if len(iface.outputs) > 1:
            raise DefinitionError(
                f"{where}: Only tasks with a single output are supported in map tasks; "
                f"`{target.name}` has {len(iface.outputs)} ({', '.join(iface.outputs)})"
            )
        ratio = 1.0 if min_success_ratio is None else float(min_success_ratio)
        if not 0 < ratio <= 1:
            raise DefinitionError(f"{where}: min_success_ratio must be in (0, 1], got {ratio}")
        if min_successes is not None and (
            not isinstance(min_successes, int)
            or isinstance(min_successes, bool)
            or min_successes < 0
        ):
            raise DefinitionError(
                f"{where}: min_successes must be an int >= 0 or None, got {min_successes!r}"
            )
        if concurrency is not None and (not isinstance(concurrency, int) or concurrency < 0):
            raise DefinitionError(f"{where}: concurrency must be an int >= 0 or None")
        bound = {**partial_kwargs, **(bound_inputs or {})}
        for k in bound:
            if k not in iface.inputs:
                raise DefinitionError(
                    f"{where}: bound input {k!r} is not an input of `{target.name}`"
                )
        self.target = target
        self.bound = bound
        self.concurrency = concurrency
        self.min_success_ratio = ratio
        self.min_successes = min_successes
        self.name = f"{target.name}.map"
        inputs = {
            k: (t if k in bound else list[t])  # type: ignore[valid-type]
            for k, t in iface.inputs.items()
        }
        outputs = {}
        for k, t in iface.outputs.items():
            item = typing.Optional[t] if tolerates_failures(ratio, min_successes) else t  # noqa: UP045
            outputs[k] = list[item]  # type: ignore[valid-type]
        self.python_interface: PyInterface = interface_from_types(inputs, outputs, where)
        self.mapped = [k for k in iface.inputs if k not in bound]

    def node_target(self) -> ArrayNode:
        iface = self.python_interface
        return ArrayNode(
            target=self.target.id,  # type: ignore[attr-defined]
            outputs=tuple(Variable(n, lt) for n, lt in iface.output_types.items()),
            bound_inputs=tuple(sorted(self.bound)),
            concurrency=self.concurrency,
            min_success_ratio=self.min_success_ratio,
            min_successes=self.min_successes,
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if args:
            kwargs = map_arguments(_Mapped(self), args, kwargs)
        merged = {**self.bound, **kwargs}
        return call_entity(self, (), merged)

    def local_call(self, kwargs: dict[str, Any]) -> Any:
        lengths = {k: len(kwargs[k]) for k in self.mapped if k in kwargs}
        if len(set(lengths.values())) > 1:
            raise LocalExecutionError(
                f"{self.describe()}: mapped inputs have different lengths: {lengths}",
                entity=self.name,
            )
        n = next(iter(lengths.values()), 0)
        results: list[Any] = []
        failures: list[BaseException] = []
        for i in range(n):
            element = {k: (kwargs[k][i] if k in lengths else kwargs[k]) for k in kwargs}
            try:
                results.append(self.target.local_call(element))
            except Exception as e:
                if not tolerates_failures(self.min_success_ratio, self.min_successes):
                    raise
                failures.append(e)
                results.append(None)
        if n - len(failures) < required_successes(n, self.min_success_ratio, self.min_successes):
            raise failures[0]
        return results if self.python_interface.outputs else None


class _Mapped(Entity):
    """The mapped inputs only, in order: what positional map calls bind to."""

    def __init__(self, m: MapTask) -> None:
        self.name = m.name
        self.python_interface = PyInterface(
            {k: m.python_interface.inputs[k] for k in m.mapped}, {}, {}, {}
        )


def map_task(
    target: Any,
    concurrency: int | None = None,
    min_success_ratio: float | None = None,
    min_successes: int | None = None,
    bound_inputs: dict[str, Any] | None = None,
    **kwargs: Any,
) -> MapTask:
    """Map ``target`` over list inputs (see the module docstring)."""
    return MapTask(target, concurrency, min_success_ratio, min_successes, bound_inputs)
