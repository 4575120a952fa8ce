"""A firing whose trigger sets ``env_vars`` runs in a process of its own.

A trigger's ``env_vars`` belong to the run it fires (flyte sets them in the run's containers):
every task of that run sees them, and the scheduler does not. The scheduler serves many entries
from one process, so setting them in its environment would show them to itself and to the other
runs firing meanwhile. Such a firing therefore runs as ``python -m flytelike.scheduler._child
MODULE FILE ENTRY WHEN RUN`` with the variables added to the child's environment: the child
imports the module that defines the entry (as the scheduler did), finds the entry by name, runs
it as run ``RUN`` for ``WHEN`` (recorded in the same run store: the child inherits
``FLYTELIKE_HOME`` and the rest of the environment) and prints the outcome as its last line of
output, a JSON object: ``{"phase": "SUCCEEDED"}``, or ``{"error": "TypeName: message"}``. An
artifact trigger's firing also passes the inputs bound from the artifact version (pickled in a
temporary file, its path the last argument): the child's own entry has only the sentinels.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import pickle
import subprocess
import sys
import tempfile
from typing import Any

from flytelike.errors import ConfigurationError
from flytelike.scheduler._entries import Entry

_MARK = "flytelike-schedule-outcome:"


def _module_of(entry: Entry) -> tuple[str, str]:
    """The name and file of the module that defines ``entry``'s entity."""
    func = getattr(entry.entity, "_func", None)
    name = str(getattr(func, "__module__", None) or getattr(entry.entity, "__module__", ""))
    module = sys.modules.get(name)
    path = getattr(module, "__file__", None)
    if not name or not path:
        raise ConfigurationError(
            f"schedule {entry.name}: its trigger sets env_vars, so it runs in a process of its "
            "own, which must import the entity's module; define the task in a module file"
        )
    if name == "__main__":
        from flytelike.compiler import module_for_file

        name = module_for_file(os.path.abspath(path))
    return name, os.path.abspath(path)


def run_here(entry: Entry, when: _dt.datetime, name: str) -> str:
    """Run ``entry`` for ``when`` as run ``name`` in this process and wait; returns the run's
    phase (``env_vars`` of the entry are applied to this process while the run runs)."""
    from flytelike._v2.run import with_runcontext

    run = with_runcontext(name=name, **entry.run_settings).run(
        entry.entity, **entry.inputs_for(when)
    )
    phase = run.phase
    return str(getattr(phase, "value", phase)).upper()


def launch_in_child(entry: Entry, when: _dt.datetime, run: str) -> str:
    """Run ``entry`` for ``when`` as run ``run`` in a child process with the trigger's
    ``env_vars``; returns the outcome (the run's phase, or ``FAILED: ...``)."""
    env_vars: dict[str, str] = dict(entry.run_settings.get("env_vars") or {})
    module, path = _module_of(entry)
    env = {**os.environ, **env_vars}
    paths = [p for p in sys.path if p and os.path.isdir(p)]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    argv = [sys.executable, "-m", "flytelike.scheduler._child", module, path, entry.name]
    argv += [when.isoformat(), run]
    with tempfile.TemporaryDirectory() as tmp:
        if entry.artifact_inputs:  # (the values bound from the triggering artifact version)
            bound = os.path.join(tmp, "inputs.pickle")
            with open(bound, "wb") as f:
                pickle.dump({k: entry.inputs[k] for k in entry.artifact_inputs}, f)
            argv.append(bound)
        proc = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(_MARK):
            found: dict[str, str] = json.loads(line[len(_MARK) :])
            if "phase" in found:
                return found["phase"]
            return f"FAILED: {found['error']}"
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
    return f"FAILED: the run's process exited with {proc.returncode}: " + " | ".join(tail)


def _find(module: Any, name: str, when: _dt.datetime) -> Entry:
    from flytelike.scheduler._entries import find_entries

    for entry in find_entries(module, when):
        if entry.name == name:
            return entry
    raise ConfigurationError(f"schedule {name!r} is not defined in {module.__name__}")


def main(argv: list[str]) -> int:
    import dataclasses
    import importlib

    from flytelike.errors import ActionAbortedError

    module_name, path, name, when_text, run = argv[:5]
    directory = os.path.dirname(path)
    if directory not in sys.path:
        sys.path.append(directory)
    when = _dt.datetime.fromisoformat(when_text)
    try:
        entry = _find(importlib.import_module(module_name), name, when)
        if len(argv) > 5:  # (an artifact trigger's bound inputs)
            with open(argv[5], "rb") as f:
                entry = dataclasses.replace(entry, inputs={**entry.inputs, **pickle.load(f)})
        # (the variables are this process's own already: the run's tasks see them)
        settings = {k: v for k, v in entry.run_settings.items() if k != "env_vars"}
        outcome: dict[str, str] = {
            "phase": run_here(dataclasses.replace(entry, run_settings=settings), when, run)
        }
    except ActionAbortedError:
        outcome = {"phase": "ABORTED"}
    except Exception as e:  # (reported by the scheduler, which goes on)
        outcome = {"error": f"{type(e).__name__}: {e}"}
    print(_MARK + json.dumps(outcome), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
