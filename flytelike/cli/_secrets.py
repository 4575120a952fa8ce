"""``flytelike secrets create/get/list/delete``: the local secret store (``flytelike._settings.secret_store``).

Values are read from ``--value``, ``--from-file`` or a hidden prompt, and are printed only by
``get --reveal``; ``list`` and ``get`` show names, sizes, times and the owner-only files.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from flytelike._settings.secret_store import SecretStore, StoredSecret
from flytelike.errors import ConfigurationError


def _store() -> SecretStore:
    return SecretStore()


def _row(s: StoredSecret) -> dict[str, object]:
    return {
        "name": s.name,
        "group": s.group,
        "size": s.size,
        "modified": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(s.modified)),
        "path": str(s.path),
    }


def _fail(e: ConfigurationError) -> click.ClickException:
    return click.ClickException(str(e))


@click.group("secrets")
def secrets_group() -> None:
    """Manage the local secret store (files only you can read, under FLYTELIKE_HOME/secrets)."""


@secrets_group.command("create")
@click.argument("name")
@click.option("--value", help="The secret's value (else --from-file, else a hidden prompt).")
@click.option(
    "--from-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the value from this file (bytes kept as they are).",
)
@click.option("--group", default=None, help="A group to keep the secret in.")
@click.option("--force", is_flag=True, help="Replace an existing secret of that name.")
def create_command(
    name: str, value: str | None, from_file: Path | None, group: str | None, force: bool
) -> None:
    """Create secret NAME; tasks requesting it get it in their environment."""
    if value is not None and from_file is not None:
        raise click.UsageError("give --value or --from-file, not both")
    data: str | bytes
    if from_file is not None:
        data = from_file.read_bytes()
    elif value is not None:
        data = value
    else:
        data = click.prompt("Enter secret value", hide_input=True)
    try:
        stored = _store().create(name, data, group, overwrite=force)
    except ConfigurationError as e:
        raise _fail(e) from None
    click.echo(
        f"created secret {name}" + (f" in group {group}" if group else "") + f" ({stored.path})"
    )


@secrets_group.command("get")
@click.argument("name")
@click.option("--group", default=None, help="The secret's group.")
@click.option("--reveal", is_flag=True, help="Print the value itself.")
def get_command(name: str, group: str | None, reveal: bool) -> None:
    """Show secret NAME (its value only with --reveal)."""
    store = _store()
    try:
        if reveal:
            click.echo(store.get(name, group).decode(errors="replace"))
            return
        click.echo(json.dumps(_row(store.info(name, group)), indent=2))
    except ConfigurationError as e:
        raise _fail(e) from None


@secrets_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_command(as_json: bool) -> None:
    """List the secrets (names only, never values)."""
    rows = [_row(s) for s in _store().list()]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("no secrets (create one with `flytelike secrets create NAME`)")
        return
    for r in rows:
        label = f"{r['group']}/{r['name']}" if r["group"] else str(r["name"])
        click.echo(f"{label:<40} {r['size']:>8} bytes  {r['modified']}")


@secrets_group.command("delete")
@click.argument("name")
@click.option("--group", default=None, help="The secret's group.")
def delete_command(name: str, group: str | None) -> None:
    """Delete secret NAME."""
    try:
        _store().delete(name, group)
    except ConfigurationError as e:
        raise _fail(e) from None
    click.echo(f"deleted secret {name}")
