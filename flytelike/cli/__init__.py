"""The ``flytelike`` command line (click): ``compile``/``graph`` an entity, ``run`` it, inspect
``runs``, ``resume`` one, manage the ``cache`` and the local ``secrets``, fire ``schedule``s,
print an ``image``'s Dockerfile."""

from __future__ import annotations

import click

from flytelike import __version__
from flytelike.cli._commands import compile_command, graph_command
from flytelike.cli._hygiene import StoreErrors, runs_delete, runs_prune, store_group
from flytelike.cli._image import image_group
from flytelike.cli._info import info_command
from flytelike.cli._platform import abort_command, deploy_command, get_group
from flytelike.cli._run import resume_command, run_command
from flytelike.cli._runs import cache_group, runs_group
from flytelike.cli._schedule import schedule_group
from flytelike.cli._secrets import secrets_group
from flytelike.cli._serve import serve_group
from flytelike.cli._ui import report_command, ui_command


@click.group(cls=StoreErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="flytelike")
def main() -> None:
    """flytelike: typed tasks and workflows in the style of Flyte."""


main.add_command(compile_command)
main.add_command(graph_command)
main.add_command(run_command)
main.add_command(runs_group)
main.add_command(resume_command)
main.add_command(cache_group)
main.add_command(info_command)
main.add_command(serve_group)
main.add_command(ui_command)
main.add_command(secrets_group)
main.add_command(schedule_group)
main.add_command(image_group)
runs_group.add_command(report_command)
runs_group.add_command(runs_prune)
runs_group.add_command(runs_delete)
main.add_command(store_group)
main.add_command(abort_command)
main.add_command(get_group)
main.add_command(deploy_command)

__all__ = ["main"]
