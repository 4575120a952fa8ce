"""Execution objects as flytekit's ``FlyteRemote`` returns them, over local runs.

``FlyteWorkflowExecution`` wraps an engine ``Run``: ``.id`` (project, domain, name), ``.spec``
(``.launch_plan.name``: the entity that ran), ``.closure`` (phase, times, error) and ``.is_done``
are a *snapshot* taken when the object was made or last synced (``FlyteRemote.sync``/``wait``),
as upstream. ``.inputs``/``.outputs`` are read from the run store on access, as ``Values``
mappings of Python values (``execution.outputs["o0"]``). ``.node_executions`` is filled by
``sync(..., sync_nodes=True)``: one ``FlyteNodeExecution`` per top-level node (keyed by node id,
children under ``.subworkflow_node_executions``), each with its attempts as
``FlyteTaskExecution``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from flytelike.engine import (
    ActionError,
    ActionRecord,
    AttemptRecord,
    ClosureIndex,
    Engine,
    Run,
    RunNotFinishedError,
    RunRecord,
)
from flytelike.exceptions.user import FlyteAssertion
from flytelike.ir import Closure, Interface, NodePhase, TaskPhase, WorkflowPhase
from flytelike.models.core.execution import ExecutionError
from flytelike.models.core.execution import ExecutionErrorKind as ErrorKind
from typesystem import Literal


def _time(ts: float | None) -> _dt.datetime | None:
    return None if ts is None else _dt.datetime.fromtimestamp(ts, _dt.UTC)


def _duration(start: float | None, end: float | None) -> _dt.timedelta | None:
    return None if start is None or end is None else _dt.timedelta(seconds=end - start)


class Values(Mapping[str, Any]):
    """Named values (flytekit's ``LiteralsResolver``): ``values["o0"]`` is a Python value,
    ``.literals`` the literals, ``.get(name, as_type=T)`` converts to ``T``."""

    def __init__(self, literals: Mapping[str, Literal], types: Mapping[str, Any]) -> None:
        self.literals = dict(literals)
        self._types = types
        self._values: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key not in self._values:
            lit = self.literals[key]
            self._values[key] = _to_python(lit, self._types.get(key))
        return self._values[key]

    def get(self, key: str, default: Any = None, as_type: Any = None) -> Any:
        if key not in self.literals:
            return default
        if as_type is not None:
            return _to_python(self.literals[key], as_type)
        return self[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.literals)

    def __len__(self) -> int:
        return len(self.literals)

    def __repr__(self) -> str:
        return f"Values({dict(self.items())!r})"


def _to_python(lit: Literal, python_type: Any) -> Any:
    if python_type is None:
        return lit
    import typesystem

    return typesystem.default_registry().to_python(lit, python_type)


def _values(
    lits: Mapping[str, Literal] | None, iface: Interface | None, py: Any, which: str
) -> Values:
    lits = lits or {}
    if iface is None:
        return Values(lits, {})
    from flytelike.engine import python_types

    return Values(lits, python_types(iface, py, which))


@dataclass(frozen=True)
class WorkflowExecutionIdentifier:
    project: str
    domain: str
    name: str


@dataclass(frozen=True)
class NodeExecutionIdentifier:
    node_id: str
    execution_id: WorkflowExecutionIdentifier


@dataclass(frozen=True)
class TaskExecutionIdentifier:
    task_name: str
    node_execution_id: NodeExecutionIdentifier
    retry_attempt: int


@dataclass(frozen=True)
class EntityId:
    """An entity's identifier as executions name it (``spec.launch_plan.name``)."""

    project: str
    domain: str
    name: str
    version: str = ""
    resource_type: str = ""


@dataclass(frozen=True)
class ExecutionSpec:
    launch_plan: EntityId
    options: Mapping[str, Any]


@dataclass(frozen=True)
class ExecutionClosure:
    phase: Any  # WorkflowPhase, NodePhase or TaskPhase
    created_at: _dt.datetime | None
    started_at: _dt.datetime | None
    updated_at: _dt.datetime | None
    duration: _dt.timedelta | None
    error: ExecutionError | None


def _error(err: ActionError | None) -> ExecutionError | None:
    if err is None:
        return None
    return ExecutionError(err.type or err.kind or "USER", err.message, kind=_kind(err.kind))


def _kind(kind: str) -> ErrorKind:
    """The stored error kind (``USER``, ``SYSTEM`` or empty) as a member; one this version
    does not know is ``UNKNOWN``."""
    try:
        return ErrorKind.of(kind)
    except ValueError:
        return ErrorKind.UNKNOWN


def _done_error(ex: Any, what: str) -> ExecutionError | None:
    """``ex.closure.error`` once ``ex`` is done; before, ``FlyteAssertion`` as upstream."""
    if not ex.is_done:
        raise FlyteAssertion(
            f"{what} is {ex.closure.phase.value}: wait until it has completed before checking "
            "for an error (FlyteRemote.wait, or sync for a snapshot)"
        )
    return ex.closure.error  # type: ignore[no-any-return]


def _phase(enum: Any, value: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        return enum.UNDEFINED


class FlyteWorkflowExecution:
    """One local run seen as a flytekit execution."""

    def __init__(
        self,
        run: Run,
        engine: Engine,
        project: str,
        domain: str,
        entity: Any = None,
        record: RunRecord | None = None,
    ) -> None:
        self.run = run
        self._engine = engine
        self.id = WorkflowExecutionIdentifier(project, domain, run.name)
        self._entity = entity
        self._closure_ir: Closure | None = None
        self.node_executions: dict[str, FlyteNodeExecution] = {}
        self._snapshot(record)

    def __repr__(self) -> str:
        return f"FlyteWorkflowExecution(name={self.id.name!r}, phase={self.closure.phase.value})"

    # ------------------------------------------------------------------ state
    def _snapshot(self, record: RunRecord | None = None) -> None:
        rec = record if record is not None else self.run.record()
        live_phase = self.run.phase if record is None else WorkflowPhase(rec.phase)
        self.closure = ExecutionClosure(
            phase=live_phase,
            created_at=_time(rec.created_at),
            started_at=_time(rec.started_at),
            updated_at=_time(rec.ended_at or rec.started_at or rec.created_at),
            duration=_duration(rec.started_at, rec.ended_at),
            error=_error(rec.error) if live_phase.is_terminal else None,
        )
        kind = {"task": "TASK", "workflow": "WORKFLOW"}.get(rec.kind, "LAUNCH_PLAN")
        self.spec = ExecutionSpec(
            EntityId(self.id.project, self.id.domain, rec.entity, "", kind), rec.options
        )
        self.record = rec

    @property
    def is_done(self) -> bool:
        return bool(self.closure.phase.is_terminal)

    @property
    def is_successful(self) -> bool:
        return self.closure.phase is WorkflowPhase.SUCCEEDED

    @property
    def error(self) -> ExecutionError | None:
        """The error once the (last synced) phase is terminal, ``None`` when it succeeded;
        ``FlyteAssertion`` before."""
        return _done_error(self, f"execution {self.id.name}")

    @property
    def url(self) -> str:
        return self.run.url

    # ------------------------------------------------------------------ values
    def _ir(self) -> Closure | None:
        if self._closure_ir is None:
            self._closure_ir = self._engine.store.run_closure(self.id.name)
        return self._closure_ir

    def _iface(self) -> Interface | None:
        closure = self._ir()
        return ClosureIndex(closure).primary().interface if closure is not None else None

    @property
    def inputs(self) -> Values:
        """The execution's inputs, by name."""
        store = self._engine.store
        store.flush()
        py = getattr(self._entity, "python_interface", None)
        return _values(store.run_literals(self.id.name, "inputs"), self._iface(), py, "inputs")

    @property
    def outputs(self) -> Values:
        """The execution's outputs by name (unnamed outputs are ``o0``, ``o1``...). Raises
        ``RunNotFinishedError`` before the (last synced) phase is terminal and
        ``RunFailedError`` when it did not succeed."""
        if not self.is_done:
            raise RunNotFinishedError(
                f"execution {self.id.name} is {self.closure.phase.value}: Please wait until the "
                "execution has completed before requesting the outputs (FlyteRemote.wait or sync)."
            )
        lits = self.run.output_literals()
        py = getattr(self._entity, "python_interface", None)
        return _values(lits, self._iface(), py, "outputs")

    # ------------------------------------------------------------------ nodes
    def _sync_nodes(self) -> None:
        actions = self.run.actions()
        attempts: dict[str, list[AttemptRecord]] = {}
        for a in self.run.attempts():
            attempts.setdefault(a.action_id, []).append(a)
        closure = self._ir()
        index = ClosureIndex(closure) if closure is not None else None
        by_parent: dict[str, list[ActionRecord]] = {}
        for act in actions:
            by_parent.setdefault(act.parent, []).append(act)

        def build(parent: str) -> dict[str, FlyteNodeExecution]:
            out: dict[str, FlyteNodeExecution] = {}
            for act in by_parent.get(parent, []):
                key = act.node_id or act.action_id
                if key in out:
                    key = act.action_id
                out[key] = FlyteNodeExecution(
                    self, act, attempts.get(act.action_id, []), index, build(act.action_id)
                )
            return out

        self.node_executions = build("")


def _template_interface(index: ClosureIndex | None, name: str) -> tuple[Interface | None, Any]:
    """The interface of the entity ``name`` in the run's closure, and its live Python interface
    when the entity is loaded in this process."""
    if index is None:
        return None, None
    from flytelike.backends import lookup_live as lookup

    for table in (index.tasks, index.workflows, index.launch_plans):
        for ident, template in table.items():
            if ident.name == name:
                live = lookup(ident)
                return template.interface, getattr(live, "python_interface", None)
    return None, None


class FlyteNodeExecution:
    """One node (action) of an execution: ``.id.node_id``, ``.closure`` (a ``NodePhase``),
    ``.inputs``/``.outputs`` (read on access), ``.task_executions`` (one per attempt),
    ``.subworkflow_node_executions`` (nodes inside a subworkflow, dynamic or v2 parent)."""

    def __init__(
        self,
        execution: FlyteWorkflowExecution,
        action: ActionRecord,
        attempts: list[AttemptRecord],
        index: ClosureIndex | None,
        children: dict[str, FlyteNodeExecution],
    ) -> None:
        self._execution = execution
        self.action = action
        self.id = NodeExecutionIdentifier(action.node_id or action.action_id, execution.id)
        self.closure = ExecutionClosure(
            phase=_phase(NodePhase, action.phase),
            created_at=_time(action.queued_at),
            started_at=_time(action.started_at),
            updated_at=_time(action.ended_at or action.started_at),
            duration=_duration(action.started_at, action.ended_at),
            error=_error(action.error),
        )
        self.subworkflow_node_executions = children
        self._iface, self._py = _template_interface(index, action.name)
        self.task_executions = [FlyteTaskExecution(self, a) for a in attempts]

    def __repr__(self) -> str:
        return f"FlyteNodeExecution(node_id={self.id.node_id!r}, phase={self.closure.phase.value})"

    @property
    def is_done(self) -> bool:
        return bool(self.closure.phase.is_terminal)

    @property
    def error(self) -> ExecutionError | None:
        """As ``FlyteWorkflowExecution.error``, for this node."""
        return _done_error(self, f"node {self.id.node_id} of execution {self.id.execution_id.name}")

    @property
    def executions(self) -> list[Any]:
        return [*self.subworkflow_node_executions.values()] or list(self.task_executions)

    def _literals(self, which: str) -> Mapping[str, Literal] | None:
        store = self._execution._engine.store
        store.flush()
        return store.action_literals(self.action.run_name, self.action.action_id, which)

    @property
    def inputs(self) -> Values:
        return _values(self._literals("inputs"), self._iface, self._py, "inputs")

    @property
    def outputs(self) -> Values:
        """The node's outputs by name; raises ``RunNotFinishedError`` when the node has none
        (not finished, failed, skipped)."""
        lits = self._literals("outputs")
        if lits is None:
            raise RunNotFinishedError(
                f"node {self.id.node_id} of execution {self.id.execution_id.name} is "
                f"{self.closure.phase.value} and has no outputs"
            )
        return _values(lits, self._iface, self._py, "outputs")


class FlyteTaskExecution:
    """One attempt of a task node: ``.id.retry_attempt``, ``.closure.phase`` (a ``TaskPhase``),
    ``.closure.error``."""

    def __init__(self, node: FlyteNodeExecution, attempt: AttemptRecord) -> None:
        self.id = TaskExecutionIdentifier(node.action.name, node.id, attempt.attempt)
        err = (
            ExecutionError(
                attempt.error_kind or "USER", attempt.message, kind=_kind(attempt.error_kind)
            )
            if attempt.message or attempt.error_kind
            else None
        )
        self.closure = ExecutionClosure(
            phase=_phase(TaskPhase, attempt.phase),
            created_at=_time(attempt.started_at),
            started_at=_time(attempt.started_at),
            updated_at=_time(attempt.ended_at or attempt.started_at),
            duration=_duration(attempt.started_at, attempt.ended_at),
            error=err,
        )
        self.traceback = attempt.traceback

    def __repr__(self) -> str:
        return (
            f"FlyteTaskExecution(node_id={self.id.node_execution_id.node_id!r}, "
            f"attempt={self.id.retry_attempt}, phase={self.closure.phase.value})"
        )

    @property
    def is_done(self) -> bool:
        return bool(self.closure.phase.is_terminal)

    @property
    def error(self) -> ExecutionError | None:
        """As ``FlyteWorkflowExecution.error``, for this attempt."""
        node = self.id.node_execution_id
        return _done_error(
            self,
            f"attempt {self.id.retry_attempt} of node {node.node_id} of execution "
            f"{node.execution_id.name}",
        )


__all__ = [
    "EntityId",
    "ExecutionClosure",
    "ExecutionError",
    "ExecutionSpec",
    "FlyteNodeExecution",
    "FlyteTaskExecution",
    "FlyteWorkflowExecution",
    "NodeExecutionIdentifier",
    "TaskExecutionIdentifier",
    "Values",
    "WorkflowExecutionIdentifier",
]
