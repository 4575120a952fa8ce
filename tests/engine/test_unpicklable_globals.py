"""Tasks whose globals cannot be pickled (a lock, a client holding a socket) run in this process,
as flytekit and flyte run them; code is pickled by value only when it leaves the process, and
then a global that cannot be pickled is named."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from flytelike import task, workflow
from flytelike.backends import ship_task
from flytelike.backends._live import register
from flytelike.backends._local import LocalBackend
from flytelike.engine import Engine, EngineConfig
from flytelike.errors import CodeShippingError

GLOBALS = """
import json
import socket
import threading

LOCK = threading.Lock()


class Client:
    '''Holds a connection, as a database or HTTP client does.'''

    def __init__(self) -> None:
        self.sock = socket.socket()

    def bump(self, x: int) -> int:
        return x + 1


CLIENT = Client()
"""

V1_SCRIPT = GLOBALS + textwrap.dedent(
    """
    from flytelike import task, workflow


    @task
    def add(x: int) -> int:
        with LOCK:
            return CLIENT.bump(x)


    @workflow
    def wf(x: int = 1) -> int:
        return add(x=add(x=x))


    if __name__ == "__main__":
        print(json.dumps({"workflow": wf(x=3), "task": add(x=10)}))
    """
)

V2_SCRIPT = GLOBALS + textwrap.dedent(
    """
    import flytelike as flyte

    env = flyte.TaskEnvironment(name="globals")


    @env.task
    async def add(x: int) -> int:
        with LOCK:
            return CLIENT.bump(x)


    @env.task
    async def main(x: int) -> int:
        return await add(x=await add(x=x))


    if __name__ == "__main__":
        run = flyte.run(main, x=3)
        run.wait()
        print(json.dumps({"phase": str(run.phase), "out": run.outputs()}))
    """
)


def _run(args: list[str], cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FLYTELIKE_HOME": str(home)}
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_script_with_a_lock_and_a_client_runs(tmp_path: Path) -> None:
    (tmp_path / "script.py").write_text(V1_SCRIPT)
    proc = _run([sys.executable, "script.py"], tmp_path, tmp_path / "home")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"workflow": 5, "task": 11}


def test_flytelike_run_of_the_script_runs(tmp_path: Path) -> None:
    (tmp_path / "script.py").write_text(V1_SCRIPT)
    cli = [sys.executable, "-m", "flytelike", "run", "script.py", "wf", "--x", "3"]
    proc = _run(cli, tmp_path, tmp_path / "home")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"o0": 5}


def test_v2_run_in_a_script_runs(tmp_path: Path) -> None:
    (tmp_path / "script.py").write_text(V2_SCRIPT)
    proc = _run([sys.executable, "script.py"], tmp_path, tmp_path / "home")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert "SUCCEEDED" in doc["phase"].upper()
    assert doc["out"] in (5, [5])


def test_a_failed_script_run_resumes_from_another_directory(tmp_path: Path) -> None:
    """The run recorded the script's file (no pickled code); resume, started in another
    directory, imports the script from there as a module."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "flaky.py").write_text(
        GLOBALS
        + textwrap.dedent(
            """
            import os
            from flytelike import task, workflow


            @task
            def step(x: int) -> int:
                with LOCK:
                    if os.environ.get("FAIL_STEP"):
                        raise ValueError("asked to fail")
                    return CLIENT.bump(x)


            @workflow
            def wf(x: int = 1) -> int:
                return step(x=step(x=x))


            if __name__ == "__main__":
                wf(x=1)
            """
        )
    )
    home = tmp_path / "home"
    env = {**os.environ, "FLYTELIKE_HOME": str(home), "FAIL_STEP": "1"}
    failed = subprocess.run(
        [sys.executable, "flaky.py"], cwd=project, env=env, capture_output=True, text=True
    )
    assert failed.returncode != 0 and "asked to fail" in failed.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    listed = _run([sys.executable, "-m", "flytelike", "runs", "list"], elsewhere, home)
    run_name = next(w for w in listed.stdout.split() if w.startswith("r2"))
    resumed = _run([sys.executable, "-m", "flytelike", "resume", run_name], elsewhere, home)
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout) == {"o0": 3}


