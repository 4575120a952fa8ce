"""What the UI and the run report show, read through the engine's public API as plain data.

Every function here only reads: runs, actions, attempts, literals, logs and decks come from the
engine (``Engine.list_runs``, ``Engine.get_run``, ``Run.actions``/``attempts``/...), never from
SQL of our own, so the UI shows exactly what the CLI and the Python API show. Values are
rendered as JSON by their literal types (``typesystem.literal_to_json``); what cannot be
rendered is shown as its type with the reason.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import typesystem
from flytelike.engine import Engine, RunNotFoundError

FINAL = frozenset({"SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT", "SKIPPED"})


class NotFound(LookupError):
    """An unknown run or action (the UI answers 404 with this message)."""


def plain(value: Any) -> Any:
    """Records and error objects (dataclasses or dicts) as JSON-able dicts."""
    if value is None:
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _duration(start: float | None, end: float | None) -> float | None:
    if start is None:
        return None
    return round((end if end is not None else time.time()) - start, 6)


def run_row(rec: Any) -> dict[str, Any]:
    """One line of the runs list."""
    err = plain(rec.error)
    return {
        "name": rec.name,
        "entity": rec.entity,
        "project": rec.project,
        "domain": rec.domain,
        "kind": rec.kind,
        "phase": rec.phase,
        "created_at": rec.created_at,
        "started_at": rec.started_at,
        "ended_at": rec.ended_at,
        "duration": _duration(rec.started_at, rec.ended_at),
        "error": err.get("message") if isinstance(err, dict) else err,
    }


def list_runs(
    engine: Engine,
    *,
    phase: str | None = None,
    entity: str | None = None,
    since: float | None = None,
    limit: int = 100,
    project: str | None = None,
    domain: str | None = None,
) -> list[dict[str, Any]]:
    """Recent runs, newest first, filtered by phase, entity, project, domain and creation
    time."""
    rows = engine.list_runs(
        limit=limit,
        phase=phase or None,
        entity=entity or None,
        project=project or None,
        domain=domain or None,
    )
    out = [run_row(r) for r in rows]
    if since is not None:
        out = [r for r in out if r["created_at"] >= since]
    return out


def _get_run(engine: Engine, name: str) -> Any:
    try:
        return engine.get_run(name)
    except RunNotFoundError as e:
        raise NotFound(f"no run named {name!r}") from e


def _closure(engine: Engine, name: str) -> Any:
    try:
        return engine.store.run_closure(name)
    except Exception:  # an unreadable closure still leaves the records to show
        return None


def action_row(a: Any, run_start: float | None) -> dict[str, Any]:
    err = plain(a.error)
    offset = None
    if a.started_at is not None and run_start is not None:
        offset = round(a.started_at - run_start, 6)
    return {
        "id": a.action_id,
        "parent": a.parent,
        "node_id": a.node_id,
        "kind": a.kind,
        "task": a.name,
        "phase": a.phase,
        "started_at": a.started_at,
        "ended_at": a.ended_at,
        "offset": offset,
        "duration": _duration(a.started_at, a.ended_at),
        "attempts": a.attempts,
        "cache": a.cache_status,
        "group": getattr(a, "group", ""),
        "error": err,
    }


def run_detail(engine: Engine, name: str) -> dict[str, Any]:
    """A run: its record, every action, map progress, cache hits and the graph's node phases."""
    from flytelike.ui._graph import graph_of

    run = _get_run(engine, name)
    rec = run.record()
    actions = [action_row(a, rec.started_at) for a in run.actions()]
    maps: dict[str, dict[str, int]] = {}
    for a in actions:
        if a["kind"] == "map_item":
            m = maps.setdefault(a["parent"], {"total": 0, "done": 0, "failed": 0})
            m["total"] += 1
            m["done"] += a["phase"] == "SUCCEEDED"
            m["failed"] += a["phase"] in ("FAILED", "TIMED_OUT", "ABORTED")
    attempts: dict[str, list[dict[str, Any]]] = {}
    for t in _maybe(run.attempts) or []:
        if t.started_at is None or rec.started_at is None:
            continue
        attempts.setdefault(t.action_id, []).append(
            {
                "attempt": t.attempt,
                "phase": t.phase,
                "offset": round(t.started_at - rec.started_at, 6),
                "duration": _duration(t.started_at, t.ended_at),
            }
        )
    top = {a["id"]: a for a in actions if not a["parent"]}
    closure = _closure(engine, name)
    graph = graph_of(closure, top) if closure is not None else {"nodes": [], "edges": []}
    row = run_row(rec)
    row["error"] = plain(rec.error)
    return {
        "run": row,
        "actions": actions,
        "maps": maps,
        "cache_hits": sum(1 for a in actions if a["cache"] == "HIT"),
        "attempts": attempts,
        "graph": graph,
        "gates": _waiting_gates(engine, name, graph),
    }


