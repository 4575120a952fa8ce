"""``flytelike compile`` and ``flytelike graph``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from flytelike.cli._errors import verbose_option
from flytelike.cli._load import load_entity
from flytelike.errors import FlytelikeError


@click.command("compile")
@click.argument("file_or_module")
@click.argument("entity")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "proto"]), default="json", show_default=True
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option(
    "--version",
    "version",
    default="",
    help="version for every entity of the closure (default: content hashes)",
)
@verbose_option()
def compile_command(
    file_or_module: str, entity: str, fmt: str, output: Path | None, version: str, verbose: bool
) -> None:
    """Compile ENTITY (a workflow, task or launch plan) to its IR closure."""
    from flytelike import serialization
    from flytelike._closure import closure_of

    try:
        closure = closure_of(load_entity(file_or_module, entity, verbose), version)
    except FlytelikeError as e:
        raise click.ClickException(str(e)) from e
    data = (
        serialization.to_json(closure).encode() + b"\n"
        if fmt == "json"
        else serialization.to_proto_bytes(closure)
    )
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        output.write_bytes(data)
        click.echo(f"wrote {output} ({len(data)} bytes)", err=True)


@click.command("graph")
@click.argument("file_or_module")
@click.argument("entity")
@click.option(
    "--format", "fmt", type=click.Choice(["mermaid", "dot"]), default="mermaid", show_default=True
)
@verbose_option()
def graph_command(file_or_module: str, entity: str, fmt: str, verbose: bool) -> None:
    """Print the DAG of workflow ENTITY as text (Mermaid or Graphviz dot)."""
    from flytelike.cli._graph import dot, mermaid

    obj = load_entity(file_or_module, entity, verbose)
    wf = getattr(obj, "workflow", obj)  # a launch plan draws its workflow
    try:
        template = wf.template()
    except FlytelikeError as e:
        raise click.ClickException(str(e)) from e
    if not hasattr(template, "nodes"):
        raise click.ClickException(f"{entity!r} is not a workflow; only workflows have a graph")
    click.echo(mermaid(template) if fmt == "mermaid" else dot(template), nl=False)
