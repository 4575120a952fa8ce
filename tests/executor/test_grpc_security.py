"""Security defaults of the executor: tokens, TLS, loopback-only without them; lazy grpc."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flytelike.backends import ActionContext, ActionRequest
from flytelike.backends import _conformance_tasks as ct
from flytelike.errors import ConfigurationError
from flytelike.executor import ExecutorServer, GrpcBackend
from typesystem import Scalar

from .conftest import TOKEN


def run_add(backend: GrpcBackend) -> object:
    req = ActionRequest(
        ct.add.template(), {"a": Scalar(2), "b": Scalar(3)}, ActionContext("r", "n0")
    )
    return asyncio.run(backend.run_action(req))


@pytest.mark.parametrize(("token", "why"), [(None, "no token was sent"), ("bad", "wrong")])
def test_a_missing_or_wrong_token_is_unauthenticated(
    secured_executor: ExecutorServer, token: str | None, why: str
) -> None:
    b = GrpcBackend(address=secured_executor.address, token=token or "")
    try:
        outcome = run_add(b)
        assert b.healthy()  # (the health check needs no token)
    finally:
        b.close()
    err = outcome.error  # type: ignore[attr-defined]
    assert err is not None and not err.recoverable
    assert "(UNAUTHENTICATED)" in err.message and why in err.message
    assert "FLYTELIKE_EXECUTOR_TOKEN" in err.message


def test_the_right_token_runs(
    secured_executor: ExecutorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLYTELIKE_EXECUTOR_TOKEN", TOKEN)
    b = GrpcBackend(address=secured_executor.address)
    try:
        outcome = run_add(b)
    finally:
        b.close()
    assert outcome.outputs == {"o0": Scalar(5)}  # type: ignore[attr-defined]


def test_other_interfaces_need_a_token_and_tls() -> None:
    # (refused when built: nothing is bound; 192.0.2.1 is a documentation address)
    with pytest.raises(ConfigurationError, match="without a token"):
        ExecutorServer("192.0.2.1", 0)
    with pytest.raises(ConfigurationError, match="without TLS"):
        ExecutorServer("192.0.2.1", 0, token="t")
    ExecutorServer("192.0.2.1", 0, token="t", allow_insecure=True)  # (explicitly declined)
    with pytest.raises(ConfigurationError, match="both a certificate"):
        ExecutorServer("127.0.0.1", 0, tls_cert="cert.pem")


def test_bad_addresses_and_settings_name_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLYTELIKE_EXECUTOR", raising=False)
    with pytest.raises(ConfigurationError, match="set FLYTELIKE_EXECUTOR=host:port"):
        GrpcBackend()
    with pytest.raises(ConfigurationError, match=r"'nohost' \(FLYTELIKE_EXECUTOR\) is not valid"):
        GrpcBackend(address="nohost")
    monkeypatch.setenv("FLYTELIKE_EXECUTOR_MAX_MESSAGE_BYTES", "lots")
    with pytest.raises(ConfigurationError, match="FLYTELIKE_EXECUTOR_MAX_MESSAGE_BYTES='lots'"):
        GrpcBackend(address="127.0.0.1:1")


def test_a_dropped_connection_is_a_system_error() -> None:
    server = ExecutorServer("127.0.0.1", 0)
    port = server.start()
    server.stop()  # (nothing listens there any more)
    b = GrpcBackend(address=f"127.0.0.1:{port}")
    try:
        outcome = run_add(b)
    finally:
        b.close()
    err = outcome.error  # type: ignore[attr-defined]
    assert err is not None and err.kind == "SYSTEM"
    assert f"executor 127.0.0.1:{port} failed or the connection dropped (UNAVAILABLE" in err.message


def _certificate(tmp: Path) -> tuple[str, str]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return str(cert), str(key)


def test_tls(tmp_path: Path) -> None:
    cert, key = _certificate(tmp_path)
    server = ExecutorServer("127.0.0.1", 0, token=TOKEN, tls_cert=cert, tls_key=key)
    server.start()
    try:
        secure = GrpcBackend(address=server.address, token=TOKEN, tls_ca=cert)
        plain = GrpcBackend(address=server.address, token=TOKEN)
        try:
            assert secure.describe()["name"] == "flytelike-python"
            assert run_add(secure).outputs == {"o0": Scalar(5)}  # type: ignore[attr-defined]
            err = run_add(plain).error  # type: ignore[attr-defined]
            assert err is not None and err.kind == "SYSTEM"
        finally:
            secure.close()
            plain.close()
    finally:
        server.stop()


def test_grpc_is_imported_lazily_and_its_absence_is_explained() -> None:
    code = (
        "import sys\n"
        "import flytelike, flytelike.executor, flytelike.backends\n"
        "assert 'grpc' not in sys.modules, 'grpc imported too early'\n"
        "sys.modules['grpc'] = None  # (as if grpcio were not installed)\n"
        "from flytelike.backends import BackendLoadError, get_backend\n"
        "try:\n"
        "    get_backend('grpc', address='127.0.0.1:1')\n"
        "except BackendLoadError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "needs grpcio, which is not installed" in out.stdout
    assert "pip install 'flytelike[grpc]'" in out.stdout
