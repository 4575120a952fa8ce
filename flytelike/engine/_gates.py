"""Gate nodes: ``sleep(duration)``, ``wait_for_input(name, timeout, expected_type)`` and
``approve(value, name, timeout)``.

A waiting gate is recorded in the run store (``gates``) with the type it expects; a signal is a
JSON value stored under the run and the signal's name (``Run.signal``, ``flytelike runs signal``,
from any process); a signal for a waiting condition (``_conditions``) is converted to its data
type first, and refused when it does not convert or the condition ended. The gate polls for it,
converts it with the expected type and continues; past its timeout it fails ``TIMED_OUT``.
``approve`` passes its input through when approved (a true signal) and fails when rejected.
A direct call (which nothing else can signal) asks on standard input instead (``_ask``).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import stat
import sys
import time
from typing import TYPE_CHECKING, Any

import typesystem
from flytelike.backends import USER, ExecutionError
from flytelike.engine._bindings import resolve
from flytelike.engine._condition_types import KIND as CONDITION
from flytelike.engine._condition_types import coerce
from flytelike.engine._condition_types import python_type as condition_type
from flytelike.engine._execution import NodeFailed, Outputs
from flytelike.engine._interpreter import Interpreter, Values
from flytelike.engine._phases import NodePhase
from flytelike.ir import GateNode, Node
from typesystem import LiteralType, SimpleKind, SimpleType

if TYPE_CHECKING:
    from flytelike.engine._run_store import RunStore

POLL_SECONDS = 0.05
BOOL = SimpleType(kind=SimpleKind.BOOLEAN)

# Signals sent from this process wake gates at once instead of at their next poll.
_WAKE: dict[tuple[str, str], asyncio.Event] = {}


def wake(run_name: str, name: str) -> None:
    ev = _WAKE.get((run_name, name))
    if ev is not None:
        loop = getattr(ev, "_flytelike_loop", None)
        if loop is not None:
            loop.call_soon_threadsafe(ev.set)


def signal(store: RunStore, run_name: str, name: str, value: Any) -> None:
    """Give gate ``name`` of run ``run_name`` its value (a Python value, JSON-able): stored, and
    a gate of this process waiting for it woken at once (``Engine.signal``, ``Run.signal``)."""
    from flytelike.engine.errors import RunNotFoundError, SignalError

    try:
        text = json.dumps(value)
    except TypeError as e:
        raise SignalError(f"signal {name!r}: {value!r} is not JSON-serialisable: {e}") from e
    if store.get_run(run_name) is None:
        store.flush()
        if store.get_run(run_name) is None:
            raise RunNotFoundError(f"no run named {run_name!r}")
    checked = _condition_value(store, run_name, name, value)
    if checked is not value:
        text = json.dumps(checked)
    store.put_signal(run_name, name, text)
    wake(run_name, name)


def _condition_value(store: RunStore, run_name: str, name: str, value: Any) -> Any:
    """The value to store for signal ``name`` of ``run_name`` when a condition of the run has
    that name (``flytelike.new_condition``): converted to its data type; ``value`` itself when
    none has. Raises ``SignalError`` when the condition ended or the value does not convert."""
    from flytelike.engine.errors import SignalError

    store.flush()
    for _, gate_name, kind, lt, phase in store.gates(run_name):
        if gate_name != name or kind != CONDITION:
            continue
        if phase != "WAITING":
            raise SignalError(
                f"condition {name!r} of run {run_name} ended {phase}; it takes no more signals"
            )
        data_type = condition_type(lt)
        if data_type is None:
            return value
        try:
            return coerce(value, data_type)
        except ValueError as e:
            raise SignalError(
                f"condition {name!r} of run {run_name} waits for a {data_type.__name__}: {e}"
            ) from None
    return value


async def _wait_signal(
    interp: Interpreter, aid: str, name: str, lt: LiteralType, timeout: float | None
) -> typesystem.Literal:
    ex = interp.ex
    store = ex.store
    if store is None:
        raise NodeFailed(
            aid,
            ExecutionError(
                USER,
                f"gate {aid}: waiting for a signal needs the run store, and this run is not "
                "recorded (FLYTELIKE_RECORD=0 for direct calls, or EngineConfig(record_runs="
                "False)); unset FLYTELIKE_RECORD or start the run with flytelike.run(...)",
            ),
        )
    store.open_gate(ex.run_name, aid, name, "signal", lt)
    if ex.direct_call and store.get_signal(ex.run_name, name) is None:
        return await _ask(ex.run_name, aid, name, lt)
    deadline = None if timeout is None else time.monotonic() + timeout
    raw = await poll_signal(store, ex.run_name, name, deadline)
    if raw is None:
        store.close_gate(ex.run_name, aid, "TIMED_OUT")
        raise NodeFailed(
            aid,
            ExecutionError(
                USER,
                f"gate {aid} waited {timeout:g}s for signal {name!r} and timed out",
                "TimeoutError",
                timed_out=True,
            ),
            NodePhase.TIMED_OUT,
        )
    try:
        return typesystem.literal_from_json(json.loads(raw), lt)
    except (RecursionError, ValueError, typesystem.TypeSystemError) as e:
        why = "JSON nested too deeply" if isinstance(e, RecursionError) else e
        raise NodeFailed(
            aid,
            ExecutionError(
                USER,
                f"signal {name!r} of run {ex.run_name}: {_shown(raw)} is not a "
                f"`{typesystem.render_type(lt)}`: {why}",
                "SignalError",
            ),
        ) from e


async def poll_signal(
    store: RunStore, run_name: str, name: str, deadline: float | None
) -> str | None:
    """Wait for signal ``name`` of run ``run_name``: its JSON text, or ``None`` once ``deadline``
    (a ``time.monotonic()`` instant; ``None``: never) has passed. Polls the store every
    ``POLL_SECONDS``; a signal sent from this process (``signal``) wakes it at once."""
    ev = asyncio.Event()
    ev._flytelike_loop = asyncio.get_running_loop()  # type: ignore[attr-defined]
    _WAKE[(run_name, name)] = ev
    try:
        while True:
            raw = store.get_signal(run_name, name)
            if raw is not None:
                return raw
            wait = POLL_SECONDS
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                wait = min(wait, left)
            ev.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(ev.wait(), wait)
    finally:
        if _WAKE.get((run_name, name)) is ev:
            del _WAKE[(run_name, name)]


def _answerable() -> bool:
    """Standard input can answer a gate: a terminal, a pipe or file holding the answers (as
    flytekit reads them), or answers a program put in memory (``sys.stdin = io.StringIO(...)``,
    as flytekit's own gate tests do). Not ``/dev/null``, a closed input or one a test harness
    replaced with something that cannot be read."""
    if isinstance(sys.stdin, io.StringIO):
        return True
    try:
        if sys.stdin.isatty():
            return True
        mode = os.fstat(sys.stdin.fileno()).st_mode
    except (AttributeError, OSError, ValueError):  # (io.UnsupportedOperation is both)
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISREG(mode)


async def _ask(run_name: str, aid: str, name: str, lt: LiteralType) -> typesystem.Literal:
    """A direct call's gate: ask on standard input (a terminal, or the next line of a pipe or
    file, as flytekit does locally), else fail saying how to answer it."""
    kind = typesystem.render_type(lt)
    cannot = NodeFailed(
        aid,
        ExecutionError(
            USER,
            f"gate {aid} of run {run_name} waits for a signal {name!r} ({kind}), and a "
            "direct call cannot wait for one without a terminal or piped input to ask. Start "
            "the run without blocking, run = flytelike.run(wf, wait=False, ...), then send it "
            f"with run.signal({name!r}, value) or `flytelike runs signal {run_name} {name} VALUE`.",
            "SignalError",
        ),
    )
    if not _answerable():
        raise cannot
    yes_no = lt == BOOL
    shown = f"{kind}, y/n" if yes_no else kind
    try:
        text = await asyncio.to_thread(input, f"[{run_name}] value for {name!r} ({shown}): ")
    except EOFError:  # the piped answers ran out
        raise cannot from None
    word = text.strip().lower()
    try:
        if yes_no and word in _YES_NO:
            data: Any = _YES_NO[word]
        else:
            data = json.loads(text)
    except json.JSONDecodeError:
        data = text  # not JSON: the text itself (a string value)
    except (RecursionError, ValueError) as e:  # nested too deeply; a number of 4,300+ digits
        why = "JSON nested too deeply" if isinstance(e, RecursionError) else str(e)
        raise NodeFailed(
            aid, ExecutionError(USER, f"{_shown(text)} is not a `{kind}`: {why}", "SignalError")
        ) from e
    try:
        return typesystem.literal_from_json(data, lt)
    except typesystem.TypeSystemError as e:
        raise NodeFailed(
            aid, ExecutionError(USER, f"{_shown(text)} is not a `{kind}`: {e}", "SignalError")
        ) from e


# A yes/no answer typed for a boolean gate (``approve``, ``wait_for_input(..., bool)``), as
# flytekit's local prompt takes it: the words besides JSON's ``true``/``false``.
_YES_NO = {
    **dict.fromkeys(("y", "yes", "t", "true", "1", "on"), True),
    **dict.fromkeys(("n", "no", "f", "false", "0", "off"), False),
}


def _shown(text: str, limit: int = 200) -> str:
    """``text`` for an error message (a hostile value can be megabytes long)."""
    return repr(text) if len(text) <= limit else f"{text[:limit]!r}... ({len(text)} characters)"


async def run_gate(
    interp: Interpreter, aid: str, parent: str, node: Node, gate: GateNode, values: Values
) -> Outputs:
    ex = interp.ex
    prior = ex.prior.get(aid)
    if prior is not None:
        return prior
    name = gate.signal or node.id
    inputs = {b.var: resolve(b.value, values) for b in node.inputs}
    ex.node_started(aid, parent, node.id, f"gate:{gate.kind}", name, inputs)
    try:
        if gate.kind == "sleep":
            await asyncio.sleep(gate.duration or 0)
            out: Outputs = {}
        elif gate.kind == "signal":
            lt = gate.type or SimpleType(kind=SimpleKind.STRING)
            out = {"o0": await _wait_signal(interp, aid, name, lt, gate.duration)}
        elif gate.kind == "approve":
            lit = await _wait_signal(interp, aid, name, BOOL, gate.duration)
            if not (isinstance(lit, typesystem.Scalar) and lit.value is True):
                raise NodeFailed(
                    aid,
                    ExecutionError(USER, f"gate {aid}: {name!r} was rejected", "ApprovalRejected"),
                )
            out = dict(inputs)
            if len(out) == 1:
                out = {"o0": next(iter(out.values()))}
        else:
            raise NodeFailed(aid, ExecutionError(USER, f"gate {aid}: unknown kind {gate.kind!r}"))
    except NodeFailed as f:
        ex.node_finished(aid, name, f.phase, error=f.error)
        if ex.store is not None and gate.kind != "sleep":
            ex.store.close_gate(ex.run_name, aid, f.phase.value)
        raise
    ex.node_finished(aid, name, NodePhase.SUCCEEDED, out)
    if ex.store is not None and gate.kind != "sleep":
        ex.store.close_gate(ex.run_name, aid, "SUCCEEDED")
    return out
