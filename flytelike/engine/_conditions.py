"""Conditions (flyte 2's ``flyte.new_condition``): a running task waits for a typed value that
someone sends from outside the run.

- **A recorded action.** A condition is a child action of the task action that creates it,
  recorded when it is created: action id ``<parent>/cond-<name>``, kind ``condition``, name the
  condition's, inputs ``prompt``, ``prompt_type`` and ``description`` (strings), output ``o0``
  the value it was signalled with. It is a gate of kind ``condition`` as well (a ``gates`` row
  with the ``LiteralType`` of its data type), so it is signalled as every gate is:
  ``Run.signal(name, value)``, ``flytelike runs signal RUN NAME VALUE`` (or ``flytelike runs
  signal CALLBACK_URI VALUE``), the UI's approve/reject buttons (bool) or value form, and
  ``flytelike.remote.Condition.signal``. A signal sent before ``wait`` starts is kept and taken.
- **Values.** The data type is ``bool``, ``int``, ``float`` or ``str``; a signal converts as
  flyte converts a condition's payload (``coerce``): a bool takes ``true``/``false`` or the
  strings ``true/false, yes/no, y/n, t/f, 1/0``; an int an int or its decimal string; a float a
  number or its string; a str anything (``str(value)``). While the condition waits a signal
  that does not convert is refused when it is sent (``SignalError``, nothing stored); one that
  was stored before it was created fails it (``FAILED``, ``ConditionFailedError``).
- **Names.** One condition per name per run; conditions share the namespace of signal names with
  flytekit's gates. Creating it again from the same action in a later attempt (a retry, a
  resumed run) is the same condition: waiting returns the value it was signalled with at once,
  or, if it was never signalled, it waits again (its timeout restarts). A second creation in the
  same attempt, from another action, or over a gate of that name raises
  ``ConditionAlreadyExistsError``.
- **Timeout** counts from creation, as a control plane counts a condition action's; ``wait``
  past it records the action ``TIMED_OUT`` and raises ``ConditionTimedoutError``. An aborted
  wait (the run or the task aborted) records ``ABORTED``; a condition never waited for is
  aborted when the run's root action ends (``_lifetime``), and its gate closed.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import typesystem
from flytelike.backends import running_action
from flytelike.engine import _children, _gates
from flytelike.engine._condition_types import KIND, TYPES, action_id, callback_uri, coerce
from flytelike.engine._phases import NodePhase

__all__ = ["KIND", "Opened", "callback_uri", "create", "live", "wait"]

if TYPE_CHECKING:
    from flytelike.engine._execution import Execution
    from flytelike.engine._run_store import RunStore

_UNSET: Any = object()


@dataclass
class Opened:
    """A condition created in a run executing here."""

    run_name: str
    action_id: str
    parent: str
    attempt: int
    name: str
    data_type: type
    timeout: float | None
    deadline: float | None
    value: Any = _UNSET  # the value it was signalled with, once it was
    phase: str = NodePhase.RUNNING.value

    @property
    def signalled(self) -> bool:
        return self.value is not _UNSET


@dataclass
class _RunConditions:
    ex: weakref.ref[Execution]
    by_name: dict[str, Opened] = field(default_factory=dict)


_RUNS: dict[str, _RunConditions] = {}
_LOCK = threading.Lock()


def live() -> bool:
    """True inside a running task action whose run executes in this process (a condition can be
    created and waited for there)."""
    return _children.can_call_blocking()


def _execution() -> tuple[Execution, Any]:
    ctx = running_action()
    ex = _children._ACTIVE.get(ctx.action.run_name) if ctx is not None else None
    if ctx is None or ex is None:
        from flytelike.errors import NotInTaskContextError

        raise NotInTaskContextError(
            "NotInTaskContextError",
            "a condition needs a running task whose run executes in this process "
            "(flytelike.run on the local backend); this code runs outside one, or in another "
            "process (a sync task with a timeout runs its body in a worker process, the Ray "
            "backend in Ray workers). Make the task async, or drop its timeout.",
        )
    return ex, ctx


def _conditions(ex: Execution) -> dict[str, Opened]:
    with _LOCK:
        for run in [r for r, e in _RUNS.items() if e.ex() is None]:
            del _RUNS[run]
        entry = _RUNS.get(ex.run_name)
        if entry is None or entry.ex() is not ex:
            entry = _RUNS[ex.run_name] = _RunConditions(weakref.ref(ex))
        return entry.by_name


def create(
    name: str,
    prompt: str,
    prompt_type: str,
    description: str,
    data_type: type,
    timeout: float | None,
) -> Opened:
    """Create condition ``name`` in the running task action (see the module docstring); call on
    the run's event loop or a loop of the run (``_children.call_blocking``)."""
    from flytelike.errors import ConditionAlreadyExistsError

    ex, ctx = _execution()
    parent, attempt = ctx.action.action_id, ctx.action.attempt
    aid = action_id(parent, name)
    where = f"run {ex.run_name}, action {parent}"
    conds = _conditions(ex)
    known = conds.get(name)
    if known is not None and (known.parent != parent or known.attempt == attempt):
        raise ConditionAlreadyExistsError(
            f"condition {name!r} already exists in run {ex.run_name} (created by action "
            f"{known.parent}, now again by {parent}); a run's conditions need distinct names"
        )
    store = ex.store
    if store is not None:
        store.flush()
        for gate_aid, gate_name, kind, _, _ in store.gates(ex.run_name):
            if gate_name == name and gate_aid != aid:
                what = "condition" if kind == KIND else f"{kind} gate"
                raise ConditionAlreadyExistsError(
                    f"condition {name!r} in {where}: the run already has a {what} of that name "
                    f"(action {gate_aid}); a run's conditions and gates need distinct names"
                )
    deadline = None if timeout is None else time.monotonic() + timeout
    opened = Opened(ex.run_name, aid, parent, attempt, name, data_type, timeout, deadline)
    prior = ex.prior.get(aid)
    if known is not None and known.value is not _UNSET:
        opened.value, opened.phase = known.value, known.phase
    elif prior is not None and "o0" in prior:
        opened.value = typesystem.literal_to_json(prior["o0"])
        opened.phase = NodePhase.SUCCEEDED.value
    conds[name] = opened
    if opened.value is not _UNSET:
        return opened  # signalled in an earlier attempt: nothing to record again
    inputs = {
        "prompt": prompt,
        "prompt_type": prompt_type,
        "description": description,
    }
    string = TYPES[str]
    literals = {k: typesystem.literal_from_json(v, string) for k, v in inputs.items()}
    ex.node_started(aid, parent, f"cond-{name}", KIND, name, literals)
    if store is not None:
        store.open_gate(ex.run_name, aid, name, KIND, TYPES[data_type])
    return opened


