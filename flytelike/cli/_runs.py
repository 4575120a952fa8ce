"""``flytelike runs list|get|outputs|signal|abort`` and ``flytelike cache list|clear``."""

from __future__ import annotations

import json
import time
from typing import Any

import click


def _engine() -> Any:
    from flytelike import engine as eng

    return eng.default_engine()


def _when(t: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t)) if t else "-"


def _dur(d: float | None) -> str:
    return f"{d:.3f}s" if d is not None else "-"


@click.group("runs")
def runs_group() -> None:
    """Inspect and manage runs recorded in the run store."""


@runs_group.command("list")
@click.option("--limit", default=20, show_default=True)
@click.option("--phase", default=None, help="only runs in this phase (e.g. FAILED)")
@click.option("--entity", default=None, help="only runs of this entity")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
def runs_list(limit: int, phase: str | None, entity: str | None, as_json: bool) -> None:
    """The most recent runs, newest first."""
    recs = _engine().list_runs(limit, phase.upper() if phase else None, entity)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "name": r.name,
                        "entity": r.entity,
                        "kind": r.kind,
                        "phase": r.phase,
                        "created_at": r.created_at,
                        "duration": r.duration,
                    }
                    for r in recs
                ],
                indent=2,
            )
        )
        return
    if not recs:
        click.echo("no runs")
        return
    for r in recs:
        click.echo(
            f"{r.name:<32} {r.phase:<10} {_when(r.created_at)}  {_dur(r.duration):>9}  {r.entity}"
        )


def _get(name: str) -> Any:
    from flytelike.engine import RunNotFoundError

    try:
        return _engine().get_run(name)
    except RunNotFoundError as e:
        raise click.ClickException(str(e)) from e


@runs_group.command("get")
@click.argument("run_name")
def runs_get(run_name: str) -> None:
    """A run's phase, timings, error and actions."""
    run = _get(run_name)
    rec = run.record()
    click.echo(f"run:      {rec.name}")
    click.echo(f"entity:   {rec.entity} ({rec.kind})")
    click.echo(f"phase:    {rec.phase}")
    click.echo(f"created:  {_when(rec.created_at)}   duration: {_dur(rec.duration)}")
    if rec.error:
        node = rec.error.get("node_id") or "-"
        click.echo(f"error:    at node {node}: {rec.error.get('message', '')}")
    actions = run.actions()
    if actions:
        click.echo("actions:")
        for a in actions:
            cache = f" cache={a.cache_status}" if a.cache_status else ""
            click.echo(f"  {a.action_id:<40} {a.kind:<12} {a.phase:<10} {a.name}{cache}")
    for gate in _engine().store.gates(run_name):
        click.echo(f"gate:     {gate[1]} ({gate[2]}) {gate[4]}")


@runs_group.command("outputs")
@click.argument("run_name")
def runs_outputs(run_name: str) -> None:
    """A succeeded run's outputs as JSON."""
    from flytelike.cli._run import outputs_json
    from flytelike.engine import EngineError

    run = _get(run_name)
    try:
        lits = run.output_literals()
    except EngineError as e:
        raise click.ClickException(str(e)) from e
    click.echo(outputs_json(lits, run._interface()))


@runs_group.command("signal")
@click.argument("run_name")
@click.argument("name")
@click.argument("value")
def runs_signal(run_name: str, name: str, value: str) -> None:
    """Give gate NAME of run RUN_NAME its VALUE (JSON, or plain text for a string)."""
    from flytelike.engine import EngineError

    try:
        data: Any = json.loads(value)
    except json.JSONDecodeError:
        data = value
    try:
        _engine().signal(run_name, name, data)
    except EngineError as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"signalled {name} of {run_name}")


@runs_group.command("abort")
@click.argument("run_name")
@click.argument("action_id", required=False)
@click.option("--reason", default="", help="recorded in the aborted actions' errors")
@click.option(
    "--wait", "wait_s", default=10.0, show_default=True, help="seconds to wait for it to end"
)
def runs_abort(run_name: str, action_id: str | None, reason: str, wait_s: float) -> None:
    """Abort run RUN_NAME, or only its running action ACTION_ID (an id from `runs get`).

    From another process the request goes through the run store: the process running the run
    picks it up within a fraction of a second."""
    from flytelike.engine import EngineError

    engine = _engine()
    try:
        engine.abort(run_name, action_id, reason)
    except EngineError as e:
        raise click.ClickException(str(e)) from e
    what = f"action {action_id} of run {run_name}" if action_id else f"run {run_name}"
    deadline = time.monotonic() + wait_s
    while True:
        engine.store.flush()
        if action_id:
            phase = next(
                (a.phase for a in engine.store.actions(run_name) if a.action_id == action_id), ""
            )
        else:
            rec = engine.store.get_run(run_name)
            phase = rec.phase if rec is not None else ""
        if phase in ("SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT") or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    if phase == "ABORTED":
        click.echo(f"aborted {what}")
    elif phase in ("SUCCEEDED", "FAILED", "TIMED_OUT"):
        click.echo(f"{what} ended {phase} before the abort took effect")
    else:
        click.echo(
            f"abort of {what} requested; it is still {phase or 'unknown'} (is the process "
            "running it alive?)"
        )


@click.group("cache")
def cache_group() -> None:
    """The local task cache."""


@cache_group.command("list")
@click.option("--task", default=None, help="only entries of this task")
def cache_list(task: str | None) -> None:
    """Cached task results."""
    entries = _engine().cache.entries(task)
    if not entries:
        click.echo("cache is empty")
        return
    for e in entries:
        click.echo(f"{e.key[:16]}  {_when(e.created_at)}  {e.task}  (run {e.run_name})")


@cache_group.command("clear")
@click.option("--task", default=None, help="only entries of this task")
def cache_clear(task: str | None) -> None:
    """Forget cached task results."""
    n = _engine().cache.clear(task)
    click.echo(f"cleared {n} cache entr{'y' if n == 1 else 'ies'}")
