"""What the run store holds, as Python: the record types ``RunStore`` returns, the statements
it queues and the small codecs of its columns (JSON errors, the process id).

Errors are ``ActionError`` values (``_action_error``); the ``error`` columns hold them as JSON.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from flytelike.engine._action_error import ActionError
from flytelike.engine._namespace import DEFAULT_DOMAIN, DEFAULT_PROJECT


@dataclass(frozen=True, slots=True)
class RunRecord:
    name: str
    entity: str
    kind: str
    phase: str
    created_at: float
    started_at: float | None
    ended_at: float | None
    # The error of the action that failed the run (``None`` unless it failed).
    error: ActionError | None
    options: dict[str, Any]
    attempts: int
    # The run's namespace (``_namespace``).
    project: str = DEFAULT_PROJECT
    domain: str = DEFAULT_DOMAIN

    @property
    def duration(self) -> float | None:
        if self.started_at is None or self.ended_at is None:
            return None
        return self.ended_at - self.started_at


@dataclass(frozen=True, slots=True)
class ActionRecord:
    run_name: str
    action_id: str
    parent: str
    node_id: str
    kind: str
    name: str
    phase: str
    queued_at: float | None
    started_at: float | None
    ended_at: float | None
    # Why the action failed (its last attempt's error); ``None`` unless it failed.
    error: ActionError | None
    cache_status: str
    attempts: int
    # The v2 group path the action was called in (``with group("a"): with group("b")`` ->
    # ``"a/b"``); empty outside any group.
    group: str = ""


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    action_id: str
    attempt: int
    phase: str
    started_at: float | None
    ended_at: float | None
    error_kind: str
    error_type: str
    message: str
    traceback: str
    task: str = ""

    @property
    def error(self) -> ActionError | None:
        """The attempt's error as an ``ActionError`` (``None`` when it did not fail)."""
        if not (self.error_kind or self.error_type or self.message):
            return None
        return ActionError(
            self.error_kind,
            self.error_type,
            self.message,
            self.traceback,
            self.action_id,
            "",
            self.task,
            self.attempt,
            self.started_at,
            self.ended_at,
            # (only the engine's own timeouts have this bare type; user code's is qualified)
            self.error_type == "TimeoutError",
        )


_RUN_COLS = (  # (rows an older flytelike wrote after the migration have no namespace)
    "name, entity, kind, phase, created_at, started_at, ended_at, error, options, attempts, "
    f"coalesce(project, '{DEFAULT_PROJECT}'), coalesce(domain, '{DEFAULT_DOMAIN}')"
)
_ACTION_COLS = (
    "run_name, action_id, parent, node_id, kind, name, phase, queued_at, started_at, ended_at, "
    "error, cache_status, attempts, group_name"
)

