"""The execution engine: interprets the IR, hands task actions to a backend, records runs.

``run(entity, **inputs)`` runs a task, workflow or launch plan and returns a ``Run``;
``get_run``/``list_runs``/``resume``/``signal``/``abort`` manage runs; ``current_context()`` is
what a running task sees. A default ``Engine`` is built from the environment (``EngineConfig``) on first
use; ``set_default_engine`` replaces it (tests, embedding). Nothing here reads the environment or
opens the store at import.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from flytelike.backends import (
    LOG_LIMIT,
    ActionLog,
    Checkpoint,
    ExecutionContext,
    ExecutionId,
    at_child_exit,
    current_context,
)
from flytelike.backends import DeckTab as Deck
from flytelike.compiler import has_promise
from flytelike.engine import _gates, _map, _map_batches
from flytelike.engine._abort import request as request_abort
from flytelike.engine._abort import state as abort_state
from flytelike.engine._action_error import ActionError
from flytelike.engine._cache import CacheEntry, TaskCache
from flytelike.engine._children import (
    call_blocking,
    can_call_blocking,
    can_child_call,
    child_call,
    next_child_action_id,
)
from flytelike.engine._code import code_location
from flytelike.engine._code import prepare as prepare_code
from flytelike.engine._condition_types import KIND as CONDITION_KIND
from flytelike.engine._condition_types import parse_uri as parse_condition_uri
from flytelike.engine._condition_types import python_type as condition_python_type
from flytelike.engine._config import EngineConfig
from flytelike.engine._convert import inputs_to_literals, literals_to_python, python_types
from flytelike.engine._events import ATTEMPT as ATTEMPT_EVENT
from flytelike.engine._events import NODE as NODE_EVENT
from flytelike.engine._events import RUN as RUN_EVENT
from flytelike.engine._events import EventBus, PhaseEvent
from flytelike.engine._handle import Run, RunOwner, set_run_view
from flytelike.engine._index import ClosureIndex, to_closure
from flytelike.engine._interpreter import register_node_handler
from flytelike.engine._namespace import check_name as check_namespace_name
from flytelike.engine._namespace import resolve as resolve_namespace
from flytelike.engine._overrides import merged as task_with_overrides
from flytelike.engine._phases import NodePhase, TaskPhase, WorkflowPhase
from flytelike.engine._rows import ActionRecord, AttemptRecord, RunRecord
from flytelike.engine._run import Engine, new_run_name
from flytelike.engine._run_store import RunStore
from flytelike.engine.errors import (
    AbortError,
    DeleteError,
    EngineError,
    ResumeError,
    RunFailedError,
    RunNotFinishedError,
    RunNotFoundError,
    SignalError,
    TaskTimeoutError,
)
from flytelike.errors import PromiseUsageError
from flytelike.ir import ArrayNode, GateNode

# Node kinds in modules of their own, which import the interpreter (so it cannot import them):
# the engine registers them with it, and maps hand remote backends their items in batches.
register_node_handler(ArrayNode, _map.run_map)
register_node_handler(GateNode, _gates.run_gate)
_map.use_batches(_map_batches.run_batched)

_DEFAULT: Engine | None = None
_LOCK = threading.Lock()


def default_engine() -> Engine:
    """The process-wide engine, built from the environment on first use."""
    global _DEFAULT
    if _DEFAULT is None:
        with _LOCK:
            if _DEFAULT is None:
                _DEFAULT = Engine()
    return _DEFAULT


def set_default_engine(engine: Engine | None) -> Engine | None:
    """Replace the default engine (``None``: build a new one from the environment on next use);
    returns the previous one, which the caller may close."""
    global _DEFAULT
    with _LOCK:
        old, _DEFAULT = _DEFAULT, engine
    return old


def _after_fork_in_child() -> None:
    # A forked worker process (a sync body with a timeout, ``backends._worker``) must not use the
    # driver's engine, whose run store connections belong to the driver: a direct call made there
    # builds its own engine, which the worker closes (flushing its records) before it exits.
    global _DEFAULT, _LOCK
    _DEFAULT = None
    _LOCK = threading.Lock()
    at_child_exit(_close_default)


def _close_default() -> None:
    old = set_default_engine(None)
    if old is not None:
        old.close()


os.register_at_fork(after_in_child=_after_fork_in_child)


def run(entity: Any, /, **kwargs: Any) -> Run:
    """Run ``entity`` with the default engine; see ``Engine.run`` for the keyword options."""
    return default_engine().run(entity, **kwargs)


def get_run(name: str) -> Run:
    return default_engine().get_run(name)


def list_runs(
    limit: int = 50, phase: str | None = None, entity: str | None = None
) -> list[RunRecord]:
    return default_engine().list_runs(limit, phase, entity)


def resume(name: str, *, wait: bool = True) -> Run:
    return default_engine().resume(name, wait=wait)


def signal(run_name: str, name: str, value: Any) -> None:
    default_engine().signal(run_name, name, value)


def abort(run_name: str, action_id: str | None = None, reason: str = "") -> None:
    """Abort a run, or one of its running actions, of the default engine; see ``Run.abort``."""
    default_engine().abort(run_name, action_id, reason)


def call(entity: Any, kwargs: dict[str, Any]) -> Any:
    """A direct call (``t(x=1)``, ``wf(...)`` outside a workflow): run, then return the outputs
    as Python values; a failure raises the task's own exception, with a note naming the run."""
    for k, v in kwargs.items():
        if has_promise(v):
            raise PromiseUsageError(
                f"{entity.describe()} was called with a promise for input `{k}` outside a "
                "workflow body; promises only exist while a workflow compiles",
                entity=getattr(entity, "name", ""),
                input_name=k,
            )
    r = default_engine().run(entity, direct_call=True, inputs=kwargs)
    live = r._live
    if live is not None and live.failure is not None:
        exc = live.failure.error.exception
        if exc is not None:
            exc.add_note(f"(flytelike run {r.name}, node {live.failure.action_id})")
            raise exc
    return r.outputs()


__all__ = [
    "LOG_LIMIT",
    "AbortError",
    "DeleteError",
    "ActionError",
    "ActionLog",
    "ActionRecord",
    "AttemptRecord",
    "CacheEntry",
    "Checkpoint",
    "Deck",
    "Engine",
    "EngineConfig",
    "EngineError",
    "EventBus",
    "ExecutionContext",
    "ExecutionId",
    "NodePhase",
    "PhaseEvent",
    "ResumeError",
    "Run",
    "RunFailedError",
    "RunNotFinishedError",
    "RunNotFoundError",
    "RunOwner",
    "RunRecord",
    "RunStore",
    "SignalError",
    "TaskCache",
    "TaskPhase",
    "TaskTimeoutError",
    "WorkflowPhase",
    "abort",
    "abort_state",
    "request_abort",
    "call",
    "can_child_call",
    "child_call",
    "current_context",
    "default_engine",
    "get_run",
    "list_runs",
    "resume",
    "run",
    "set_default_engine",
    "set_run_view",
    "signal",
    "ATTEMPT_EVENT",
    "CONDITION_KIND",
    "ClosureIndex",
    "NODE_EVENT",
    "RUN_EVENT",
    "call_blocking",
    "can_call_blocking",
    "check_namespace_name",
    "code_location",
    "condition_python_type",
    "inputs_to_literals",
    "literals_to_python",
    "new_run_name",
    "next_child_action_id",
    "parse_condition_uri",
    "prepare_code",
    "python_types",
    "resolve_namespace",
    "task_with_overrides",
    "to_closure",
]
