"""Entity names (including scripts run as ``__main__``), versions and function references."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from flytelike import task, workflow
from flytelike.errors import PromiseUsageError

SCRIPT = textwrap.dedent(
    """
    import json, sys
    from flytelike import closure_of, task, workflow

    @task
    def hello(name: str) -> str:
        return "hello " + name

    @workflow
    def greet(name: str = "world") -> str:
        return hello(name=name)

    if __name__ == "__main__":
        c = closure_of(greet)
        print(json.dumps({
            "names": [t.id.name for t in c.tasks] + [w.id.name for w in c.workflows],
            "pickled": bool(c.tasks[0].function.pickled),
            "version": c.primary.version,
            "source": c.workflows[0].source.file,
            "result": greet(),
        }))
    """
)


def _run(path: Path) -> dict[str, object]:
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def test_main_script_names_use_the_file_module(tmp_path: Path) -> None:
    pkg = tmp_path / "project" / "workflows"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    script = pkg / "example.py"
    script.write_text(SCRIPT)
    doc = _run(script)
    assert doc["names"] == ["workflows.example.hello", "workflows.example.greet"]
    assert doc["pickled"] is False  # nothing is pickled until a task leaves the process
    assert doc["source"] == "workflows/example.py"
    assert doc["result"] == "hello world"
    # same code elsewhere: same version (paths are relative to the project root)
    other = tmp_path / "elsewhere" / "workflows"
    other.mkdir(parents=True)
    (other / "__init__.py").write_text("")
    (other / "example.py").write_text(SCRIPT)
    assert _run(other / "example.py")["version"] == doc["version"]


@task
def shout(s: str) -> str:
    return s.upper()


def test_calling_with_a_promise_outside_a_workflow() -> None:
    captured = {}

    @workflow
    def wf(s: str) -> str:
        p = shout(s=s)
        captured["p"] = p
        return p

    with pytest.raises(PromiseUsageError, match="outside a workflow body"):
        shout(s=captured["p"])
