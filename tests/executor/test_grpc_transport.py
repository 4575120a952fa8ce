"""gRPC's own settings as the executor's client and server import it (``_net.import_grpc``)."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

import flytelike as fl
from flytelike.backends import ActionContext, ActionRequest
from flytelike.executor import ExecutorServer, GrpcBackend, _net
from typesystem import Scalar

ROOT = Path(__file__).resolve().parents[2]


@fl.task
def square(x: int) -> int:
    return x * x


# Imports gRPC the way the executor's client and server do, in a fresh process, and prints the
# variables it left and whether gRPC was imported.
_PROBE = """
import json, os, sys
from flytelike.executor import _net
_net.import_grpc()
print(json.dumps({
    "experiments": os.environ.get("GRPC_EXPERIMENTS"),
    "fork": os.environ.get("GRPC_ENABLE_FORK_SUPPORT"),
    "imported": "grpc" in sys.modules,
}))
"""


def _probe(**env: str) -> dict[str, object]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("GRPC_")}
    out = subprocess.run(
        [sys.executable, "-c", _PROBE],
        env={**base, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_the_event_engine_is_turned_off_when_grpc_experiments_is_unset() -> None:
    if _net._grpcio_version() < _net._EVENT_ENGINE_SINCE:
        pytest.skip("grpcio < 1.80 keeps the EventEngine off for Python by itself")
    got = _probe()
    assert got == {
        "experiments": "-event_engine_client,-event_engine_listener",
        "fork": "false",
        "imported": True,
    }


@pytest.mark.parametrize("value", ["", "-event_engine_client"])
def test_a_grpc_experiments_value_of_the_user_is_kept(value: str) -> None:
    got = _probe(GRPC_EXPERIMENTS=value)
    assert got["experiments"] == value
    assert got["imported"] is True


def test_the_grpcio_version_is_read_as_numbers() -> None:
    version = _net._grpcio_version()
    assert len(version) == 2
    assert all(isinstance(p, int) and p >= 0 for p in version)


def test_closing_the_backend_ends_the_calls_of_a_loop_that_stays_open(
    executor: ExecutorServer, caplog: pytest.LogCaptureFixture
) -> None:
    """An idle stream's status watcher ends within ``close()``: closing the loop afterwards
    leaves no pending gRPC task behind (asyncio logs 'Task was destroyed but it is pending'
    for each one, as it did for every idle stream before)."""
    backend = GrpcBackend(address=executor.address)
    task = square.template()
    loop = asyncio.new_event_loop()

    async def actions() -> list[object]:
        out = []
        for i in range(3):
            request = ActionRequest(task, {"x": Scalar(i)}, ActionContext("close", f"n{i}"))
            out.append((await backend.run_action(request)).outputs)
        return out

    try:
        assert loop.run_until_complete(actions()) == [{"o0": Scalar(i * i)} for i in range(3)]
        with caplog.at_level(logging.ERROR, logger="asyncio"):
            backend.close()
            loop.close()
            gc.collect()
    finally:
        if not loop.is_closed():
            loop.close()
    assert [r.getMessage() for r in caplog.records if "pending" in r.getMessage()] == []