async def wait(opened: Opened) -> Any:
    """Wait for ``opened`` to be signalled and return the value as its data type; raises
    ``ConditionTimedoutError``, ``ConditionFailedError`` or ``ActionAbortedError``."""
    from flytelike.engine._abort import abortable
    from flytelike.engine._execution import NodeFailed
    from flytelike.errors import ConditionFailedError, ConditionTimedoutError

    if opened.value is not _UNSET:
        return opened.value
    ex, _ = _execution()
    store = ex.store
    if store is None:
        raise ConditionFailedError(
            f"condition {opened.name!r} of run {opened.run_name}: waiting for a signal needs "
            "the run store, and this run is not recorded (FLYTELIKE_RECORD=0 or "
            "EngineConfig(record_runs=False))"
        )
    if opened.phase != NodePhase.RUNNING.value:
        raise ConditionFailedError(
            f"condition {opened.name!r} of run {opened.run_name} already ended {opened.phase}"
        )
    try:
        raw = await abortable(
            ex,
            opened.action_id,
            opened.name,
            _gates.poll_signal(store, opened.run_name, opened.name, opened.deadline),
        )
    except NodeFailed as f:  # aborted: recorded by ``abortable``
        _end(ex, store, opened, NodePhase(f.phase.value))
        raise f.error.exception or ConditionFailedError(f.error.message) from None
    except asyncio.CancelledError:  # its task was aborted, or the run's root ended
        from flytelike.engine import _abort

        stopped = _abort.interrupted(opened.run_name, opened.action_id)
        error = (
            stopped.error
            if stopped is not None
            else _abort.aborted_error(
                opened.run_name, opened.action_id, "the task waiting for it was cancelled"
            )
        )
        opened.phase = NodePhase.ABORTED.value
        store.close_gate(opened.run_name, opened.action_id, opened.phase)
        ex.node_finished(opened.action_id, opened.name, NodePhase.ABORTED, error=error)
        raise
    if raw is None:
        message = (
            f"condition {opened.name!r} of run {opened.run_name} was not signalled within "
            f"{opened.timeout:g} seconds"
        )
        _end(ex, store, opened, NodePhase.TIMED_OUT, message, "ConditionTimedoutError")
        raise ConditionTimedoutError(message)
    try:
        value = coerce(json.loads(raw), opened.data_type)
    except (RecursionError, ValueError) as e:
        message = (
            f"condition {opened.name!r} of run {opened.run_name} waits for a "
            f"{opened.data_type.__name__}, and was signalled {_gates._shown(raw)}: {e}"
        )
        _end(ex, store, opened, NodePhase.FAILED, message, "ConditionFailedError")
        raise ConditionFailedError(message) from None
    opened.value = value
    literal = typesystem.literal_from_json(value, TYPES[opened.data_type])
    _end(ex, store, opened, NodePhase.SUCCEEDED, outputs={"o0": literal})
    return value


def _end(
    ex: Execution,
    store: RunStore,
    opened: Opened,
    phase: NodePhase,
    message: str = "",
    error_type: str = "",
    outputs: dict[str, Any] | None = None,
) -> None:
    from flytelike.backends import USER, ExecutionError

    opened.phase = phase.value
    store.close_gate(opened.run_name, opened.action_id, phase.value)
    if phase is NodePhase.ABORTED:
        return  # (``abortable`` recorded the action)
    error = ExecutionError(USER, message, error_type) if message else None
    ex.node_finished(opened.action_id, opened.name, phase, outputs, error=error)
