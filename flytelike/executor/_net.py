"""What the executor's client and server share: importing grpc, addresses, tokens, limits.

grpc is imported on first use only (``import flytelike`` never loads it); without grpcio the
error says what to install. Settings come from arguments or ``FLYTELIKE_EXECUTOR*`` environment
variables, read when a client or server is built.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from typing import Any

from flytelike.errors import ConfigurationError

SERVICE = "flytelike.executor.v1.Executor"
HEALTH_SERVICE = "grpc.health.v1.Health"
DEFAULT_PORT = 8815
DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024
INSTALL_HINT = "pip install 'flytelike[grpc]'"

# Environment variables (read when a client or a server is built, never at import).
ENV_ADDRESS = "FLYTELIKE_EXECUTOR"
ENV_TOKEN = "FLYTELIKE_EXECUTOR_TOKEN"
ENV_TLS_CA = "FLYTELIKE_EXECUTOR_TLS_CA"
ENV_TLS_CERT = "FLYTELIKE_EXECUTOR_TLS_CERT"
ENV_TLS_KEY = "FLYTELIKE_EXECUTOR_TLS_KEY"
ENV_MAX_MESSAGE = "FLYTELIKE_EXECUTOR_MAX_MESSAGE_BYTES"


# gRPC's transports for clients and listeners that flytelike's executor client and server
# turn off (``GRPC_EXPERIMENTS``, see ``import_grpc``), and the grpcio release whose Python
# package first turned them on.
EXPERIMENTS_OFF = "-event_engine_client,-event_engine_listener"
_EVENT_ENGINE_SINCE = (1, 80)


def _grpcio_version() -> tuple[int, ...]:
    from importlib import metadata

    try:
        text = metadata.version("grpcio")
    except metadata.PackageNotFoundError:
        return ()
    return tuple(int(p) for p in text.split(".")[:2] if p.isdigit())


def import_grpc() -> Any:
    """The ``grpc`` module, or ``BackendLoadError`` naming the extra to install.

    When this first imports gRPC it sets two of gRPC's environment variables, unless they are
    set already: ``GRPC_ENABLE_FORK_SUPPORT=false`` and, for grpcio >= 1.80,
    ``GRPC_EXPERIMENTS=-event_engine_client,-event_engine_listener`` (``EXPERIMENTS_OFF``).
    From 1.80 on, gRPC's Python package moves every socket event through threads of its own
    (the EventEngine) before the thread waiting for it sees it: two more thread wake-ups on
    each side of every message. Without them, a message over an executor stream costs each
    side about 4.3 instead of 7.6 context switches and about 40% less CPU (a bare echo over
    loopback: ~80 -> ~50 us of client CPU per round trip). ``GRPC_EXPERIMENTS=`` (empty, or
    any value) keeps gRPC's own choice; a process that imported gRPC before is unchanged."""
    if "grpc" not in sys.modules:
        # The local backend forks a worker for each attempt with a timeout; the workers never
        # use gRPC, so gRPC's fork handlers (and their warning at every fork) are not needed.
        os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")
        if "GRPC_EXPERIMENTS" not in os.environ and _grpcio_version() >= _EVENT_ENGINE_SINCE:
            os.environ["GRPC_EXPERIMENTS"] = EXPERIMENTS_OFF
    try:
        import grpc  # type: ignore[import-untyped]  # (grpcio ships no type stubs)
    except ImportError as e:
        from flytelike.backends import BackendLoadError

        raise BackendLoadError(
            f"the gRPC executor interface needs grpcio, which is not installed ({e}); "
            f"install it with `{INSTALL_HINT}`"
        ) from e
    return grpc


def split_address(address: str, what: str = ENV_ADDRESS) -> tuple[str, int]:
    """``host:port`` (``[::1]:port`` for IPv6) as ``(host, port)``."""
    text = address.strip()
    host, sep, port = text.rpartition(":")
    if text.startswith("[") and "]" in text:
        host, _, rest = text[1:].partition("]")
        sep, port = ":", rest[1:] if rest.startswith(":") else ""
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ConfigurationError(
            f"executor address {address!r} ({what}) is not valid: expected host:port, e.g. "
            f"127.0.0.1:{DEFAULT_PORT} or [::1]:{DEFAULT_PORT}"
        )
    return host, int(port)


def join_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (``localhost``, ``127.0.0.0/8``, ``::1``)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def max_message_bytes(value: int | None) -> int:
    if value is None:
        raw = os.environ.get(ENV_MAX_MESSAGE, "").strip()
        if not raw:
            return DEFAULT_MAX_MESSAGE_BYTES
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if value < 1024:
            raise ConfigurationError(
                f"environment variable {ENV_MAX_MESSAGE}={raw!r} is not valid: expected a "
                f"whole number of bytes >= 1024 (default {DEFAULT_MAX_MESSAGE_BYTES}); fix or "
                f"unset it (`unset {ENV_MAX_MESSAGE}`)"
            )
    if value < 1024:
        raise ConfigurationError(f"max_message_bytes must be >= 1024, got {value}")
    return value


def channel_options(max_bytes: int) -> list[tuple[str, int]]:
    # Messages up to twice the limit reach the server's own check, whose error names the
    # largest field; gRPC refuses anything larger before it is read.
    return [
        ("grpc.max_receive_message_length", 2 * max_bytes),
        ("grpc.max_send_message_length", 2 * max_bytes),
    ]


def read_file(path: str, what: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise ConfigurationError(f"cannot read the {what} {path!r}: {e}") from e


def client_credentials(grpc: Any, ca: str | None, cert: str | None, key: str | None) -> Any:
    """The client's TLS credentials (``None``: plaintext). Each argument defaults to its
    environment variable; any one of them turns TLS on (without ``ca``: the system's CAs).
    ``cert`` and ``key`` (mutual TLS) come together."""
    ca = ca if ca is not None else os.environ.get(ENV_TLS_CA) or None
    cert = cert if cert is not None else os.environ.get(ENV_TLS_CERT) or None
    key = key if key is not None else os.environ.get(ENV_TLS_KEY) or None
    if ca is None and cert is None and key is None:
        return None
    if (cert is None) != (key is None):
        given, missing = ("tls_cert", "tls_key") if key is None else ("tls_key", "tls_cert")
        raise ConfigurationError(
            f"the grpc backend got {given} without {missing}: a client certificate (mutual "
            f"TLS) needs both (backend options tls_cert and tls_key, or {ENV_TLS_CERT} and "
            f"{ENV_TLS_KEY})"
        )
    return grpc.ssl_channel_credentials(
        root_certificates=read_file(ca, f"TLS CA certificate ({ENV_TLS_CA})") if ca else None,
        private_key=read_file(key, f"TLS client key ({ENV_TLS_KEY})") if key else None,
        certificate_chain=read_file(cert, f"TLS client certificate ({ENV_TLS_CERT})")
        if cert
        else None,
    )
