"""``flytelike runs prune`` and ``flytelike runs delete``: removing runs and their data.

What a deletion removes (rows, closures, working files, data not referred to by the cache or
another run) is decided in ``flytelike.engine._prune``; these commands word the result.
"""

from __future__ import annotations

from typing import Any

import click


def _engine() -> Any:
    from flytelike import engine as eng

    return eng.default_engine()


def _size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


def _report(done: Any, verb: str) -> None:
    n = len(done.runs)
    click.echo(
        f"{verb} {n} run{'' if n == 1 else 's'} ({done.rows} rows); removed {done.blobs_removed} "
        f"blob{'' if done.blobs_removed == 1 else 's'} ({_size(done.bytes_freed)})"
        + (f"; kept {done.blobs_kept} the cache or other runs still use" if done.blobs_kept else "")
    )


@click.command("delete")
@click.argument("run_names", nargs=-1, required=True, metavar="RUN...")
def runs_delete(run_names: tuple[str, ...]) -> None:
    """Delete runs RUN... with their records and data (data the task cache or another run still
    uses is kept). A run still running cannot be deleted."""
    from flytelike.engine import EngineError

    try:
        done = _engine().delete_runs(list(run_names))
    except (EngineError, KeyError) as e:
        raise click.ClickException(str(e)) from e
    _report(done, "deleted")


@click.command("prune")
@click.option(
    "--older-than",
    "older_than",
    required=True,
    help="age of the runs to delete: a duration such as 7d, 12h, 2w, 1d12h",
)
@click.option("--dry-run", is_flag=True, help="list the runs that would be deleted")
def runs_prune(older_than: str, dry_run: bool) -> None:
    """Delete every finished (or interrupted) run created more than --older-than ago, with its
    records and data; data the task cache or a remaining run still uses is kept."""
    from flytelike._durations import to_seconds
    from flytelike.engine import EngineError
    from flytelike.errors import FlytelikeError

    try:
        seconds = to_seconds(older_than, "--older-than", error=FlytelikeError)
    except FlytelikeError as e:
        raise click.BadParameter(str(e), param_hint="--older-than") from e
    try:
        done = _engine().prune(seconds, dry_run=dry_run)
    except EngineError as e:
        raise click.ClickException(str(e)) from e
    if dry_run:
        for name in done.runs:
            click.echo(name)
        n = len(done.runs)
        click.echo(f"would delete {n} run{'' if n == 1 else 's'}", err=True)
        return
    _report(done, "pruned")
