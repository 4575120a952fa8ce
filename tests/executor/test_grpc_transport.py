"""gRPC's own settings as the executor's client and server import it (``_net.import_grpc``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from flytelike.executor import _net

ROOT = Path(__file__).resolve().parents[2]

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
