"""flytekit measured in the same run: the anchor's type-engine script, run in flytekit's own venv.

flytekit is not a dependency of this project and is never imported here. The anchor script
``shared/anchors/bench/bench_type_engine.py`` runs as a subprocess with the python of a separate
venv (``shared/anchors/bench/setup_venvs.sh`` creates ``/tmp/anchors/venv-flytekit``), and the
last line of its stdout that parses as a JSON object is its result.

The child runs from a fresh temp folder: flytekit appends the working directory to ``sys.path``
for every task/workflow made in ``__main__`` when the script lies below it (see the anchors'
README), which would make its later measurements drift. It gets the same ``TMPDIR`` as this
process, so both SDKs write their offloaded data to the same file system.

The script measures every type-engine workload in one go (it has no way to pick a subset), so a
suite that needs a few of them still pays for all; the result is cached per (python, reps) for
the life of the process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks._harness import REPO_ROOT, ratio

DEFAULT_PYTHON = Path("/tmp/anchors/venv-flytekit/bin/python")
DEFAULT_REPS = 3
TIMEOUT_S = 1200.0
SCRIPT_NAME = "bench_type_engine.py"
_SCRIPTS_SUBDIR = Path("shared", "anchors", "bench")

# Printed by the child before the benchmark, to record what ran.
_VERSIONS_PROBE = r"""
import json, platform
from importlib.metadata import PackageNotFoundError, version
out = {"python": platform.python_version()}
for name in ("flytekit", "pandas", "pyarrow", "numpy"):
    try:
        out[name] = version(name)
    except PackageNotFoundError:
        out[name] = None
print(json.dumps(out))
"""

_cache: dict[tuple[str, int], dict[str, Any]] = {}


def find_script(anchors_dir: Path | None = None) -> Path | None:
    """``bench_type_engine.py`` of the anchors: in ``shared/anchors/bench`` above the repository,
    else next to the anchor results (``<anchors_dir>/../bench``)."""
    candidates = [parent / _SCRIPTS_SUBDIR / SCRIPT_NAME for parent in REPO_ROOT.parents]
    if anchors_dir is not None:
        candidates.insert(0, anchors_dir.parent / "bench" / SCRIPT_NAME)
    for candidate in candidates:
        if candidate.is_file():
            return candidate.resolve()
    return None


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    # Nothing of this checkout (or of our venv) may leak into flytekit's interpreter.
    for name in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV"):
        env.pop(name, None)
    env["DO_NOT_TRACK"] = "1"
    env["FLYTE_DISABLE_TELEMETRY"] = "true"
    env["TMPDIR"] = tempfile.gettempdir()
    return env


def _last_json_object(text: str) -> dict[str, Any] | None:
    for line in reversed(text.splitlines()):
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            doc = json.loads(line)
        except ValueError:
            continue
        if isinstance(doc, dict):
            return doc
    return None


def _tail(text: str, lines: int = 20) -> str:
    return "\n".join(text.splitlines()[-lines:])


def run_type_engine(
    python: Path | None,
    reps: int = DEFAULT_REPS,
    *,
    anchors_dir: Path | None = None,
    skip_reason: str | None = None,
) -> dict[str, Any]:
    """Run the anchor's type-engine script with ``python``; a JSON-ready dict.

    ``status`` is ``"ok"`` (then ``results`` holds the script's per-workload results),
    ``"skipped"`` (no interpreter: ``reason`` says why) or ``"failed"`` (``reason`` and the tail
    of the child's stderr).
    """
    if python is None:
        return {"status": "skipped", "reason": skip_reason or "no flytekit interpreter given"}
    key = (str(python), reps)
    if key not in _cache:
        _cache[key] = _run(python, reps, anchors_dir)
    return _cache[key]


def _run(python: Path, reps: int, anchors_dir: Path | None) -> dict[str, Any]:
    script = find_script(anchors_dir)
    base: dict[str, Any] = {"python": str(python), "script": str(script), "reps": reps}
    if script is None:
        return {**base, "status": "skipped", "reason": f"{SCRIPT_NAME} of the anchors not found"}
    env = _child_env()
    workdir = Path(tempfile.mkdtemp(prefix="flytelike-bench-flytekit-")).resolve()
    if workdir in script.parents:  # cannot happen with a fresh temp folder; the README's quirk
        raise RuntimeError(f"{workdir} is an ancestor of {script}")
    print(f"flytekit same run: {python} {script} {reps} (cwd {workdir})", file=sys.stderr)
    try:
        probe = subprocess.run(
            [str(python), "-c", _VERSIONS_PROBE],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        versions = _last_json_object(probe.stdout)
        if probe.returncode != 0 or versions is None or versions.get("flytekit") is None:
            return {
                **base,
                "status": "failed",
                "reason": "the interpreter cannot report a flytekit version",
                "stderr_tail": _tail(probe.stderr),
            }
        started = time.perf_counter()
        try:
            proc = subprocess.run(
                [str(python), str(script), str(reps)],
                cwd=workdir,
                env=env,
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
            )
        except subprocess.TimeoutExpired as exc:
            stderr = exc.stderr.decode() if isinstance(exc.stderr, bytes) else exc.stderr or ""
            return {
                **base,
                "status": "failed",
                "reason": f"timed out after {TIMEOUT_S:.0f} s",
                "stderr_tail": _tail(stderr),
            }
        elapsed = time.perf_counter() - started
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    doc = _last_json_object(proc.stdout)
    if proc.returncode != 0 or doc is None or not isinstance(doc.get("results"), dict):
        return {
            **base,
            "status": "failed",
            "reason": f"exit code {proc.returncode}; no JSON result on stdout"
            if doc is None
            else f"exit code {proc.returncode}",
            "stderr_tail": _tail(proc.stderr),
        }
    return {
        **base,
        "status": "ok",
        "versions": versions,
        "elapsed_s": elapsed,
        "results": doc["results"],
    }


def section(fk: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    """The suite's ``flytekit_same_run`` section: the run's metadata and the workloads in ``keys``."""
    out = {k: v for k, v in fk.items() if k != "results"}
    if fk.get("status") == "ok":
        out["note"] = (
            "flytekit measured by shared/anchors/bench/bench_type_engine.py in its own venv, "
            "as a subprocess of this run on this machine, just before our workloads; "
            "its s_per_op_median is the median over `reps` repetitions"
        )
        out["results"] = {k: fk["results"][k] for k in keys if k in fk["results"]}
    return out


def compare(fk: dict[str, Any], key: str, ours: dict[str, Any]) -> dict[str, Any]:
    """Per-workload fields: flytekit's time for ``key`` in this run and flytekit / ours.

    ``ours`` is a ``summary`` (``s_per_op_median`` and ``s_per_op_min``). Everything is None
    when flytekit did not run.
    """
    entry = (fk.get("results") or {}).get(key) if fk.get("status") == "ok" else None
    if not entry or "s_per_op_median" not in entry:
        return {
            "flytekit_same_run": None,
            "ratio_flytekit_over_ours": None,
            "ratio_flytekit_over_ours_min": None,
        }
    return {
        "flytekit_same_run": {
            "key": key,
            "s_per_op_median": entry["s_per_op_median"],
            "s_per_op_min": entry.get("s_per_op_min"),
            "reps": entry.get("reps"),
        },
        "ratio_flytekit_over_ours": ratio(entry["s_per_op_median"], ours["s_per_op_median"]),
        "ratio_flytekit_over_ours_min": ratio(entry.get("s_per_op_min"), ours["s_per_op_min"]),
    }
