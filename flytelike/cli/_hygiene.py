"""Keeping the run store in shape: ``flytelike runs prune``/``runs delete`` (removing runs and
their data) and ``flytelike store check``/``store repair``.

What a deletion removes (rows, closures, working files, data not referred to by the cache or
another run) is decided in ``flytelike.engine._prune``, what a check looks at and a repair does in
``flytelike.engine._check``; these commands word the results.
"""

from __future__ import annotations

import os
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
    from flytelike._settings.durations import to_seconds
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


def _home() -> Any:
    from flytelike.engine import EngineConfig

    return EngineConfig.from_env().home


@click.group("store")
def store_group() -> None:
    """The run store in FLYTELIKE_HOME: check it, repair it."""


@store_group.command("check")
def store_check() -> None:
    """Check the run store: who can read or write it, whether its database is readable, and
    whether the pickles it holds carry valid integrity seals. Exits 1 when something is wrong."""
    from flytelike.engine._check import check  # (not on the face: only this command loads it)

    problems = 0
    for f in check(_home()):
        if f.ok:
            click.echo(f"ok       {f.what}")
        else:
            problems += 1
            click.echo(f"PROBLEM  {f.what}\n         fix: {f.fix}")
    if problems:
        raise SystemExit(1)


@store_group.command("repair")
@click.option(
    "--trust",
    is_flag=True,
    help="also seal every pickle the store holds with this home's key (only if you trust its "
    "contents: a pickle runs code when loaded)",
)
def store_repair(trust: bool) -> None:
    """Repair the run store: move a damaged database aside and start a new one with what can
    still be read, make the home and its files private to you, replace a damaged key. Stop
    flytelike processes using this home first."""
    from flytelike.engine._check import repair  # (not on the face: only this command loads it)

    for line in repair(_home(), trust=trust):
        click.echo(line)


class StoreErrors(click.Group):
    """The top-level group: a run store that cannot be used (``StoreError``: damaged, not
    writable, full, untrusted data), a setting that cannot be used (``ConfigurationError``: a
    ``FLYTELIKE_*`` variable or ``[tool.flytelike]`` key, named with the expected form) and a
    configured backend that is not installed end any command with their message, not a
    traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from flytelike.backends import BackendLoadError, BackendNotFoundError
        from flytelike.engine.errors import StoreError
        from flytelike.errors import ConfigurationError
        from typesystem import SettingError

        try:
            return super().invoke(ctx)
        except (StoreError, ConfigurationError, SettingError, BackendLoadError) as e:
            raise click.ClickException(str(e)) from e
        except BackendNotFoundError as e:
            text = str(e)
            if os.environ.get("FLYTELIKE_BACKEND", "").strip() == e.name:
                text = f"environment variable FLYTELIKE_BACKEND={e.name!r}: {text}"
            raise click.ClickException(text) from e
