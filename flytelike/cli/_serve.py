"""``flytelike serve executor``: a gRPC executor that runs task actions for other processes;
``flytelike serve connector``: the connector service (``flytelike.connectors``) for the connectors
some modules register, as a served ``ConnectorEnvironment`` runs it.

It listens on 127.0.0.1 by default. Any other interface needs a token and TLS (or an explicit
``--allow-insecure``); the token also comes from ``FLYTELIKE_EXECUTOR_TOKEN`` so that it need
not appear in the process list. ``--tls-client-ca`` turns on mutual TLS (clients must present a
certificate that CA signed). Clients reach it with ``flytelike run --executor host:port`` (or
``--backend grpc`` and ``FLYTELIKE_EXECUTOR=host:port``). Once it listens, it prints one line ``listening on
host:port`` (``--port 0`` picks a free port).
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click


@click.group("serve")
def serve_group() -> None:
    """Serve flytelike over the network."""


@serve_group.command("executor")
@click.option("--host", default="127.0.0.1", show_default=True, help="interface to listen on")
@click.option("--port", default=8815, show_default=True, type=int, help="0: any free port")
@click.option("--token", default=None, help="required from clients (env FLYTELIKE_EXECUTOR_TOKEN)")
@click.option("--tls-cert", "--tls_cert", "tls_cert", default=None, help="PEM certificate chain")
@click.option("--tls-key", "--tls_key", "tls_key", default=None, help="PEM private key")
@click.option(
    "--tls-client-ca",
    "--tls_client_ca",
    "tls_client_ca",
    default=None,
    help="PEM CA certificate: require client certificates it signed (mutual TLS)",
)
@click.option(
    "--allow-insecure",
    "--allow_insecure",
    "allow_insecure",
    is_flag=True,
    default=False,
    help="serve a non-loopback interface without TLS (the token travels in clear)",
)
@click.option(
    "--max-message-bytes",
    "--max_message_bytes",
    "max_message_bytes",
    type=int,
    default=None,
    help="largest request accepted (default 64 MiB; env FLYTELIKE_EXECUTOR_MAX_MESSAGE_BYTES)",
)
@click.option(
    "--workers", type=int, default=None, help="threads running sync tasks (default: 4 per CPU)"
)
@click.option(
    "--code-cache",
    "--code_cache",
    "code_cache",
    default=None,
    help="folder code bundles are unpacked in (default $FLYTELIKE_HOME/executor/code)",
)
def serve_executor_command(
    host: str,
    port: int,
    token: str | None,
    tls_cert: str | None,
    tls_key: str | None,
    tls_client_ca: str | None,
    allow_insecure: bool,
    max_message_bytes: int | None,
    workers: int | None,
    code_cache: str | None,
) -> None:
    """Run task actions sent over gRPC (the `grpc` backend), with the local backend."""
    from flytelike.backends import BackendLoadError
    from flytelike.errors import ConfigurationError

    try:
        from flytelike.executor import ENV_TOKEN, ExecutorServer, import_grpc

        import_grpc()
        if token is None:
            token = os.environ.get(ENV_TOKEN, "")
        server = ExecutorServer(
            host,
            port,
            token=token,
            tls_cert=tls_cert,
            tls_key=tls_key,
            tls_client_ca=tls_client_ca,
            allow_insecure=allow_insecure,
            max_message_bytes=max_message_bytes,
            workers=workers,
            code_cache=code_cache,
        )
    except (ConfigurationError, BackendLoadError) as e:
        raise click.ClickException(str(e)) from e
    if os.getcwd() not in sys.path:
        sys.path.append(os.getcwd())  # (task modules of the directory it was started in)

    def ready(s: Any) -> None:
        auth = "token required" if s.token else "no token"
        tls = ("mutual TLS" if s.tls_client_ca else "TLS") if s.tls else "plaintext"
        click.echo(f"listening on {s.address} ({tls}, {auth})")
        sys.stdout.flush()

    try:
        server.serve_forever(on_ready=ready)
    except ConfigurationError as e:
        raise click.ClickException(str(e)) from e
    except KeyboardInterrupt:
        click.echo("stopped", err=True)


@serve_group.command("connector")
@click.option("--port", default=8000, show_default=True, type=int, help="0: any free port")
@click.option("--worker", default=10, show_default=True, type=int, help="gRPC server threads")
@click.option("--timeout", default=None, type=float, help="stop after this many seconds")
@click.argument("include", nargs=-1)
def serve_connector_command(
    port: int, worker: int, timeout: float | None, include: tuple[str, ...]
) -> None:
    """Serve the connectors that the INCLUDE files, folders or modules register (as a
    ConnectorEnvironment's include=), over gRPC on 127.0.0.1, until Ctrl-C."""
    from flytelike.connectors import ConnectorService
    from flytelike.connectors.utils import module_for_path
    from flytelike.errors import ConfigurationError, DefinitionError

    try:
        modules = [module_for_path(p, "flytelike serve connector") for p in include]
        ConnectorService.run(port=port, worker=worker, timeout=timeout, modules=modules)
    except (DefinitionError, ConfigurationError, ImportError, OSError) as e:
        raise click.ClickException(str(e)) from e
