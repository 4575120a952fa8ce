"""The ``engine`` suite's workloads: tasks and workflows, and one helper that runs them durably.

Defined at module level (the run store pickles a run's closure by reference), imported by the
suite and by its child processes (peak RSS, callgrind). Shapes follow
``shared/anchors/bench/bench_local_exec.py``: trivial ``int -> int`` tasks chained, mapped, fanned
in and out.
"""

from __future__ import annotations

import functools
import os
import time
from typing import Any

import flytelike as fl


@fl.task
def inc(x: int) -> int:
    return x + 1


@fl.task(cache=True, cache_version="1")
def cached_inc(x: int) -> int:
    return x + 1


@fl.task
def total(xs: list[int]) -> int:
    return sum(xs)


@fl.task
def fail(x: int) -> int:
    raise ValueError(f"bench: failing on purpose for x={x}")


@fl.task
def nap(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


@fl.workflow
def mapped(xs: list[int]) -> list[int]:
    return fl.map_task(inc)(x=xs)  # type: ignore[no-any-return]


@fl.workflow
def sleeps(seconds: float) -> list[float]:
    return [nap(seconds=seconds) for _ in range(8)]  # type: ignore[return-value]


_MB = os.urandom(1 << 20)


def write_blob(directory: str, mb: int) -> str:
    """A file of ``mb`` MiB in ``directory``, written a MiB at a time."""
    path = os.path.join(directory, "blob.bin")
    with open(path, "wb") as f:
        for _ in range(mb):
            f.write(_MB)
    return path


def read_size(path: str) -> int:
    n = 0
    with open(path, "rb") as f:
        while block := f.read(4 << 20):
            n += len(block)
    return n


@fl.task
def make_blob(mb: int) -> fl.File:
    """A task creating a file in its working directory."""
    return fl.File(write_blob(fl.current_context().working_directory, mb))


@fl.task
def read_blob(f: fl.File) -> int:
    return read_size(os.fspath(f))


@fl.workflow
def blob_pipeline(mb: int) -> int:
    """One task creates a file, the next reads it."""
    return read_blob(f=make_blob(mb=mb))  # type: ignore[no-any-return]


def _named(fn: Any, name: str) -> Any:
    fn.__qualname__ = fn.__name__ = name
    return fl.workflow(fn)


@functools.cache
def chain(n: int) -> Any:
    """``x = inc(x=x)`` n times."""

    def body(x: int) -> int:
        for _ in range(n):
            x = inc(x=x)
        return x

    return _named(body, f"chain_{n}")


@functools.cache
def cached_chain(n: int) -> Any:
    """``x = cached_inc(x=x)`` n times: run again with the same input, every task hits the cache
    (the anchors' ``chain_100_hits``: a cache hit as a workflow meets it)."""

    def body(x: int) -> int:
        for _ in range(n):
            x = cached_inc(x=x)
        return x

    return _named(body, f"cached_chain_{n}")


@functools.cache
def fanin(n: int) -> Any:
    """n independent ``inc`` nodes gathered by one ``total``."""

    def body(x: int) -> int:
        return total(xs=[inc(x=x) for _ in range(n)])  # type: ignore[no-any-return]

    return _named(body, f"fanin_{n}")


@functools.cache
def fanout(n: int) -> Any:
    """One ``inc`` node whose output n ``inc`` nodes read."""

    def body(x: int) -> int:
        s = inc(x=x)
        for _ in range(n):
            inc(x=s)
        return s  # type: ignore[no-any-return]

    return _named(body, f"fanout_{n}")


class CacheHits:
    """Whole runs of ``cached_inc`` that each hit the cache with an input no recent run used.

    ``total`` inputs are cached when it is made (runs that miss, not measured); each call then
    runs the next ``n`` of them, so a hit never finds its key, encoded inputs or outputs in a memo
    of the last run: what is measured is a cache hit as a new run meets it (key made, looked up,
    the run recorded).
    """

    def __init__(self, engine: Any, total: int) -> None:
        self.engine, self.total, self.next = engine, total, 0
        for x in range(total):
            engine.run(cached_inc, x=x)
        engine.store.flush()

    def __call__(self, n: int) -> None:
        start, self.next = self.next, self.next + n
        if self.next > self.total:
            raise ValueError(f"CacheHits: {self.next} hits asked for, {self.total} cached")
        for x in range(start, start + n):
            self.engine.run(cached_inc, x=x)
        self.engine.store.flush()


def durable(engine: Any, entity: Any, **inputs: Any) -> Any:
    """Run ``entity`` and return once the run's records are committed (the store flushed)."""
    r = engine.run(entity, **inputs)
    engine.store.flush()
    return r
