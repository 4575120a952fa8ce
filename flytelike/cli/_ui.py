"""``flytelike ui`` (the local web UI) and ``flytelike runs report`` (a run as one HTML file)."""

from __future__ import annotations

import os
from pathlib import Path

import click


@click.command("ui")
@click.option("--host", default="127.0.0.1", show_default=True, help="interface to listen on")
@click.option("--port", default=8265, show_default=True, type=int, help="port (0: any free one)")
@click.option(
    "--token",
    default=lambda: os.environ.get("FLYTELIKE_UI_TOKEN", ""),
    help="required to listen on a non-loopback address (or FLYTELIKE_UI_TOKEN)",
)
@click.option("-v", "--verbose", is_flag=True, help="log every request")
def ui_command(host: str, port: int, token: str, verbose: bool) -> None:
    """Serve the local web UI over the run store: runs, graphs, timelines, logs, actions."""
    from flytelike.errors import ConfigurationError
    from flytelike.ui import serve

    try:
        server = serve(host=host, port=port, token=token, verbose=verbose)
    except ConfigurationError as e:
        raise click.ClickException(str(e)) from e
    except OSError as e:
        raise click.ClickException(f"cannot listen on {host}:{port}: {e.strerror or e}") from e
    url = server.url + (f"?token={token}" if token else "")
    click.echo(f"flytelike UI on {url} (Ctrl-C to stop)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server.engine.close()


@click.command("report")
@click.argument("run_name")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="file to write (default: RUN.html)",
)
def report_command(run_name: str, output: Path | None) -> None:
    """Write a run as one self-contained HTML file (graph, timeline, every action's details)."""
    from flytelike.engine import Engine, EngineConfig
    from flytelike.ui import NotFound, render_report

    engine = Engine(EngineConfig.from_env())
    try:
        html = render_report(engine, run_name)
    except NotFound as e:
        raise click.ClickException(str(e)) from e
    finally:
        engine.close()
    path = output or Path(f"{run_name}.html")
    path.write_text(html, encoding="utf-8")
    click.echo(str(path))
