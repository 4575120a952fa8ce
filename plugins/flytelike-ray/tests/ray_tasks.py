"""Tasks the Ray backend's tests run; this folder is the code root the test backend ships to
the workers (``RayBackend(code_root=...)``), so the workers import this module by name."""

from __future__ import annotations

import os
import time
from pathlib import Path

import flytelike as fl
from flytelike.backends import current_context
from flytelike.errors import FlyteRecoverableException


class Refused(Exception):
    """A user exception type that must come back to a direct caller as itself."""


@fl.task
def pid() -> int:
    return os.getpid()


@fl.task
def nap_pid(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


@fl.workflow
def fan_out(seconds: float) -> list[int]:
    return [nap_pid(seconds=seconds) for _ in range(4)]


@fl.task
def refuse(why: str) -> int:
    raise Refused(why)


@fl.task
def write_text(text: str) -> fl.File:
    path = Path(current_context().working_directory) / "note.txt"
    path.write_text(text)
    return fl.File(str(path))


@fl.task
def read_text(f: fl.File) -> str:
    with open(f) as fh:
        return f"{fh.read()} (read by {os.getpid()})"


@fl.workflow
def file_hand_off(text: str) -> str:
    return read_text(f=write_text(text=text))


def _count(key: str) -> int:
    """How many times ``key`` was counted in the directory ``RAY_TEST_DIR`` names."""
    path = Path(os.environ["FLYTELIKE_RAY_TEST_DIR"]) / key
    n = int(path.read_text()) + 1 if path.exists() else 1
    path.write_text(str(n))
    return n


@fl.task
def dies_once(key: str) -> int:
    """Kills its own worker process on the first attempt (a crash, not an exception)."""
    if _count(key) == 1:
        os.kill(os.getpid(), 9)
    return os.getpid()


@fl.task(timeout=1)
def records_pid_then_sleeps(key: str) -> int:
    (Path(os.environ["FLYTELIKE_RAY_TEST_DIR"]) / key).write_text(str(os.getpid()))
    time.sleep(30)
    return 0


@fl.task(retries=2)
def flaky_item(x: int) -> int:
    if x % 3 == 0 and _count(f"item-{x}") == 1:
        raise FlyteRecoverableException(f"item {x} fails once")
    return x * 10


@fl.workflow
def mapped_flaky(xs: list[int]) -> list[int]:
    return fl.map_task(flaky_item, concurrency=3)(x=xs)  # type: ignore[no-any-return]


@fl.task
def square(x: int) -> int:
    return x * x


@fl.workflow
def mapped_square(xs: list[int]) -> list[int]:
    return fl.map_task(square)(x=xs)  # type: ignore[no-any-return]


@fl.task
def negate(x: int) -> int:
    """Only run by the test that sends its template through the object store."""
    return -x


@fl.task(requests=fl.Resources(cpu="500m"))
def half_cpu() -> float:
    import ray

    return float(ray.get_runtime_context().get_assigned_resources().get("CPU", 0.0))


@fl.task(requests=fl.Resources(cpu="64"))
def greedy() -> int:
    return 0


@fl.task
def item_or_crash(x: int) -> int:
    """Item 5 kills the worker running its batch, the first time."""
    if x == 5 and _count("crash-5") == 1:
        os.kill(os.getpid(), 9)
    return x + 100


@fl.workflow
def mapped_crash(xs: list[int]) -> list[int]:
    return fl.map_task(item_or_crash, concurrency=2)(x=xs)  # type: ignore[no-any-return]


v2 = fl.TaskEnvironment("ray_tests")


@v2.task
def v2_pid(x: int) -> int:
    return os.getpid() + x


@fl.task
def chatty(x: int) -> int:
    import sys

    print(f"working on {x}")
    print("careful", file=sys.stderr)
    return x
