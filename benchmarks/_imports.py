"""The cost of importing a module, measured in fresh interpreters.

Two measurements per module, each in its own fresh process (``sys.executable``, run from the
repository root with the root first on ``PYTHONPATH``, so the checkout under test is what loads):

* wall time of ``python -c "import MODULE"``: interpreter start-up, the import and teardown,
  nothing subtracted (``python -c pass`` is reported alongside for reference);
* a probe that times the import statement alone and then reports what it loaded: the number of
  new entries in ``sys.modules``, which heavy modules are among them, and peak RSS (``VmHWM``;
  ``ru_maxrss`` would include the parent's RSS, since on Linux it survives fork + exec).

One more run under ``-X importtime`` names the slowest sub-imports.

Bytecode: an installed package has its ``.pyc`` files, so the children may write and read them
(``PYTHONDONTWRITEBYTECODE`` is dropped) under a private ``PYTHONPYCACHEPREFIX`` in the temp
folder, which keeps the source tree clean; a warm-up run fills it before anything is timed.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks._harness import REPO_ROOT

# Modules the import target forbids (ARCHITECTURE.md: "import flytelike loads no pandas,
# pyarrow, polars, grpc or ray"), and the ones merely worth seeing (they should load lazily).
FORBIDDEN = ("pandas", "pyarrow", "polars", "grpc", "ray")
WATCHED = (*FORBIDDEN, "mashumaro", "cloudpickle")

# Runs as `python -c PROBE MODULE`. Only builtin modules are imported before the measurement,
# so that `modules_loaded` counts everything the import brings in.
_PROBE = r"""
import sys, time
name = sys.argv[1]
before = set(sys.modules)
error = None
t0 = time.perf_counter()
try:
    mod = __import__(name) if name else None
except BaseException as exc:
    mod, error = None, f"{type(exc).__name__}: {exc}"
elapsed = time.perf_counter() - t0
loaded = set(sys.modules) - before
watched = {w: any(m == w or m.startswith(w + ".") for m in sys.modules) for w in sys.argv[2:]}
hwm_kib = None
try:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                hwm_kib = int(line.split()[1])
except OSError:
    pass
import json, resource
print(json.dumps({
    "error": error,
    "namespace_package": mod is not None and getattr(mod, "__file__", None) is None,
    "file": getattr(mod, "__file__", None),
    "import_s": elapsed,
    "modules_loaded": len(loaded),
    "modules_total": len(before | loaded),
    "watched": watched,
    "peak_rss_kib": hwm_kib,
    "ru_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
}))
"""


PYCACHE_PREFIX = Path(tempfile.gettempdir(), "flytelike-bench-pycache")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE_PREFIX)
    return env


def _wall(code: str) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        cwd=REPO_ROOT,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - t0


def probe(module: str) -> dict[str, Any]:
    """One fresh-process probe of ``import module`` ("" imports nothing: the baseline)."""
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, module, *WATCHED],
        check=True,
        cwd=REPO_ROOT,
        env=_env(),
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def importtime_top(module: str, n: int = 10) -> list[list[Any]]:
    """The ``n`` slowest direct sub-imports of ``module``: [name, cumulative seconds]."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        check=True,
        cwd=REPO_ROOT,
        env=_env(),
        capture_output=True,
        text=True,
    )
    # Lines come in post-order: a module's row follows the rows of everything it imported, and
    # nesting shows as two spaces per level after the "|".
    rows: list[tuple[int, int, str]] = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _self_us, cumulative, label = line.removeprefix("import time:").split("|")
        depth = (len(label) - len(label.lstrip())) // 2
        rows.append((depth, int(cumulative), label.strip()))
    tops = [i for i, (depth, _, name) in enumerate(rows) if depth == 0 and name == module]
    if not tops:
        return []
    children: list[tuple[int, str]] = []
    for depth, us, name in reversed(rows[: tops[-1]]):
        if depth == 0:
            break
        if depth == 1:
            children.append((us, name))
    return [[name, us / 1e6] for us, name in sorted(children, reverse=True)[:n]]


def _stats(xs: list[float]) -> dict[str, Any]:
    return {"min": min(xs), "median": statistics.median(xs), "n": len(xs)}


def interpreter_baseline(runs: int) -> dict[str, Any]:
    """``python -c pass`` wall time and what a bare interpreter has loaded."""
    _wall("pass")
    bare = probe("")
    return {
        "wall_s": _stats([_wall("pass") for _ in range(runs)]),
        "modules_total": bare["modules_total"],
        "peak_rss_kib": bare["peak_rss_kib"],
    }


def usable(module: str) -> tuple[bool, str | None]:
    """Whether ``import module`` gives a real package; otherwise why not.

    A folder without ``__init__.py`` imports fine as a namespace package, which would measure
    nothing, so it counts as unusable.
    """
    first = probe(module)
    if first["error"] is not None:
        return False, f"import {module} failed: {first['error']}"
    if first["namespace_package"]:
        return False, f"{module} is a namespace package (no {module}/__init__.py yet)"
    return True, None


def import_cost(module: str, runs: int) -> dict[str, Any]:
    """Wall time and in-process probe of ``import module``, each over ``runs`` fresh processes."""
    _wall(f"import {module}")  # warm the page cache and write .pyc files once
    wall = [_wall(f"import {module}") for _ in range(runs)]
    probes = [probe(module) for _ in range(runs)]
    last = probes[-1]
    watched: dict[str, bool] = last["watched"]
    return {
        "module": module,
        "file": last["file"],
        "wall_s": _stats(wall),
        "in_process_import_s": _stats([p["import_s"] for p in probes]),
        "modules_loaded": last["modules_loaded"],
        "modules_total": last["modules_total"],
        "heavy_modules_loaded": watched,
        "forbidden_loaded": sorted(m for m in FORBIDDEN if watched.get(m)),
        "peak_rss_kib": statistics.median(p["peak_rss_kib"] or 0 for p in probes) or None,
        "importtime_top_children_s": importtime_top(module),
    }
