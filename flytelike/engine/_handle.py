"""``Run``: the handle of one run (live in this process, or read back from the run store).

``_Live`` holds what a run in this process knows before the store has it (phase, outputs, the
failure, the event bus). A handle reads and acts through the run store (``abort`` and ``signal``
too) of its ``RunOwner`` (an ``Engine``, which this module does not import). Its notebook view
(``_repr_html_``) is drawn by a view registered with ``set_run_view``: the UI package registers
one; until a view is registered the UI is loaded by name on first use (as fsspec finds its
known implementations), since the UI sits above the engine and imports it.
"""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

from flytelike.backends import ActionLog
from flytelike.engine import _abort, _gates
from flytelike.engine._action_error import ActionError
from flytelike.engine._convert import literals_to_python, shape_outputs
from flytelike.engine._events import Callback, EventBus, PhaseEvent
from flytelike.engine._execution import NodeFailed, Outputs
from flytelike.engine._index import ClosureIndex
from flytelike.engine._phases import WorkflowPhase
from flytelike.engine._rows import ActionRecord, AttemptRecord, RunRecord
from flytelike.engine.errors import (
    RunFailedError,
    RunNotFinishedError,
    RunNotFoundError,
    TaskTimeoutError,
)
from flytelike.ir import (
    Interface,
)
from typesystem import Literal

_LOOPS = threading.local()


if TYPE_CHECKING:
    from flytelike.engine._config import EngineConfig
    from flytelike.engine._run_store import RunStore


class RunOwner(Protocol):
    """What a ``Run`` handle needs from whoever made it (an ``Engine``): the run store (opened
    on first use) and the configuration (where runs keep their files)."""

    @property
    def store(self) -> RunStore: ...

    @property
    def config(self) -> EngineConfig: ...


# The notebook view of a run: ``view(owner, run_name) -> HTML``; ``_VIEW_PROVIDER`` is loaded
# when none is registered (its import registers one).
_VIEWS: list[Callable[[Any, str], str]] = []
_VIEW_PROVIDER = "flytelike.ui"


def set_run_view(view: Callable[[Any, str], str]) -> None:
    """Register what draws ``Run._repr_html_``: ``view(owner, run_name)`` returns HTML."""
    _VIEWS[:] = [view]


def _run_view() -> Callable[[Any, str], str]:
    if not _VIEWS:
        importlib.import_module(_VIEW_PROVIDER)
    return _VIEWS[0]


class _Live:
    """What a run in progress in this process shares with its ``Run`` handles."""

    __slots__ = ("bus", "done", "failure", "outputs", "phase")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.phase = WorkflowPhase.RUNNING
        self.outputs: Outputs | None = None
        self.failure: NodeFailed | None = None
        self.bus = EventBus()

    @classmethod
    def finished(cls, outputs: Outputs) -> _Live:
        """A run that succeeded before anyone could watch it (nothing to wait for or hear)."""
        live = cls.__new__(cls)
        live.done = _DONE
        live.phase = WorkflowPhase.SUCCEEDED
        live.outputs = outputs
        live.failure = None
        live.bus = _CLOSED_BUS
        return live


class _ClosedBus(EventBus):
    """The bus of a run that has ended: callbacks added now would never be called."""

    def add_callback(self, cb: Callback) -> None:
        pass


_DONE = threading.Event()
_DONE.set()
_CLOSED_BUS = _ClosedBus()


