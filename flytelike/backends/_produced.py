"""Task outputs that are artifacts (``flytelike.artifacts.new``): found and unwrapped before an
attempt's outputs become literals, published once the attempt has succeeded.

The backends cannot import the artifact catalog (it imports them), so ``flytelike.artifacts``
registers a builder here when it is imported (``set_artifact_builder``); a value marked by it
exists only once that module is loaded, in any process. The builder turns ``(output name,
metadata, literal, python type)`` into an object whose ``publish()`` records the versions; it
travels in ``ActionOutcome.artifacts`` (pickled from a worker process like the outputs) and the
engine calls ``publish_artifacts`` where an attempt is known to have succeeded: a failed
attempt publishes nothing, and a cache hit (no attempt) publishes nothing again.

A caller may declare the outputs of the tasks it calls as artifacts (flyte's
``artifacts.produces``): ``declaring_outputs(outputs)`` marks the block in the caller, the task call
hands the declarations to the child action it starts (``hand_declarations``, keyed by run and
action id, kept for the child's retries and dropped when the call returns), and the child's
attempts read them back here. Only the running action that opened the block hands them on, so
the child's own calls never inherit them. A declaration names an output slot (``o0``, ...);
a slot the task does not have fails the child's attempt (``UndeclaredOutput``, as flyte). The
declaration is published only when the called task runs with ``produces_artifacts=True``
(as flyte's platform does; otherwise a warning says so and nothing is published for it); it
wins over the task's own ``new`` metadata for the artifact's identity, and the task's
description, card and attrs fill in what it leaves empty (``Metadata.merged_over``).
"""

from __future__ import annotations

import contextvars
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

_BUILDER: list[Callable[..., Any]] = []
# (Metadata -> JSON, JSON -> Metadata), registered by flytelike.artifacts with its builder, for
# what crosses a process boundary as protobuf (the gRPC executor): ``*_to_wire``/``*_from_wire``.
_CODEC: list[tuple[Callable[[Any], str], Callable[[str], Any]]] = []

# ((run name, action id) of the action that opened the block, {slot: metadata}) in a block.
_DECLARING: contextvars.ContextVar[tuple[tuple[str, str], dict[str, Any]] | None] = (
    contextvars.ContextVar("flytelike_declared_artifacts", default=None)
)
# (run name, child action id) -> ({slot: metadata}, the called task's produces_artifacts, name).
_HANDED: dict[tuple[str, str], tuple[dict[str, Any], bool, str]] = {}
_HANDED_LOCK = threading.Lock()
_LOG = logging.getLogger("flytelike.artifacts")


def set_artifact_builder(
    builder: Callable[..., Any],
    to_json: Callable[[Any], str] | None = None,
    from_json: Callable[[str], Any] | None = None,
) -> None:
    _BUILDER[:] = [builder]
    if to_json is not None and from_json is not None:
        _CODEC[:] = [(to_json, from_json)]


def _running_key() -> tuple[str, str] | None:
    from flytelike.backends._runtime import running_action

    ec = running_action()
    return None if ec is None else (ec.action.run_name, ec.action.action_id)


@contextmanager
def declaring_outputs(outputs: Mapping[str, Any]) -> Iterator[None]:
    """Inside a running action: task calls made in the block hand ``outputs`` (``{slot:
    metadata}``) to the action they start. Outside one: nothing."""
    key = _running_key()
    if key is None:
        yield
        return
    token = _DECLARING.set((key, dict(outputs)))
    try:
        yield
    finally:
        _DECLARING.reset(token)


def hand_declarations(
    child_action_id: str | None, produces_artifacts: bool, task_name: str
) -> tuple[str, str] | None:
    """Give child action ``child_action_id`` of the running action's run the declarations of
    the block this call is made in (when the running action opened it); the key to drop them
    by once the call has returned, or None when there are none."""
    found = _DECLARING.get()
    if found is None or child_action_id is None:
        return None
    owner, outputs = found
    here = _running_key()
    if here != owner:  # (a call made by a task called in the block: not declared for)
        return None
    key = (owner[0], child_action_id)
    with _HANDED_LOCK:
        _HANDED[key] = (outputs, produces_artifacts, task_name)
    return key


def declared_for(run_name: str, action_id: str) -> Any:
    """The declarations handed to action ``action_id`` of ``run_name`` (for its
    ``ActionContext.declared_artifacts``), or None."""
    if not _HANDED:
        return None
    with _HANDED_LOCK:
        return _HANDED.get((run_name, action_id))


def drop_declarations(key: tuple[str, str] | None) -> None:
    if key is not None:
        with _HANDED_LOCK:
            _HANDED.pop(key, None)


def _caller_declared(tf: Any) -> dict[str, Any]:
    """The declarations the caller handed to the running action (checked against ``tf``'s
    outputs), ``{}`` when none or when the task may not publish them: from the action's context
    (filled by the engine, so they reach a worker in another process), else from this process's
    table."""
    from flytelike.backends._runtime import running_action

    ec = running_action()
    if ec is None:
        return {}
    found = ec.action.declared_artifacts
    if found is None and _HANDED:
        with _HANDED_LOCK:
            found = _HANDED.get((ec.action.run_name, ec.action.action_id))
    if found is None:
        return {}
    outputs, allowed, task_name = found
    unknown = sorted(set(outputs) - set(tf.output_names))
    if unknown:
        from flytelike.errors import RuntimeUserError

        returns = ", ".join(tf.output_names) or "nothing"
        raise RuntimeUserError(
            "UndeclaredOutput",
            f"The caller declared artifacts for output(s) {', '.join(unknown)}, but "
            f"{task_name} returns {returns}; declare the slots it has (o0 for the first "
            "output, o1 for the second, ...)",
        )
    if not allowed:
        _LOG.warning(
            "artifacts.produces(%s) declared for %s is not published: the task does not run "
            "with produces_artifacts=True (call %s.override(produces_artifacts=True) in the "
            "block, or set it on @env.task)",
            ", ".join(sorted(outputs)),
            task_name,
            task_name.rpartition(".")[2],
        )
        return {}
    return dict(outputs)


