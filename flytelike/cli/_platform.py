"""flyte 2's CLI spellings with a local meaning: ``flytelike abort RUN [ACTION]`` (as ``runs
abort``), ``flytelike get run [RUN]`` (a run as ``runs get``; without RUN the recent runs, as
``runs list``) and ``flytelike deploy FILE_OR_MODULE ENV...`` (``flytelike.deploy`` of the named
``TaskEnvironment`` objects: their tasks registered in the local store for
``flytelike.remote.Task.get``)."""

from __future__ import annotations

import click

from flytelike.cli._runs import runs_abort, runs_get, runs_list

abort_command = click.Command(
    "abort",
    params=list(runs_abort.params),
    callback=runs_abort.callback,
    help=runs_abort.help,
)


@click.group("get")
def get_group() -> None:
    """Show recorded things (flyte's `flyte get`)."""


@get_group.command("run")
@click.argument("run_name", required=False)
@click.option("--limit", default=20, show_default=True, help="without RUN: how many runs")
@click.option("--project", default=None, help="without RUN: only runs of this project")
@click.option("--domain", default=None, help="without RUN: only runs of this domain")
@click.pass_context
def get_run(
    ctx: click.Context,
    run_name: str | None,
    limit: int,
    project: str | None,
    domain: str | None,
) -> None:
    """Run RUN_NAME with its actions and errors; without RUN_NAME, the recent runs."""
    if run_name is not None:
        ctx.invoke(runs_get, run_name=run_name)
    else:
        ctx.invoke(
            runs_list,
            limit=limit,
            phase=None,
            entity=None,
            project=project,
            domain=domain,
            as_json=False,
        )


@click.command("deploy")
@click.argument("file_or_module")
@click.argument("envs", nargs=-1, required=True)
@click.option("--project", default=None, help="the project (default: FLYTELIKE_PROJECT)")
@click.option("--domain", default=None, help="the domain (default: FLYTELIKE_DOMAIN)")
@click.option("--version", "version", default=None, help="the version (default: by content)")
@click.option("--dry-run", "--dryrun", "dry_run", is_flag=True, help="compile, record nothing")
@click.option("-v", "--verbose", is_flag=True, help="full tracebacks on errors")
def deploy_command(
    file_or_module: str,
    envs: tuple[str, ...],
    project: str | None,
    domain: str | None,
    version: str | None,
    dry_run: bool,
    verbose: bool,
) -> None:
    """Register the tasks of TaskEnvironments ENVS (variable names) of FILE_OR_MODULE in the
    local store, for flytelike.remote.Task.get(name, version=...)."""
    from flytelike._remote_verbs.deploy import deploy
    from flytelike._v2 import init as _init
    from flytelike._v2.env import TaskEnvironment
    from flytelike.cli._load import load_module
    from flytelike.errors import FlytelikeError

    module = load_module(file_or_module, verbose)
    found = []
    for name in envs:
        env = getattr(module, name, None)
        if not isinstance(env, TaskEnvironment):
            known = sorted(k for k, v in vars(module).items() if isinstance(v, TaskEnvironment))
            raise click.BadParameter(
                f"{file_or_module} has no TaskEnvironment named {name!r}; it has: "
                f"{', '.join(known) or 'none'}",
                param_hint="ENVS",
            )
        found.append(env)
    if project is not None or domain is not None:
        p, d = _init.initialized()
        _init.init(project=project or p, domain=domain or d)
    try:
        deployments = deploy(*found, dryrun=dry_run, version=version)
    except FlytelikeError as e:
        raise click.ClickException(str(e)) from e
    for deployment in deployments:
        for t in deployment.deployed_tasks:
            verb = "would deploy" if dry_run else "deployed"
            click.echo(f"{verb} {t.name} version {t.version} to {t.project}/{t.domain}")
