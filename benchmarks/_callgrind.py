"""Instructions per unit of work, counted by valgrind's callgrind (stable where wall time is noisy).

A suite runs a scenario of its own module in a child process under ``valgrind --tool=callgrind``.
The scenario sets up and warms up, calls ``mark()``, then runs each workload at two sizes, calling
``mark()`` after each run. ``mark()`` asks callgrind to dump its counters (``callgrind_control
-d``, which zeroes them too), so each dump holds the instructions of one run, summed over every
thread of the process (the run store's writer thread included). ``per_unit`` takes the difference
of the two sizes divided by the difference in units: what a run costs whatever its size (starting
it, the dump request itself) cancels out.

Here: finding valgrind, the child process, reading the dumps. Not here: the workloads.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent


def unavailable() -> str | None:
    """Why instructions cannot be counted here, or None when they can."""
    for tool in ("valgrind", "callgrind_control"):
        if shutil.which(tool) is None:
            return f"{tool} not found (install valgrind: apt-get install valgrind)"
    return None


def mark() -> None:
    """Inside the process under callgrind: dump (and zero) the counters now."""
    subprocess.run(
        ["callgrind_control", "-d", str(os.getpid())],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def count(module: str, scenario: str, env: Mapping[str, str], timeout: float = 900) -> list[int]:
    """Run ``python -m module scenario`` under callgrind; the instructions of each interval
    between ``mark()`` calls, in order (the first one is everything before the first mark)."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "cg")
        subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={out}.%p",
                sys.executable,
                "-m",
                module,
                scenario,
            ],
            cwd=REPO_ROOT,
            env={**os.environ, **env, "PYTHONPATH": str(REPO_ROOT)},
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=timeout,
        )
        dumps: list[tuple[int, int]] = []
        for p in Path(d).iterdir():
            # cg.<pid>.<n> are the marks' dumps; cg.<pid> is what ran after the last mark.
            parts = p.name.split(".")
            if len(parts) == 3:
                dumps.append((int(parts[2]), _totals(p)))
        return [total for _, total in sorted(dumps)]


def _totals(path: Path) -> int:
    with open(path) as f:
        for line in f:
            if line.startswith("totals:"):
                return int(line.split()[1])
    raise ValueError(f"{path}: no totals line (not a callgrind dump?)")


def per_unit(
    dumps: Sequence[int], plan: Sequence[tuple[str, int, int]]
) -> dict[str, dict[str, Any]]:
    """``plan``: (label, small size, large size) in the order the scenario ran them (two marks
    each, after the one that ends the set-up); instructions per unit by label."""
    if len(dumps) != 1 + 2 * len(plan):
        raise ValueError(f"expected {1 + 2 * len(plan)} callgrind dumps, got {len(dumps)}")
    out: dict[str, dict[str, Any]] = {}
    for i, (label, small, large) in enumerate(plan):
        a, b = dumps[1 + 2 * i], dumps[2 + 2 * i]
        out[label] = {
            "instructions_per_unit": (b - a) / (large - small),
            "sizes": [small, large],
            "instructions": [a, b],
        }
    return out
