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
def killed_from_outside(key: str) -> int:
    """Its first attempt writes its worker's pid and waits to be killed (kill -9 by the test);
    every attempt is counted, and prints one line."""
    n = _count(key)
    print(f"attempt {n}")
    if n == 1:
        (Path(os.environ["FLYTELIKE_RAY_TEST_DIR"]) / f"{key}.pid").write_text(str(os.getpid()))
        time.sleep(60)
    return os.getpid()


@fl.task(timeout=1)
def records_pid_then_sleeps(key: str, deaf: bool = False) -> int:
    """Sleeps past its timeout; ``deaf``: with the worker's wake signal blocked, so only a
    forced cancel from the driver ends it."""
    import signal

    if deaf:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR2})
    (Path(os.environ["FLYTELIKE_RAY_TEST_DIR"]) / key).write_text(str(os.getpid()))
    time.sleep(30)
    return 0


def hold_cpu(seconds: float) -> None:
    """A raw Ray task's body (not a flytelike task): keeps a CPU busy."""
    time.sleep(seconds)


@fl.task(timeout=1)
def quick_with_timeout(seconds: float) -> float:
    """Its body takes ``seconds`` (under its 1 s timeout); returns when it started."""
    started = time.time()
    time.sleep(seconds)
    return started


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
    """Only run by the test that counts how its template reaches the workers."""
    return -x


@fl.task(requests=fl.Resources(cpu="500m"))
def half_cpu() -> float:
    import ray

    return float(ray.get_runtime_context().get_assigned_resources().get("CPU", 0.0))


@fl.task(requests=fl.Resources(cpu="64"))
def greedy() -> int:
    return 0


@fl.task
def assigned_cpu() -> float:
    import ray

    return float(ray.get_runtime_context().get_assigned_resources().get("CPU", 0.0))


@fl.workflow
def overridden_cpu() -> float:
    return assigned_cpu().with_overrides(requests=fl.Resources(cpu="1500m"))  # type: ignore[no-any-return]


@fl.workflow
def overridden_greedy() -> float:
    return assigned_cpu().with_overrides(limits=fl.Resources(cpu="3", mem="1Ti"))  # type: ignore[no-any-return]


@fl.workflow
def needs_an_a100() -> float:
    from flytelike.extras.accelerators import A100

    return assigned_cpu().with_overrides(accelerator=A100)  # type: ignore[no-any-return]


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


@fl.task(retries=1, enable_deck=True)
def s3_round(text: str) -> tuple[str, fl.File, str]:
    """On its first attempt saves a checkpoint and fails; the retry reads the checkpoint back,
    writes a file (offloaded under the raw data prefix) and a deck, and reports the S3
    endpoint its data context has."""
    from typesystem.io import current_data_context

    ctx = current_context()
    if not ctx.checkpoint.prev_exists():
        ctx.checkpoint.write(f"saved by attempt {ctx.action.attempt}".encode())
        raise FlyteRecoverableException("the first attempt fails after its checkpoint")
    saved = (ctx.checkpoint.read() or b"").decode()
    path = Path(ctx.working_directory) / "note.txt"
    path.write_text(text)
    fl.Deck("notes", f"<p>{text}</p>")
    endpoint = current_data_context().options_for("s3").get("endpoint_url", "")
    return saved, fl.File(str(path)), endpoint


@fl.task
def big_list(n: int) -> list[int]:
    """An output over the backend's offload limit: written by the worker under the prefix."""
    return list(range(n))


@fl.task
def total(xs: list[int]) -> tuple[int, int]:
    return sum(xs), os.getpid()


@fl.workflow
def big_hand_off(n: int) -> tuple[int, int]:
    return total(xs=big_list(n=n))  # type: ignore[no-any-return]


@fl.task
def chatty_item(x: int) -> int:
    import sys

    print(f"item {x}")
    if x == 1:
        print("odd one", file=sys.stderr)
    return x


@fl.workflow
def mapped_chatty(xs: list[int]) -> list[int]:
    return fl.map_task(chatty_item)(x=xs)  # type: ignore[no-any-return]


@fl.task
def special() -> float:
    """Run with the backend's task_resources asking for the custom resource ``special``."""
    import ray

    return float(ray.get_runtime_context().get_assigned_resources().get("special", 0.0))


@v2.task(retries=1)
def v2_checkpointed(text: str) -> str:
    """flyte 2's checkpoint: the first attempt saves ``text`` and fails, the retry loads it."""
    checkpoint = fl.ctx().checkpoint
    if not checkpoint.prev_exists():
        checkpoint.save_sync(text.encode())
        raise FlyteRecoverableException("the first attempt fails after its checkpoint")
    loaded = checkpoint.load_sync()
    return f"{loaded.read_text()} from {checkpoint.remote_source}"
