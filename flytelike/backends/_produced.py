"""Task outputs that are artifacts (``flytelike.artifacts.new``): found and unwrapped before an
attempt's outputs become literals, published once the attempt has succeeded.

The backends cannot import the artifact catalog (it imports them), so ``flytelike.artifacts``
registers a builder here when it is imported (``set_artifact_builder``); a value marked by it
exists only once that module is loaded, in any process. The builder turns ``(output name,
metadata, literal, python type)`` into an object whose ``publish()`` records the versions; it
travels in ``ActionOutcome.artifacts`` (pickled from a worker process like the outputs) and the
engine calls ``publish_artifacts`` where an attempt is known to have succeeded: a failed
attempt publishes nothing, and a cache hit (no attempt) publishes nothing again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

_BUILDER: list[Callable[..., Any]] = []


def set_artifact_builder(builder: Callable[..., Any]) -> None:
    _BUILDER[:] = [builder]


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
    """``result`` with its artifact outputs unwrapped, and ``(output name, metadata)`` of each."""
    if not _BUILDER:  # (nothing can be marked before flytelike.artifacts is imported)
        return result, []
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
