"""Fixtures for the gRPC executor tests: a Python executor on 127.0.0.1 with an ephemeral port."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest.importorskip("grpc")

from flytelike.executor import ExecutorServer

TOKEN = "s3cret-test-token"


@pytest.fixture(scope="module")
def executor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ExecutorServer]:
    """An executor without a token (loopback), unpacking code bundles in a temporary folder."""
    server = ExecutorServer("127.0.0.1", 0, code_cache=str(tmp_path_factory.mktemp("code")))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def secured_executor() -> Iterator[ExecutorServer]:
    """An executor that requires ``TOKEN``."""
    server = ExecutorServer("127.0.0.1", 0, token=TOKEN, max_message_bytes=64 * 1024)
    server.start()
    yield server
    server.stop()


@contextmanager
def listening(
    argv: list[str], env: dict[str, str], cwd: Path | str, secured: bool = False
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """An executor process started as ``argv`` (the Python one, or the Node.js one), with the
    address its first line says it listens on (``... (plaintext, token required)`` when
    ``secured``); stopped afterwards."""
    said = r"listening on (127\.0\.0\.1:\d+)" + (
        r" \(plaintext, token required\)" if secured else ""
    )
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd
    )
    assert proc.stdout is not None and proc.stderr is not None
    try:
        line = proc.stdout.readline()
        found = re.match(said, line)
        assert found, (line, proc.stderr.read() if proc.poll() is not None else "")
        yield proc, found.group(1)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()
