"""``flytelike compile`` and ``flytelike graph``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

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
    from flytelike.compiler import closure_of

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
@click.argument("file_or_module", required=False)
@click.argument("entity", required=False)
@click.option(
    "--format", "fmt", type=click.Choice(["mermaid", "dot"]), default="mermaid", show_default=True
)
@click.option(
    "--run",
    "run_name",
    default=None,
    help="draw the workflow of this recorded run, each node coloured by its phase",
)
@verbose_option()
def graph_command(
    file_or_module: str | None, entity: str | None, fmt: str, run_name: str | None, verbose: bool
) -> None:
    """Print the DAG of workflow ENTITY as text (Mermaid or Graphviz dot); with --run RUN,
    the graph of a recorded run coloured by what happened to each node."""
    from flytelike.cli._graph import dot, mermaid

    phases: dict[str, str] | None = None
    if run_name is not None:
        if file_or_module or entity:
            raise click.UsageError("give either FILE_OR_MODULE ENTITY or --run RUN, not both")
        template, phases = _run_graph(run_name)
    else:
        if not file_or_module or not entity:
            raise click.UsageError("missing FILE_OR_MODULE and ENTITY (or --run RUN)")
        obj = load_entity(file_or_module, entity, verbose)
        wf = getattr(obj, "workflow", obj)  # a launch plan draws its workflow
        try:
            template = wf.template()
        except FlytelikeError as e:
            raise click.ClickException(str(e)) from e
        if not hasattr(template, "nodes"):
            raise click.ClickException(f"{entity!r} is not a workflow; only workflows have a graph")
    click.echo(mermaid(template, phases) if fmt == "mermaid" else dot(template, phases), nl=False)


def _run_graph(run_name: str) -> tuple[Any, dict[str, str]]:
    from flytelike.engine import Engine, EngineConfig, RunNotFoundError

    engine = Engine(EngineConfig.from_env())
    try:
        run = engine.get_run(run_name)
        closure = engine.store.run_closure(run_name)
        phases = {a.action_id: a.phase for a in run.actions() if not a.parent}
    except RunNotFoundError as e:
        raise click.ClickException(str(e)) from e
    finally:
        engine.close()
    wf = next((w for w in getattr(closure, "workflows", ()) if w.id == closure.primary), None)
    if wf is None:
        raise click.ClickException(f"run {run_name} ran a task, not a workflow; it has no graph")
    return wf, phases
