"""Run one benchmark suite and print its result as one JSON document on stdout.

Usage: python benchmarks/run.py SUITE [--reps N] [--min-time S] [--quick] [--anchors DIR]
                                      [--flytekit PYTHON | --no-flytekit] [--flytekit-reps N]

A suite is a module ``benchmarks/bench_<name>.py`` with ``run(options) -> dict``, registered in
``SUITES`` below. Anything a suite (or a library it calls) prints goes to stderr, so stdout holds
the JSON document alone.

The suites in ``FLYTEKIT_SUITES`` also measure flytekit in the same run, in its own venv
(``_flytekit``): by default with ``/tmp/anchors/venv-flytekit/bin/python`` when it exists
(``shared/anchors/bench/setup_venvs.sh`` creates it). ``--quick`` never runs flytekit.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script: make the repository root importable, ahead of any installed copy, so
    # that `benchmarks` and the checkout's own `typesystem` / `flytelike` are what load.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import _flytekit
from benchmarks._harness import Options, find_anchors_dir, machine_info

# name -> module; each module is imported only when its suite runs.
SUITES: dict[str, str] = {
    "data": "benchmarks.bench_data",
    "typesystem": "benchmarks.bench_typesystem",
    "engine": "benchmarks.bench_engine",
    "compile": "benchmarks.bench_compile",
    "ui": "benchmarks.bench_ui",
    "grpc": "benchmarks.bench_grpc",
    "ray": "benchmarks.bench_ray",
}

# Suites that run the flytekit type-engine workloads side by side with ours.
FLYTEKIT_SUITES = frozenset({"data", "typesystem"})

DEFAULT_REPS = 7
DEFAULT_MIN_TIME = 0.2
QUICK_MIN_TIME = 0.002


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="benchmarks/run.py",
        description="Run a benchmark suite; print one JSON document on stdout.",
    )
    p.add_argument("suite", help=f"one of: {', '.join(sorted(SUITES))}")
    p.add_argument("--reps", type=int, help=f"repetitions per measurement (default {DEFAULT_REPS})")
    p.add_argument(
        "--min-time",
        type=float,
        help=f"seconds each repetition runs an operation for (default {DEFAULT_MIN_TIME})",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke-test mode: --reps 1 --min-time {QUICK_MIN_TIME}; numbers are not meaningful",
    )
    p.add_argument(
        "--anchors",
        type=Path,
        help="folder with the flytekit anchor results (default: $FLYTELIKE_BENCH_ANCHORS, "
        "else shared/anchors/results found above the repository)",
    )
    fk = p.add_mutually_exclusive_group()
    fk.add_argument(
        "--flytekit",
        type=Path,
        metavar="PYTHON",
        help="python of a venv with flytekit, to measure flytekit in the same run (suites "
        f"{', '.join(sorted(FLYTEKIT_SUITES))}; default: {_flytekit.DEFAULT_PYTHON} if it exists; "
        "never in --quick mode)",
    )
    fk.add_argument(
        "--no-flytekit", action="store_true", help="do not measure flytekit in the same run"
    )
    p.add_argument(
        "--flytekit-reps",
        type=int,
        default=_flytekit.DEFAULT_REPS,
        help=f"repetitions flytekit's script runs per workload (default {_flytekit.DEFAULT_REPS})",
    )
    return p


def _flytekit_python(
    parser: argparse.ArgumentParser, args: argparse.Namespace
) -> tuple[Path | None, str | None]:
    """(flytekit's python, None), or (None, why flytekit is not measured)."""
    if args.suite not in FLYTEKIT_SUITES:
        return None, f"suite {args.suite!r} has no flytekit workloads"
    if args.quick:
        return None, "--quick"
    if args.no_flytekit:
        return None, "--no-flytekit"
    if args.flytekit is not None:
        if not (args.flytekit.is_file() and os.access(args.flytekit, os.X_OK)):
            parser.error(f"--flytekit: {args.flytekit} is not an executable file")
        return args.flytekit, None
    if _flytekit.DEFAULT_PYTHON.is_file():
        return _flytekit.DEFAULT_PYTHON, None
    return None, (
        f"{_flytekit.DEFAULT_PYTHON} not found (create it with "
        "shared/anchors/bench/setup_venvs.sh, or pass --flytekit PYTHON)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.suite not in SUITES:
        parser.error(f"unknown suite {args.suite!r}; known suites: {', '.join(sorted(SUITES))}")
    reps = args.reps if args.reps is not None else (1 if args.quick else DEFAULT_REPS)
    min_time = args.min_time
    if min_time is None:
        min_time = QUICK_MIN_TIME if args.quick else DEFAULT_MIN_TIME
    if reps < 1 or min_time < 0:
        parser.error("--reps must be >= 1 and --min-time >= 0")
    if args.flytekit_reps < 1:
        parser.error("--flytekit-reps must be >= 1")
    flytekit_python, flytekit_skip_reason = _flytekit_python(parser, args)
    opts = Options(
        reps=reps,
        min_time=min_time,
        quick=args.quick,
        anchors_dir=find_anchors_dir(args.anchors),
        flytekit_python=flytekit_python,
        flytekit_reps=args.flytekit_reps,
        flytekit_skip_reason=flytekit_skip_reason,
    )

    started = time.perf_counter()
    with contextlib.redirect_stdout(sys.stderr):
        suite = importlib.import_module(SUITES[args.suite])
        result = suite.run(opts)
    doc = {
        "suite": args.suite,
        "machine": machine_info(),
        "settings": {"reps": opts.reps, "min_time_s": opts.min_time, "quick": opts.quick},
        **result,
        "elapsed_s": time.perf_counter() - started,
    }
    json.dump(doc, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
