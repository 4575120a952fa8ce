"""The script of a shell task (flytekit's ``ShellTask``: ``_entities.container.run_script``;
flyte 2's ``flyte.extras.shell.create``) dies with the process that runs the task, even when that
process is SIGKILLed (``flytelike.backends.lifeline_popen``: Linux's parent-death signal). Before,
the script lived on."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's"
)

PARENT = textwrap.dedent(
    """
    import sys

    import flytelike as fl
    from flytelike.extras import shell

    pid_file, kind = sys.argv[1], sys.argv[2]
    # (the sleep is the script's own child, which the signal does not reach: the test ends it)
    script = f"echo $$ > {pid_file}; sleep 600 & echo $! > {pid_file}.sleep; wait"
    if kind == "flytekit":
        task = fl.ShellTask("lingers", script=script, inputs=fl.kwtypes())
        task()
    else:
        shell.create("lingers", image="x", script=script).run_sync()
    """
)


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie nobody reaped yet counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("kind", ["flytekit", "flyte"])
def test_script_dies_when_the_task_process_is_killed(tmp_path: Path, kind: str) -> None:
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    pid_file = tmp_path / "script.pid"
    sleeper = Path(f"{pid_file}.sleep")
    parent = subprocess.Popen(
        [sys.executable, str(script), str(pid_file), kind],
        env={**os.environ, "FLYTELIKE_HOME": str(tmp_path / "home")},
    )
    try:
        deadline = time.monotonic() + 60
        while not all(f.exists() and f.read_text().strip() for f in (pid_file, sleeper)):
            assert parent.poll() is None, "the parent ended before the script started"
            assert time.monotonic() < deadline, "the script did not start"
            time.sleep(0.05)
        child = int(pid_file.read_text())
        assert _alive(child)
        parent.kill()  # SIGKILL: no handler, no atexit runs
        parent.wait(10)
        deadline = time.monotonic() + 10
        while _alive(child):
            assert time.monotonic() < deadline, f"script {child} outlived the task's process"
            time.sleep(0.05)
    finally:
        parent.kill()
        parent.wait(10)
        if sleeper.exists() and sleeper.read_text().strip():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(sleeper.read_text()), signal.SIGKILL)
