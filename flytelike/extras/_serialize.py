"""``serialize`` and ``serialize_env`` (flyte 2's ``flyte.extras``): a task's specification,
made offline, without a cluster or a code bundle.

``serialize(task, ctx=None)`` is the task's IR as a protobuf message: the
``flytelike.ir.v1.Closure`` of the task (its template and every template it references), whose
bytes are what ``flytelike.serialization.to_proto_bytes`` writes. ``ctx`` is a
``flytelike.models.SerializationContext``: its ``version`` is stamped on every entity of the
closure and every reference to one (``"serialized"`` without a ``ctx``, as flyte's placeholder),
and its ``project``/``domain``, when given, on their identifiers. Its code bundle and paths name
where a cluster finds the code and data; a local closure carries the code's location itself, so
they change nothing here. ``serialize_env(env, ctx=None)`` is the list of them for every task of
a ``TaskEnvironment``, in definition order.
"""

from __future__ import annotations

from typing import Any

from flytelike.errors import DefinitionError

PLACEHOLDER_VERSION = "serialized"


def _namespaced(closure: Any, project: str | None, domain: str | None) -> Any:
    """``closure`` with ``project``/``domain`` on the identifiers of what it defines."""
    from flytelike.ir import Identifier, field_names, is_record, replace

    own = {
        t.id.name
        for group in (closure.tasks, closure.workflows, closure.launch_plans)
        for t in group
        if getattr(t, "kind", "") != "reference"
    }
    changes = {k: v for k, v in (("project", project), ("domain", domain)) if v}

    def visit(obj: Any) -> Any:
        if type(obj) is Identifier:
            return replace(obj, **changes) if obj.name in own else obj
        if is_record(obj):
            new = {n: visit(getattr(obj, n)) for n in field_names(obj)}
            if all(new[n] is getattr(obj, n) for n in new):
                return obj
            return replace(obj, **new)
        if type(obj) is tuple:
            items = tuple(visit(v) for v in obj)
            return obj if all(a is b for a, b in zip(items, obj, strict=True)) else items
        return obj

    return visit(closure)


def serialize(task: Any, ctx: Any = None) -> Any:
    """The task's IR closure as a ``flytelike.ir.v1.Closure`` protobuf message (see the module
    docstring)."""
    from flytelike.compiler import closure_of
    from flytelike.models import SerializationContext
    from flytelike.proto import ir_pb2
    from flytelike.serialization import to_proto_bytes

    if not hasattr(task, "template"):
        raise DefinitionError(
            f"serialize: expected a task (@env.task), got {type(task).__name__}; serialise an "
            "environment's tasks with serialize_env(env)"
        )
    if ctx is None:
        ctx = SerializationContext(version=PLACEHOLDER_VERSION)
    if not isinstance(ctx, SerializationContext):
        raise DefinitionError(
            f"serialize: ctx must be a flytelike.models.SerializationContext, got {ctx!r}"
        )
    if not isinstance(ctx.version, str) or not ctx.version:
        raise DefinitionError("serialize: SerializationContext(version=...) must be non-empty")
    closure = closure_of(task, ctx.version)
    if ctx.project or ctx.domain:
        closure = _namespaced(closure, ctx.project, ctx.domain)
    message = ir_pb2.Closure()
    message.ParseFromString(to_proto_bytes(closure))
    return message


def serialize_env(env: Any, ctx: Any = None) -> list[Any]:
    """``serialize`` of every task of ``env`` (a ``TaskEnvironment``), in definition order."""
    tasks = getattr(env, "tasks", None)
    if not isinstance(tasks, dict):
        raise DefinitionError(
            f"serialize_env: expected a TaskEnvironment, got {type(env).__name__}"
        )
    return [serialize(t, ctx) for t in tasks.values()]


__all__ = ["PLACEHOLDER_VERSION", "serialize", "serialize_env"]
