"""``flytelike runs list|get|logs|outputs|signal|abort`` and ``flytelike cache list|clear``."""

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
@click.option("--project", default=None, help="only runs of this project")
@click.option("--domain", default=None, help="only runs of this domain")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
def runs_list(
    limit: int,
    phase: str | None,
    entity: str | None,
    project: str | None,
    domain: str | None,
    as_json: bool,
) -> None:
    """The most recent runs, newest first (``--project``/``--domain``: of that namespace)."""
    recs = _engine().list_runs(limit, phase.upper() if phase else None, entity, project, domain)
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
                        "project": r.project,
                        "domain": r.domain,
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


def _first_line(text: str, width: int = 100) -> str:
    line = text.strip().split("\n", 1)[0]
    return line if len(line) <= width else line[: width - 3] + "..."


@runs_group.command("get")
@click.argument("run_name")
def runs_get(run_name: str) -> None:
    """A run's phase, timings, error (node, task, type, message, the traceback of the user's
    code) and actions."""
    run = _get(run_name)
    rec = run.record()
    click.echo(f"run:      {rec.name}")
    click.echo(f"entity:   {rec.entity} ({rec.kind})")
    click.echo(f"project:  {rec.project}   domain: {rec.domain}")
    click.echo(f"phase:    {rec.phase}")
    click.echo(f"created:  {_when(rec.created_at)}   duration: {_dur(rec.duration)}")
    err = rec.error
    if err is not None:
        click.echo(f"failed:   {err.where()}")
        click.echo(f"error:    {err.type or '-'} ({err.kind or '?'} error)")
        click.echo(f"message:  {err.message}")
        if err.traceback:
            click.echo("traceback (user code):")
            for line in err.traceback.rstrip("\n").split("\n"):
                click.echo(f"  {line}")
    actions = run.actions()
    if actions:
        click.echo("actions:")
        for a in actions:
            cache = f" cache={a.cache_status}" if a.cache_status else ""
            why = f"  {_first_line(a.error.message)}" if a.error is not None else ""
            click.echo(f"  {a.action_id:<40} {a.kind:<12} {a.phase:<10} {a.name}{cache}{why}")
    for gate in _engine().store.gates(run_name):
        click.echo(f"gate:     {gate[1]} ({gate[2]}) {gate[4]}")
    logs = run.logs()
    if logs:
        n = len({log.action_id for log in logs})
        click.echo(
            f"logs:     {n} action{'s' if n != 1 else ''} printed output; "
            f"flytelike runs logs {run_name} [NODE]"
        )


def _matches(node: str, action_id: str, task: str) -> bool:
    """``node`` names the action (its id, or an enclosing map/subworkflow node's) or its task
    (full name or the part after the last dot)."""
    if action_id == node or action_id.startswith((node + "[", node + "/")):
        return True
    return task == node or task.endswith("." + node)


@runs_group.command("logs")
@click.argument("run_name")
@click.argument("node", required=False)
@click.option(
    "--stream",
    type=click.Choice(["all", "stdout", "stderr"]),
    default="all",
    show_default=True,
    help="which of the tasks' streams to print",
)
def runs_logs(run_name: str, node: str | None, stream: str) -> None:
    """What the tasks of run RUN_NAME printed to stdout and stderr, attempt by attempt.

    NODE limits it to one action: its id from `runs get` (`n0`, `n2[3]`; a map or subworkflow
    node includes its items and nodes) or its task's name. Only the last 1 MiB each attempt
    printed is kept; a line at the top says when earlier output was dropped."""
    run = _get(run_name)
    logs = run.logs()
    tasks = {a.action_id: a.name for a in run.actions()} if logs else {}
    if node is not None:
        logs = [log for log in logs if _matches(node, log.action_id, tasks.get(log.action_id, ""))]
        if not logs:
            raise click.ClickException(
                f"no output recorded for {node!r} in run {run_name} (`flytelike runs get "
                f"{run_name}` lists its actions; tasks that print nothing have no logs)"
            )
    if not logs:
        click.echo(f"the tasks of run {run_name} printed nothing", err=True)
        return
    for log in logs:
        task = tasks.get(log.action_id, "")
        click.echo(f"=== {log.action_id} {task} (attempt {log.attempt + 1}) ===")
        text = log.truncation_marker + "".join(t for s, t in log.chunks if stream in ("all", s))
        if text:
            click.echo(text, nl=not text.endswith("\n"))


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
@click.argument("value", required=False)
def runs_signal(run_name: str, name: str, value: str | None) -> None:
    """Give gate NAME of run RUN_NAME its VALUE (JSON, or plain text for a string).

    A condition's callback URI (flytelike://runs/RUN/conditions/NAME, what a condition's webhook
    payload carries) may stand for RUN_NAME NAME: `flytelike runs signal URI VALUE`."""
    from flytelike.cli._run import _json_loads
    from flytelike.engine import EngineError
    from flytelike.engine import parse_condition_uri as parse_uri

    if value is None:
        named = parse_uri(run_name)
        if named is None:
            raise click.UsageError(
                "give RUN_NAME NAME VALUE, or a condition's callback URI and VALUE "
                f"(flytelike://runs/RUN/conditions/NAME); {run_name!r} is not such a URI"
            )
        (run_name, name), value = named, name

    try:
        data: Any = _json_loads(value, "VALUE")  # (BadParameter for JSON nested too deeply)
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
