"""The ``flytelike`` command line (click): ``compile`` and ``graph`` a workflow or task."""

from __future__ import annotations

import click

from flytelike.cli._commands import compile_command, graph_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """flytelike: typed tasks and workflows in the style of Flyte."""


main.add_command(compile_command)
main.add_command(graph_command)

__all__ = ["main"]