# ----------------------------------------------------------------- leaving the process
@pytest.fixture
def process_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("FLYTELIKE_HOME", str(tmp_path / "home"))
    e = Engine(EngineConfig.from_env(), backend=LocalBackend(mode="process", max_workers=1))
    yield e  # type: ignore[misc]
    e.close()


def test_a_template_carries_no_code_until_shipped() -> None:
    factor = 3

    def scale(x: int) -> int:
        return x * factor

    t = task(scale)
    tmpl = t.template()
    assert tmpl.function is not None and tmpl.function.pickled == b""
    with pytest.raises(CodeShippingError, match="defined inside another function"):
        ship_task(tmpl)  # not alive in this process (the engine registers what it runs)
    register(tmpl.id, t)
    shipped = ship_task(tmpl)
    assert shipped.function is not None and shipped.function.pickled  # a local: by value
    assert shipped.id == tmpl.id  # same identity and version
    assert ship_task(tmpl) is shipped  # shipped once


def test_importable_tasks_ship_by_name() -> None:
    tmpl = _importable.template()
    assert ship_task(tmpl) is tmpl


@task
def _importable(x: int) -> int:
    return x


def test_process_pool_runs_a_local_task_by_value(process_engine: Engine) -> None:
    offset = 7

    @task
    def shifted(x: int) -> int:
        return x + offset

    @workflow
    def wf(x: int) -> int:
        return shifted(x=x)

    assert process_engine.run(wf, x=1).outputs() == 8


def test_process_pool_names_the_global_that_cannot_be_pickled(process_engine: Engine) -> None:
    guard = threading.Lock()

    def helper(x: int) -> int:
        with guard:
            return x

    @task
    def locked(x: int) -> int:
        return helper(x) + 1

    @workflow
    def wf(x: int) -> int:
        return locked(x=x)

    with pytest.raises(Exception) as info:
        process_engine.run(wf, x=1).outputs()
    message = str(info.value)
    assert "CodeShippingError" in message
    assert "`helper -> guard` (a `_thread.lock`" in message
    assert "move the task into a module" in message
    with pytest.raises(CodeShippingError, match="helper -> guard"):
        ship_task(locked.template())  # (registered by the run above)


ANNOTATED_SCRIPT = textwrap.dedent(
    """
    from __future__ import annotations

    import json
    from dataclasses import dataclass

    from flytelike import map_task, task, workflow
    from flytelike.backends._local import LocalBackend
    from flytelike.engine import Engine, EngineConfig


    @dataclass
    class Model:
        weight: float


    @dataclass
    class Scored:
        model: Model
        score: float


    @task
    def fit(x: float) -> Model:
        return Model(weight=2 * x)


    @task
    def score(model: Model) -> Scored:
        return Scored(model=model, score=model.weight + 1)


    @workflow
    def wf(xs: list[float]) -> list[Scored]:
        return map_task(score)(model=map_task(fit)(x=xs))


    if __name__ == "__main__":
        engine = Engine(EngineConfig.from_env(), backend=LocalBackend(mode="process"))
        try:
            out = engine.run(wf, xs=[1.0, 2.0]).outputs()
        finally:
            engine.close()
        print(json.dumps([s.score for s in out]))
    """
)


def test_a_script_with_string_annotations_ships_its_classes(tmp_path: Path) -> None:
    # ``from __future__ import annotations``: the annotations name classes of the script
    # (``Scored.model: Model``) that a function pickled by value does not take along unless
    # they are evaluated before it leaves.
    (tmp_path / "annotated.py").write_text(ANNOTATED_SCRIPT)
    done = _run([sys.executable, "annotated.py"], tmp_path, tmp_path / "home")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [3.0, 5.0]