def _waiting_gates(engine: Engine, name: str, graph: dict[str, Any]) -> list[dict[str, str]]:
    """Gates of the run still waiting for a signal (approve buttons, input forms); ``kind``
    is the gate node's (``approve`` or ``wait_for_input``) as the graph knows it."""
    kinds = {n["id"]: n["label"] for n in graph["nodes"] if n["kind"] == "gate"}
    rows = _maybe(lambda: engine.store.gates(name)) or []
    return [
        {
            "action": a,
            "name": n,
            "kind": kinds.get(a, k),
            "type": typesystem.render_type(lt) if lt else "",
        }
        for a, n, k, lt, phase in rows
        if phase == "WAITING"
    ]


def run_outputs(engine: Engine, name: str) -> dict[str, Any] | None:
    """The run's outputs rendered by their types (``None`` when not recorded)."""
    run = _get_run(engine, name)
    literals = _maybe(run.output_literals)
    closure = _closure(engine, name)
    types: dict[str, Any] = {}
    if closure is not None:
        primary = next(
            (x for x in (*closure.workflows, *closure.tasks) if x.id == closure.primary), None
        )
        if primary is not None:
            types = {v.name: v.type for v in primary.interface.outputs}
    return _values(literals, types)


def _render(literal: Any, lt: Any = None) -> Any:
    try:
        return typesystem.literal_to_json(literal, lt)
    except Exception as e:  # shown, never fatal: one odd value must not hide the page
        return f"<{type(literal).__name__}: cannot render ({e})>"


def _values(literals: dict[str, Any] | None, types: dict[str, Any]) -> dict[str, Any] | None:
    if literals is None:
        return None
    return {k: _render(v, types.get(k)) for k, v in literals.items()}


def action_detail(engine: Engine, name: str, action_id: str) -> dict[str, Any]:
    """One action: its record, attempts (errors with tracebacks), inputs, outputs, logs, decks."""
    run = _get_run(engine, name)
    rec = run.record()
    found = [a for a in run.actions() if a.action_id == action_id]
    if not found:
        raise NotFound(f"run {name!r} has no action {action_id!r}")
    action = action_row(found[0], rec.started_at)
    attempts = [plain(t) for t in run.attempts(action_id)]
    in_types, out_types = _interface_types(engine, name, found[0].name)
    inputs = _values(
        _maybe(lambda: engine.store.action_literals(name, action_id, "inputs")), in_types
    )
    outputs = _values(_maybe(lambda: run.action_outputs(action_id)), out_types)
    store_logs = getattr(engine.store, "logs", None)
    logs = _maybe(lambda: store_logs(name, action_id)) if store_logs is not None else None
    decks = [
        {"action": a, "name": n, "uri": u} for a, n, u in _maybe(run.decks) or [] if a == action_id
    ]
    return {
        "run": run_row(rec),
        "action": action,
        "attempts": attempts,
        "inputs": inputs,
        "outputs": outputs,
        "logs": plain(logs),
        "decks": decks,
    }


def _maybe(fn: Any) -> Any:
    try:
        return fn()
    except (AttributeError, KeyError, LookupError, TypeError, ValueError, OSError):
        return None


def _interface_types(
    engine: Engine, run_name: str, task_name: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    closure = _closure(engine, run_name)
    if closure is None:
        return {}, {}
    for t in getattr(closure, "tasks", ()):
        if t.id.name == task_name:
            iface = t.interface
            return (
                {v.name: v.type for v in iface.inputs},
                {v.name: v.type for v in iface.outputs},
            )
    return {}, {}


def deck_html(engine: Engine, name: str, action_id: str) -> str:
    """The deck page an action wrote, read only from under the engine's home."""
    from pathlib import Path

    run = _get_run(engine, name)
    uris = {u for a, _, u in _maybe(run.decks) or [] if a == action_id}
    if not uris:
        raise NotFound(f"action {action_id!r} of run {name!r} wrote no deck")
    home = Path(engine.config.home).resolve()
    for uri in sorted(uris):
        path = Path(uri.removeprefix("file://")).resolve()
        if uri.startswith("file://") and path.is_relative_to(home) and path.is_file():
            return path.read_text(encoding="utf-8", errors="replace")
    raise NotFound(f"the deck of action {action_id!r} of run {name!r} is not under {home}")
