"""Security defaults of the executor: tokens, TLS, loopback-only without them; lazy grpc."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from flytelike.backends import ActionContext, ActionRequest
from flytelike.conformance import tasks as ct
from flytelike.errors import ConfigurationError
from flytelike.executor import ExecutorServer, GrpcBackend
from typesystem import Scalar

from ._certs import Pki, make_pki
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


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


def test_tls(pki: Pki) -> None:
    server = ExecutorServer(
        "127.0.0.1", 0, token=TOKEN, tls_cert=pki.server_cert, tls_key=pki.server_key
    )
    server.start()
    other = make_pki(Path(pki.ca).parent, "other")  # (a CA that did not sign the server's)
    backends = {
        "secure": GrpcBackend(address=server.address, token=TOKEN, tls_ca=pki.ca),
        "plain": GrpcBackend(address=server.address, token=TOKEN),
        "untrusted": GrpcBackend(address=server.address, token=TOKEN, tls_ca=other.ca),
    }
    try:
        assert backends["secure"].describe()["name"] == "flytelike-python"
        assert run_add(backends["secure"]).outputs == {"o0": Scalar(5)}  # type: ignore[attr-defined]
        for name in ("plain", "untrusted"):
            err = run_add(backends[name]).error  # type: ignore[attr-defined]
            assert err is not None and err.kind == "SYSTEM", name
    finally:
        for b in backends.values():
            b.close()
        server.stop()


def test_mutual_tls(pki: Pki, monkeypatch: pytest.MonkeyPatch) -> None:
    server = ExecutorServer(
        "127.0.0.1",
        0,
        token=TOKEN,
        tls_cert=pki.server_cert,
        tls_key=pki.server_key,
        tls_client_ca=pki.ca,
    )
    server.start()
    other = make_pki(Path(pki.ca).parent, "stranger")  # (a client certificate of another CA)
    monkeypatch.setenv("FLYTELIKE_EXECUTOR_TLS_CA", pki.ca)
    monkeypatch.setenv("FLYTELIKE_EXECUTOR_TLS_CERT", pki.client_cert)
    monkeypatch.setenv("FLYTELIKE_EXECUTOR_TLS_KEY", pki.client_key)
    from_env = GrpcBackend(address=server.address, token=TOKEN)
    monkeypatch.delenv("FLYTELIKE_EXECUTOR_TLS_CERT")
    monkeypatch.delenv("FLYTELIKE_EXECUTOR_TLS_KEY")
    refused = {
        "no client certificate": GrpcBackend(address=server.address, token=TOKEN),
        "another CA's": GrpcBackend(
            address=server.address,
            token=TOKEN,
            tls_cert=other.client_cert,
            tls_key=other.client_key,
        ),
    }
    no_token = GrpcBackend(
        address=server.address, token="", tls_cert=pki.client_cert, tls_key=pki.client_key
    )
    try:
        assert run_add(from_env).outputs == {"o0": Scalar(5)}  # type: ignore[attr-defined]
        for name, b in refused.items():
            err = run_add(b).error  # type: ignore[attr-defined]
            assert err is not None and err.kind == "SYSTEM", name
        err = run_add(no_token).error  # type: ignore[attr-defined]
        assert err is not None and "(UNAUTHENTICATED)" in err.message  # (a token still counts)
    finally:
        for b in (from_env, no_token, *refused.values()):
            b.close()
        server.stop()


def test_tls_settings_that_do_not_fit_are_named(pki: Pki) -> None:
    with pytest.raises(ConfigurationError, match="tls_cert without tls_key"):
        GrpcBackend(address="127.0.0.1:1", tls_cert=pki.client_cert)
    with pytest.raises(ConfigurationError, match="cannot read the TLS CA certificate"):
        GrpcBackend(address="127.0.0.1:1", tls_ca="/nonexistent/ca.pem")
    with pytest.raises(ConfigurationError, match="mutual TLS"):
        ExecutorServer("127.0.0.1", 0, tls_client_ca=pki.ca)


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
