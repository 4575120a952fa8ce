"""Tasks whose bodies do not return on their own, for the interrupt and stop tests.

Each body first writes ``<path>/<name>`` (its pid, the thread it runs on, and how many times it
started), so a test can wait until it runs and check what became of the process afterwards.
``<path>/go`` lets ``nap`` finish (for resuming).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import threading
import time

import flytelike as fl

SHORT = dt.timedelta(milliseconds=500)


def started(path: str, name: str) -> None:
    marker = os.path.join(path, name)
    runs = 0
    if os.path.exists(marker):
        with open(marker) as f:
            runs = int(f.read().split()[2])
    with open(marker + ".tmp", "w") as f:
        f.write(f"{os.getpid()} {threading.get_ident()} {runs + 1}")
    os.replace(marker + ".tmp", marker)


@fl.task
def prepare(path: str) -> int:
    started(path, "prepare")
    return 1


@fl.task
def nap(path: str, n: int) -> int:
    started(path, "nap")
    if not os.path.exists(os.path.join(path, "go")):
        time.sleep(60)
    return n + 1


@fl.workflow
def long_wf(path: str) -> int:
    return nap(path=path, n=prepare(path=path))  # type: ignore[no-any-return]


@fl.task
def stubborn(path: str) -> int:
    started(path, "stubborn")
    try:
        time.sleep(60)
    except BaseException:  # swallows the stop: the run cannot end by itself
        time.sleep(60)
    return 0


@fl.task
def spin(path: str) -> int:
    started(path, "spin")
    while True:
        pass


@fl.task(timeout=SHORT)
def spin_timed(path: str) -> int:
    started(path, "spin_timed")
    while True:
        pass


@fl.task(timeout=SHORT)
def sleep_timed(path: str) -> int:
    started(path, "sleep_timed")
    time.sleep(1000)
    return 0


# (longer than SHORT: both attempts must start their body within the timeout, which on the
# local backend also covers forking the attempt's worker, slow on a loaded machine)
@fl.task(timeout=dt.timedelta(seconds=2), retries=1)
def spin_timed_retried(path: str) -> int:
    started(path, "spin_timed_retried")
    while True:
        pass


@fl.workflow
def spin_wf(path: str) -> int:
    return spin(path=path)  # type: ignore[no-any-return]


@fl.task(timeout=dt.timedelta(seconds=30))
def fails_timed(path: str) -> int:
    raise ValueError(f"bad input {path}")


@fl.task
def busy_item(path: str, how: str, x: int) -> int:
    """A map item busy for 0.2 s: spinning (runs in place) or sleeping (on worker threads)."""
    with open(os.path.join(path, "items"), "a") as f:
        f.write(f"{x}\n")
    if how == "sleep":
        time.sleep(0.2)
    else:
        end = time.monotonic() + 0.2
        while time.monotonic() < end:
            pass
    return x


@fl.workflow
def busy_map(path: str, how: str, xs: list[int]) -> list[int]:
    item = functools.partial(busy_item, path=path, how=how)
    return fl.map_task(item, concurrency=2)(x=xs)  # type: ignore[no-any-return]
