"""Benchmarks: hot paths measured against their physical floor, in the same run.

Run them with ``python benchmarks/run.py SUITE``; each suite is a module ``bench_<name>.py`` with a
``run(options) -> dict`` function, and ``run.py`` prints its result as one JSON document. Shared
measuring code (timing loops, anchors, machine info) lives in ``_harness``; import-cost probes in
``_imports``.
"""
