"""The live-entity registry: task objects of this process, by identifier (weak references).

A backend that runs actions in this process looks the action's task up here before resolving its
``FunctionRef``: that is faster than importing, it uses the interface the task computed at
decoration time (no re-evaluation of string annotations of a cloudpickled local function), and it
lets mocks work (``flytelike.testing.task_mock`` sets ``entity.mock``; a mocked entity's mock is
called with native inputs). Entities register when their template is built (``register``);
registration holds no strong reference, so dropping a task object drops its entry.

Protocol a live entity offers the backend (all optional except ``python_interface``):

- ``mock``: a callable (or ``None``); when set it is called as ``mock(**native_inputs)``;
- ``run_body(native) -> value``: the work of a class-based task (shell, sensor, SQL,
  ``PythonTask``), with native inputs;
- ``execute(native) -> value``: the task's body with native inputs (function tasks);
- ``local_call(native) -> value``: for tasks without a Python body (reference entities):
  runs them in-process or raises a clear error.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from flytelike.ir import Identifier

_LIVE: weakref.WeakValueDictionary[Identifier, Any] = weakref.WeakValueDictionary()
_LOCK = threading.Lock()


def register(ident: Identifier, entity: Any) -> None:
    """Make ``entity`` the live object for ``ident`` (the newest registration wins)."""
    try:
        with _LOCK:
            _LIVE[ident] = entity
    except TypeError:  # not weak-referenceable: resolve through the FunctionRef instead
        pass


def lookup(ident: Identifier) -> Any | None:
    """The live entity for ``ident``, or ``None``."""
    try:
        return _LIVE.get(ident)
    except TypeError:  # pragma: no cover - unhashable identifier
        return None


def live_named(name: str) -> list[tuple[Identifier, Any]]:
    """The live entities whose identifier has the name ``name``, with their identifiers."""
    with _LOCK:
        return [(ident, e) for ident, e in _LIVE.items() if ident.name == name]


def is_mocked(ident: Identifier) -> bool:
    e = _LIVE.get(ident)
    return e is not None and getattr(e, "mock", None) is not None


def clear() -> None:
    with _LOCK:
        _LIVE.clear()


def register_tree(entity: Any) -> None:
    """Register ``entity`` and every task-like entity it references (workflow nodes, launch
    plan workflows, map targets, failure handlers, reference entities)."""
    seen: set[int] = set()
    stack = [entity]
    while stack:
        e = stack.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        target = getattr(e, "target", None)
        if target is not None and hasattr(e, "mapped"):  # a map: its target is the entity
            stack.append(target)
            continue
        on_failure = getattr(e, "on_failure", None)
        if on_failure is not None:
            stack.append(on_failure)
        workflow = getattr(e, "workflow", None)
        if workflow is not None and hasattr(e, "fixed_inputs"):  # a launch plan (a test may
            stack.append(workflow)  # mock it too)
            ident = getattr(e, "id", None)
            if isinstance(ident, Identifier):
                register(ident, e)
            continue
        entities = getattr(e, "node_entities", None)
        if entities is not None:  # a workflow (registered too: a test may mock it)
            stack.extend(entities.values())
            ident = getattr(e, "id", None)
            if isinstance(ident, Identifier):
                register(ident, e)
            continue
        if getattr(e, "python_interface", None) is None:
            continue
        try:
            ident = e.id
        except Exception:
            continue
        if isinstance(ident, Identifier):
            register(ident, e)
