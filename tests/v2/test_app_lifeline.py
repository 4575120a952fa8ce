"""A served app's child process dies with the process that served it, even when that process is
SIGKILLed (``flytelike.backends._lifeline``: Linux's parent-death signal). Before, the child lived
on holding its port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from .serving import free_port

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's"
)

PARENT = textwrap.dedent(
    """
    import sys, threading, time

    import flytelike as flyte
    from flytelike.app import AppEnvironment, ConnectorEnvironment

    port, kind = int(sys.argv[1]), sys.argv[2]
    if kind == "connector":  # (python -m flytelike.connectors --port P)
        env = ConnectorEnvironment(name="conn", port=port)
    else:
        line = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
        env = AppEnvironment(name="cmd", port=port, command=line)
    # served from a thread that ends at once: the child must outlive that thread
    box = {}
    t = threading.Thread(target=lambda: box.setdefault("h", flyte.serve(env)))
    t.start()
    t.join()
    time.sleep(0.3)
    proc = box["h"]._proc
    print("CHILD", proc.pid, proc.poll() is None, flush=True)
    time.sleep(600)
    """
)


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie nobody reaped yet counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize("kind", ["command", "connector"])
def test_child_dies_when_the_serving_process_is_killed(tmp_path: Path, kind: str) -> None:
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    port = free_port()
    parent = subprocess.Popen(
        [sys.executable, str(script), str(port), kind],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "FLYTELIKE_HOME": str(tmp_path / "home")},
    )
    try:
        assert parent.stdout is not None
        line = ""
        while not line.startswith("CHILD "):  # (serve prints where the app is first)
            line = parent.stdout.readline()
            assert line, "the parent ended before serving"
        _, pid_text, running = line.split()
        child = int(pid_text)
        assert running == "True" and _alive(child) and _listening(port)
        parent.kill()  # SIGKILL: no handler, no atexit runs
        parent.wait(10)
        deadline = time.monotonic() + 10
        while _alive(child) or _listening(port):
            assert time.monotonic() < deadline, f"child {child} outlived its parent"
            time.sleep(0.05)
    finally:
        parent.kill()
        parent.wait(10)
        if parent.stdout is not None:
            parent.stdout.close()