class Run:
    """A run: live in this process or read back from the store."""

    def __init__(
        self,
        engine: RunOwner,
        name: str,
        entity: str,
        iface: Interface | None,
        py_iface: Any,
        live: _Live | None,
    ) -> None:
        self._engine = engine
        self.name = name
        self.entity_name = entity
        self._iface = iface
        self._py = py_iface
        self._live = live

    def __repr__(self) -> str:
        return f"Run(name={self.name!r}, entity={self.entity_name!r}, phase={self.phase.value})"

    def _repr_html_(self) -> str:
        """A notebook's view of the run: phase, error and the graph coloured by phase (drawn
        by the registered view: ``set_run_view``)."""
        return _run_view()(self._engine, self.name)

    @property
    def url(self) -> str:
        """The run's local directory as a ``file://`` URI."""
        return "file://" + self._engine.config.run_dir(self.name)

    # ------------------------------------------------------------------ state
    @property
    def phase(self) -> WorkflowPhase:
        if self._live is not None:
            return self._live.phase
        rec = self.record()
        return WorkflowPhase(rec.phase)

    def record(self) -> RunRecord:
        self._engine.store.flush()
        rec = self._engine.store.get_run(self.name)
        if rec is None:
            raise RunNotFoundError(f"no run named {self.name!r}")
        return rec

    @property
    def done(self) -> bool:
        return self._live.done.is_set() if self._live is not None else self.phase.is_terminal

    def wait(self, timeout: float | None = None) -> Run:
        """Block until the run ends (or ``timeout`` seconds pass); returns itself."""
        if self._live is not None:
            done = self._live.done
            if not done.is_set():  # (a set Event's wait() still takes its lock)
                done.wait(timeout)
            return self
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.phase.is_terminal:
            if deadline is not None and time.monotonic() > deadline:
                break
            time.sleep(0.05)
        return self

    @property
    def error(self) -> ActionError | None:
        """Why the run failed: the error of the action that failed it (``None`` unless it
        failed); see ``ActionError``."""
        if self._live is not None and self._live.done.is_set():
            f = self._live.failure
            return f.action_error() if f is not None else None
        return self.record().error

    # ------------------------------------------------------------------ values
    def output_literals(self) -> dict[str, Literal]:
        self.wait()
        if self._live is not None:
            if self._live.failure is not None:
                raise self._failure()
            assert self._live.outputs is not None
            return self._live.outputs
        phase = self.phase
        if not phase.is_terminal:
            raise RunNotFinishedError(
                f"run {self.name} is {phase.value}; wait until it has completed before "
                "requesting the outputs"
            )
        if phase is not WorkflowPhase.SUCCEEDED:
            raise self._failure()
        return self._engine.store.run_literals(self.name, "outputs") or {}

    def outputs(self) -> Any:
        """The output value (a tuple, or NamedTuple, for several outputs)."""
        lits = self.output_literals()
        iface = self._interface()
        values = literals_to_python(lits, iface, self._py, "outputs")
        return shape_outputs(values, iface, self._py)

    def inputs(self) -> dict[str, Any]:
        lits = self._engine.store.run_literals(self.name, "inputs") or {}
        return literals_to_python(lits, self._interface(), self._py, "inputs")

    def _interface(self) -> Interface:
        if self._iface is None:
            closure = self._engine.store.run_closure(self.name)
            self._iface = ClosureIndex(closure).primary().interface
        return self._iface

    def _failure(self) -> RunFailedError:
        phase = self.phase.value
        exc: BaseException | None = None
        err: ActionError | None
        if self._live is not None and self._live.failure is not None:
            f = self._live.failure
            err = f.action_error()
            exc = f.error.exception
        else:
            err = self.record().error
        node = err.action_id if err is not None else ""
        cls = TaskTimeoutError if err is not None and err.timed_out else RunFailedError
        e = cls(
            f"Outputs could not be found because the execution ended in failure. Run "
            f"{self.name} ({self.entity_name}) {phase}"
            + (f" at node {node}" if node else "")
            + f". Error message: {err.message if err is not None else ''}",
            run_name=self.name,
            node_id=node,
            phase=phase,
        )
        if exc is not None:
            e.__cause__ = exc
        return e

    # ------------------------------------------------------------------ details
    def actions(self) -> list[ActionRecord]:
        self._engine.store.flush()
        return self._engine.store.actions(self.name)

    def attempts(self, action_id: str | None = None) -> list[AttemptRecord]:
        self._engine.store.flush()
        return self._engine.store.attempts(self.name, action_id)

    def action_outputs(self, action_id: str) -> dict[str, Literal] | None:
        self._engine.store.flush()
        return self._engine.store.action_literals(self.name, action_id, "outputs")

    def logs(self, action_id: str | None = None) -> list[ActionLog]:
        """What the run's tasks printed: an ``ActionLog`` per attempt that wrote to stdout or
        stderr (of one action when ``action_id`` is given), in the order they ended."""
        self._engine.store.flush()
        return self._engine.store.logs(self.name, action_id)

    def decks(self) -> list[tuple[str, str, str]]:
        self._engine.store.flush()
        return self._engine.store.deck_list(self.name)

    def events(self) -> Iterator[PhaseEvent]:
        """Phase events from now until the run ends (live runs only)."""
        if self._live is None or self._live.done.is_set():
            return iter(())
        return self._live.bus.subscribe()

    def on_event(self, cb: Callable[[PhaseEvent], object]) -> None:
        if self._live is not None:
            self._live.bus.add_callback(cb)

    def signal(self, name: str, value: Any) -> None:
        _gates.signal(self._engine.store, self.name, name, value)

    def abort(self, action_id: str | None = None, reason: str = "") -> None:
        """Abort the whole run (``action_id=None``) or one running action (an id from
        ``actions()``, e.g. a v2 child call ``"main/c3"``), from any thread; returns at once.

        An aborted action's asyncio task is cancelled: an async body sees
        ``asyncio.CancelledError`` at its current ``await`` and may clean up. A sync body running
        in a worker thread cannot be interrupted: it runs to its end and its result is
        discarded. The action is recorded ``ABORTED`` with an error naming ``reason``; a v2
        parent awaiting it gets ``flytelike.errors.ActionAbortedError`` (returned as a value
        under ``asyncio.gather(..., return_exceptions=True)``); a workflow node fails its
        workflow. An aborted run ends ``ABORTED``: ``wait()`` returns and ``outputs()`` raises
        ``RunFailedError``. A run executing in another process is asked through the run store
        and aborts within a fraction of a second. Raises ``AbortError`` when the run or the
        action is not running (finished, unknown, already aborted).
        """
        _abort.abort(self._engine.store, self.name, action_id, reason)
