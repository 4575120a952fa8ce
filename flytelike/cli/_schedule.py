"""``flytelike schedule list FILE`` and ``flytelike schedule serve FILE``: the local scheduler
(``flytelike.scheduler``) from the command line.

``serve`` runs in the foreground, prints a line per firing and per finished run, and stops at
``--until`` (a time, or a duration from the start), after ``--max-runs`` firings, when nothing is
left to fire, or on Ctrl-C/SIGTERM: then no more firings start, runs still running are aborted
(recorded ABORTED; ``flytelike resume`` continues one) and it exits 0. ``--start`` in the past
backfills (its times fire at once, in order); ``--speed`` makes time pass faster. ``OnArtifact``
triggers fire once per new version of their artifact in the local catalog (polled every second
of schedule time; versions created from ``--start`` on).
"""

from __future__ import annotations

import datetime as _dt
import signal
from typing import Any

import click

from flytelike.cli._load import load_module
from flytelike.errors import ConfigurationError, DefinitionError


def _moment(text: str | None, start: _dt.datetime | None, what: str) -> _dt.datetime | None:
    """An ISO time (UTC unless it says otherwise) or, after ``start``, a duration."""
    if text is None:
        return None
    try:
        moment = _dt.datetime.fromisoformat(text)
    except ValueError:
        if start is None:
            raise click.BadParameter(
                f"{text!r} is not an ISO time such as 2026-12-04T09:00", param_hint=what
            ) from None
        # (the one duration parser of task settings; it has no public face)
        from flytelike._settings.durations import to_seconds

        try:
            return start + _dt.timedelta(seconds=to_seconds(text, what, error=ConfigurationError))
        except ConfigurationError:
            raise click.BadParameter(
                f"{text!r} is neither an ISO time (2026-12-04T09:00) nor a duration (90s, 2h)",
                param_hint=what,
            ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=_dt.UTC)


def _entries(file: str, start: _dt.datetime, verbose: bool) -> list[Any]:
    from flytelike.scheduler import find_entries

    module = load_module(file, verbose)
    try:
        entries = find_entries(module, start)
    except (ConfigurationError, DefinitionError) as e:
        raise click.ClickException(str(e)) from e
    if not entries:
        raise click.ClickException(
            f"{file} defines no scheduled launch plan (schedule=CronSchedule/FixedRate) and no "
            "task with triggers=Trigger(...)"
        )
    return entries


def _iso(moment: _dt.datetime) -> str:
    return moment.astimezone(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@click.group("schedule")
def schedule_group() -> None:
    """Fire launch plan schedules and task triggers locally."""


@schedule_group.command("list")
@click.argument("file")
@click.option("--count", "-n", default=3, show_default=True, help="firing times per schedule")
@click.option("--start", default=None, help="list times after this ISO time (default: now)")
@click.option("--verbose", "-v", is_flag=True, help="full tracebacks of errors in FILE")
def schedule_list(file: str, count: int, start: str | None, verbose: bool) -> None:
    """Show the schedules FILE defines and their next firing times (UTC)."""
    from flytelike.scheduler import upcoming

    begin = _moment(start, None, "--start") or _dt.datetime.now(_dt.UTC).replace(microsecond=0)
    entries = _entries(file, begin, verbose)
    for entry, times in zip(entries, upcoming(entries, begin, count), strict=True):
        inputs = ", ".join(entry.time_inputs)
        click.echo(f"{entry.name}  ({entry.kind}, {entry.rule})")
        if inputs:
            click.echo(f"  firing time as input: {inputs}")
        if not entry.active:
            click.echo(f"  not fired: {entry.note}")
            continue
        if entry.artifact is not None:
            if entry.artifact_inputs:
                click.echo(f"  triggering artifact as input: {', '.join(entry.artifact_inputs)}")
            click.echo("  fires on each new version (schedule serve polls the artifact catalog)")
        for t in times:
            click.echo(f"  {_iso(t)}")


@schedule_group.command("serve")
@click.argument("file")
@click.option("--start", default=None, help="fire times from this ISO time (default: now)")
@click.option("--until", default=None, help="stop at this ISO time, or after this duration")
@click.option("--max-runs", "--max_runs", "max_runs", type=int, default=None,
              help="stop after this many firings")  # fmt: skip
@click.option(
    "--missed",
    type=click.Choice(["all", "latest"]),
    default="all",
    show_default=True,
    help="times missed while behind: fire each, or only the latest",
)
@click.option("--speed", type=float, default=1.0, show_default=True,
              help="schedule time passes this many times faster than real time")  # fmt: skip
@click.option("--verbose", "-v", is_flag=True, help="full tracebacks of errors in FILE")
def schedule_serve(
    file: str,
    start: str | None,
    until: str | None,
    max_runs: int | None,
    missed: str,
    speed: float,
    verbose: bool,
) -> None:
    """Fire FILE's schedules and triggers at their times, each firing a recorded run."""
    from flytelike.artifacts import CatalogWatch
    from flytelike.scheduler import Scheduler, SystemClock

    if speed <= 0:
        raise click.BadParameter("must be > 0", param_hint="--speed")
    clock = SystemClock(speed)
    begin = _moment(start, None, "--start") or clock.now().replace(microsecond=0)
    end = _moment(until, begin, "--until")
    entries = _entries(file, begin, verbose)
    for entry in entries:
        if not entry.active:
            click.echo(f"{entry.name}: not fired ({entry.note})")
    scheduler = Scheduler(
        entries,
        clock=clock,
        start=begin,
        until=end,
        max_runs=max_runs,
        missed=missed,
        report=lambda line: click.echo(line),
        catalog=CatalogWatch(),
    )
    click.echo(
        f"serving {len(scheduler.entries)} schedule(s) from {_iso(begin)}"
        + (f" until {_iso(end)}" if end else "")
        + "; Ctrl-C stops"
    )

    def on_term(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        firings = scheduler.serve()
    except KeyboardInterrupt:
        scheduler.stop()
        aborted = scheduler.abort_running()
        scheduler.join(timeout=30)
        click.echo(f"stopped; aborted {len(aborted)} running run(s)" if aborted else "stopped")
        return
    finally:
        signal.signal(signal.SIGTERM, previous)
    started = sum(1 for f in firings if not f.outcome.startswith("skipped"))
    click.echo(f"done: {started} run(s) fired")