def _declared(value: Any) -> tuple[Any, Any] | None:
    """``(value, metadata)`` for an output marked as an artifact, else None."""
    if getattr(type(value), "__flytelike_artifact__", False):
        return value.unwrap()  # type: ignore[no-any-return]
    # (a method of the value's class: not an attribute a proxy or mock makes up on demand)
    if isinstance(value, type) or not callable(getattr(type(value), "get_artifact_metadata", None)):
        return None
    metadata = value.get_artifact_metadata()
    return None if metadata is None else (value, metadata)


def split_artifacts(tf: Any, result: Any) -> tuple[Any, list[tuple[str, Any]]]:
    """``result`` with its artifact outputs unwrapped, and ``(output name, metadata)`` of each
    (the caller's declarations included, merged over the task's own)."""
    if not _BUILDER:  # (nothing can be marked before flytelike.artifacts is imported)
        return result, []
    by_caller = _caller_declared(tf)
    result, own = _split_own(tf, result)
    if not by_caller:
        return result, own
    mine = dict(own)
    merged = [(name, md.merged_over(mine.pop(name, None))) for name, md in by_caller.items()]
    return result, [*merged, *mine.items()]


def _split_own(tf: Any, result: Any) -> tuple[Any, list[tuple[str, Any]]]:
    """``result`` with the outputs the task marked itself (``new``) unwrapped."""
    names = tf.output_names
    if not names:
        return result, []
    if len(names) == 1 and tf.single is not None:
        found = _declared(result)
        return (result, []) if found is None else (found[0], [(names[0], found[1])])
    if not isinstance(result, tuple) or len(result) != len(names):
        return result, []  # (the conversion reports the shape)
    values = list(result)
    declared: list[tuple[str, Any]] = []
    for i, (name, value) in enumerate(zip(names, values, strict=True)):
        found = _declared(value)
        if found is not None:
            values[i] = found[0]
            declared.append((name, found[1]))
    if not declared:
        return result, []
    if hasattr(result, "_fields"):
        return type(result)(*values), declared
    return tuple(values), declared


def produced(
    tf: Any, declared: list[tuple[str, Any]], outputs: Mapping[str, Any], action: Any
) -> Any:
    """What to publish for ``declared`` outputs (None when there are none); checked now, so a
    version the catalog would refuse fails the attempt."""
    if not declared:
        return None
    items = [(name, md, outputs[name], tf.out_conv[name][1]) for name, md in declared]
    return _BUILDER[0](items, action)


def publish_artifacts(outcome: Any) -> Any:
    """Publish what a succeeded attempt produced; an outcome whose publication failed becomes
    that attempt's user error."""
    artifacts = outcome.artifacts
    if artifacts is None or outcome.error is not None:
        return outcome
    try:
        artifacts.publish()
    except Exception as e:
        from flytelike.backends._protocol import USER, ExecutionError
        from flytelike.backends._tracebacks import user_traceback

        error = ExecutionError(
            kind=USER,
            message=f"{type(e).__name__}: {e}",
            error_type=f"{type(e).__module__}.{type(e).__qualname__}",
            traceback=user_traceback(e),
            exception=e,
        )
        return replace(outcome, outputs=None, error=error, artifacts=None)
    return outcome


# ------------------------------------------------------------------------------ on the wire
# The caller imports flytelike.artifacts first (it registers the codec with the builder).
def produced_to_wire(artifacts: Any) -> list[tuple[str, str]]:
    """``(output name, metadata as JSON)`` of what an outcome publishes (``artifacts.declared``)."""
    to_json = _CODEC[0][0]
    return [(output, to_json(md)) for output, md in artifacts.declared]


def produced_from_wire(
    pairs: list[tuple[str, str]], task: Any, outputs: Mapping[str, Any], action: Any
) -> Any:
    """What an outcome received as ``(output name, metadata JSON)`` publishes: built here, against
    the output literals and the template's output types, as the worker built it."""
    from_json = _CODEC[0][1]  # (registered when flytelike.artifacts is imported)
    types = {v.name: v.type for v in task.interface.outputs}
    items = [(out, from_json(text), outputs[out], types[out]) for out, text in pairs]
    return _BUILDER[0](items, action)


def declared_to_wire(declared: Any) -> tuple[list[tuple[str, str]], bool, str]:
    """An ``ActionContext.declared_artifacts`` as ``([(slot, metadata JSON)], publish, task)``."""
    outputs, allowed, task_name = declared
    to_json = _CODEC[0][0]
    return [(slot, to_json(md)) for slot, md in outputs.items()], bool(allowed), str(task_name)


def declared_from_wire(pairs: list[tuple[str, str]], allowed: bool, task_name: str) -> Any:
    from_json = _CODEC[0][1]  # (registered when flytelike.artifacts is imported)
    return {slot: from_json(text) for slot, text in pairs}, allowed, task_name