_ACTION_KEY = ("run_name", "action_id")
_CACHED_RUN_ROW = (
    "INSERT OR REPLACE INTO runs (name, entity, kind, phase, created_at, started_at, ended_at, inputs, "
    "inputs_uri, outputs, outputs_uri, error, closure, options, parent, pid, cache_key, project, "
    "domain) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
_WHOLE_ACTION = (
    "INSERT OR REPLACE INTO actions (run_name, action_id, parent, node_id, kind, name, phase, "
    "queued_at, started_at, ended_at, inputs, inputs_uri, outputs, outputs_uri, error, cache_key, "
    "cache_status, attempts, group_name) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
_ATTEMPT = (
    "INSERT OR REPLACE INTO attempts (run_name, action_id, attempt, phase, started_at, ended_at, "
    "error_kind, error_type, message, traceback) VALUES (?,?,?,?,?,?,?,?,?,?)"
)
# The usual rows without the columns they leave empty (NULL either way): each ``None`` bound
# costs sqlite3 an adapter call (``_store._plain_parameters``), five per action row, four per
# attempt row. A finished action's row with no URIs, error, cache key or group:
_PLAIN_ACTION = (
    "INSERT OR REPLACE INTO actions (run_name, action_id, parent, node_id, kind, name, phase, "
    "queued_at, started_at, ended_at, inputs, outputs, cache_status, attempts) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
# The commonest of those, a task action that succeeded without the cache (a chain's every step),
# with its constant columns written in the statement: sqlite3 binds each parameter separately
# (about 700 instructions for a text), so three fewer per row.
_TASK_SUCCEEDED = (
    "INSERT OR REPLACE INTO actions (run_name, action_id, parent, node_id, kind, name, phase, "
    "queued_at, started_at, ended_at, inputs, outputs, cache_status, attempts) "
    "VALUES (?,?,?,?,'task',?,'SUCCEEDED',?,?,?,?,?,'',?)"
)
# A cache hit's run row with its inputs and outputs inline and no error:
_PLAIN_CACHED_RUN_ROW = (
    "INSERT OR REPLACE INTO runs (name, entity, kind, phase, created_at, started_at, ended_at, "
    "inputs, outputs, closure, options, parent, pid, cache_key, project, domain) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
# An attempt without an error:
_ATTEMPT_OK = (
    "INSERT OR REPLACE INTO attempts (run_name, action_id, attempt, phase, started_at, ended_at) "
    "VALUES (?,?,?,?,?,?)"
)


# A started action's row while it is held back (``RunStore.start_action``): parent, node id,
# kind, name, phase, started (also queued) at, inputs, inputs URI, group.
Held = tuple[str, str, str, str, str, float, bytes | None, str | None, str | None]


def held_row(run: str, action_id: str, h: Held) -> dict[str, Any]:
    """A held start row as the ``actions`` upsert the writer makes of it."""
    row = {
        "run_name": run,
        "action_id": action_id,
        "parent": h[0],
        "node_id": h[1],
        "kind": h[2],
        "name": h[3],
        "phase": h[4],
        "queued_at": h[5],
        "started_at": h[5],
        "ended_at": None,
        "error": None,
        "inputs": h[6],
        "inputs_uri": h[7],
    }
    if h[8] is not None:
        row["group_name"] = h[8]
    return row


def finished_row(
    run: str,
    action_id: str,
    s: Held,
    phase: str,
    now: float,
    outputs: bytes | None,
    outputs_uri: str | None,
    error: dict[str, Any] | None,
    cache_key: str | None,
    cache_status: str,
    attempts: int,
) -> tuple[str, tuple[Any, ...]]:
    """The statement and row of an action written whole (started and finished in one batch;
    ``s``: its held start row): the plain shape when its optional columns are all empty."""
    parent, node_id, kind, name, _, started, inputs, inputs_uri, group = s
    if (
        outputs_uri is None
        and error is None
        and cache_key is None
        and inputs_uri is None
        and group is None
    ):
        if kind == "task" and phase == "SUCCEEDED" and cache_status == "":
            return _TASK_SUCCEEDED, (
                run, action_id, parent, node_id, name, started, started, now, inputs, outputs,
                attempts,
            )  # fmt: skip
        return _PLAIN_ACTION, (
            run, action_id, parent, node_id, kind, name, phase, started, started, now, inputs,
            outputs, cache_status, attempts,
        )  # fmt: skip
    return _WHOLE_ACTION, (
        run, action_id, parent, node_id, kind, name, phase, started, started, now, inputs,
        inputs_uri, outputs, outputs_uri, _json(error), cache_key, cache_status, attempts, group,
    )  # fmt: skip


# Pickled closures by object: a closure is pickled once however many times it runs.


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


def _unjson(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _error(text: str | None) -> ActionError | None:
    """An ``error`` column (JSON) as an ``ActionError``."""
    found = None if not text else json.loads(text)
    return ActionError.from_dict(found) if isinstance(found, dict) else None


# A run row's ``options`` and ``error`` texts, decoded once per distinct text: runs of one entity
# share their options, so listing thousands of runs decodes a few documents, not thousands
# (``ActionError`` is immutable and shared; options dicts are copied).
_OPTIONS: dict[str, dict[str, Any]] = {}
_ERRORS: dict[str, ActionError | None] = {}
_MEMO_SIZE = 1024


def _run_options(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    found = _OPTIONS.get(text)
    if found is None:
        if len(_OPTIONS) >= _MEMO_SIZE:
            _OPTIONS.clear()
        decoded = json.loads(text)
        found = _OPTIONS[text] = decoded if isinstance(decoded, dict) else {}
    return dict(found)


def _run_error(text: str | None) -> ActionError | None:
    if not text:
        return None
    if text in _ERRORS:
        return _ERRORS[text]
    if len(_ERRORS) >= _MEMO_SIZE:
        _ERRORS.clear()
    found = _ERRORS[text] = _error(text)
    return found


_PID = [os.getpid()]
os.register_at_fork(after_in_child=lambda: _PID.__setitem__(0, os.getpid()))


def _pid() -> int:
    return _PID[0]
