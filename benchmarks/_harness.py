"""Measuring helpers shared by the benchmark suites.

Here: the options every suite receives, the ``time_per_op`` loop, interleaved repetitions of an
operation and its floor, targets, the flytekit anchors and machine information. Not here: the
workloads themselves (``bench_<suite>.py``), the fresh-process import probes (``_imports``) and
flytekit run in its own venv in the same run (``_flytekit``).
"""

from __future__ import annotations

import gc
import itertools
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
ANCHORS_ENV = "FLYTELIKE_BENCH_ANCHORS"
_ANCHORS_SUBDIR = Path("shared", "anchors", "results")


@dataclass(frozen=True)
class Options:
    """What every suite's ``run`` receives."""

    reps: int
    min_time: float
    quick: bool
    anchors_dir: Path | None
    # flytekit measured in the same run (``_flytekit``): its venv's python, or None to skip it,
    # with the reason in ``flytekit_skip_reason``.
    flytekit_python: Path | None = None
    flytekit_reps: int = 3
    flytekit_skip_reason: str | None = None


def time_per_op(fn: Callable[[], object], min_time: float) -> float:
    """Seconds per call of ``fn``, calling it for at least ``min_time`` seconds (and at least once).

    Calls run in batches that double in size, so that reading the clock does not weigh on
    sub-microsecond operations.
    """
    calls = 0
    batch = 1
    start = time.perf_counter()
    while True:
        for _ in itertools.repeat(None, batch):
            fn()
        calls += batch
        elapsed = time.perf_counter() - start
        if elapsed >= min_time:
            return elapsed / calls
        batch *= 2


def repeat_interleaved(
    ops: Mapping[str, Callable[[], object]], reps: int, min_time: float
) -> dict[str, list[float]]:
    """``reps`` samples of ``time_per_op`` for each op.

    The ops take turns within each repetition, so that an operation and its floor see the same
    machine state (CPU frequency, noisy neighbours) rather than one running after the other.
    """
    samples: dict[str, list[float]] = {name: [] for name in ops}
    for _ in range(reps):
        for name, fn in ops.items():
            gc.collect()
            samples[name].append(time_per_op(fn, min_time))
    return samples


def summary(samples: list[float]) -> dict[str, Any]:
    """min and median seconds per op of a list of samples."""
    return {
        "s_per_op_min": min(samples),
        "s_per_op_median": statistics.median(samples),
        "reps": len(samples),
    }


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


@dataclass(frozen=True)
class Target:
    """A performance target: an absolute bound and/or a bound relative to the floor."""

    text: str
    max_s: float | None = None
    max_floor_ratio: float | None = None

    def met(self, ours_s: float, floor_s: float | None = None) -> bool:
        if self.max_s is not None and ours_s > self.max_s:
            return False
        if self.max_floor_ratio is not None:
            r = ratio(ours_s, floor_s)
            if r is None or r > self.max_floor_ratio:
                return False
        return True

    def as_json(self) -> dict[str, Any]:
        return {"text": self.text, "max_s": self.max_s, "max_floor_ratio": self.max_floor_ratio}


def find_anchors_dir(explicit: Path | None = None) -> Path | None:
    """The folder with the flytekit anchor results, or None when there is none.

    Looked up in this order: ``explicit`` (``--anchors``), ``$FLYTELIKE_BENCH_ANCHORS``, then
    ``shared/anchors/results`` next to the repository or one of its ancestors.
    """
    if explicit is not None:
        return explicit if explicit.is_dir() else None
    env = os.environ.get(ANCHORS_ENV)
    if env:
        return Path(env) if Path(env).is_dir() else None
    for parent in REPO_ROOT.parents:
        candidate = parent / _ANCHORS_SUBDIR
        if candidate.is_dir():
            return candidate
    return None


def load_anchor(
    anchors_dir: Path | None, filename: str
) -> tuple[dict[str, Any] | None, str | None]:
    """(parsed anchor JSON, its path); (None, None) when the file is missing or unreadable.

    The anchor scripts print one JSON line, possibly after other output, so the last line that
    parses is taken.
    """
    if anchors_dir is None:
        return None, None
    path = anchors_dir / filename
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return None, None
    for line in reversed(lines):
        try:
            doc = json.loads(line)
        except ValueError:
            continue
        if isinstance(doc, dict):
            return doc, str(path)
    return None, None


def machine_info() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "cpu_affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
    }
