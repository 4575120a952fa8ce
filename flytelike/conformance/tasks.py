"""Tasks and workflows the backend conformance suite runs (importable by any worker)."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import flytelike as fl
from flytelike.backends import current_context
from flytelike.errors import FlyteRecoverableException

_COUNTS: dict[str, int] = {}


def _bump(key: str) -> int:
    path = os.environ.get("FLYTELIKE_CONFORMANCE_DIR", "")
    if path:
        f = os.path.join(path, key)
        n = 1
        if os.path.exists(f):
            with open(f) as fh:
                n = int(fh.read()) + 1
        with open(f, "w") as fh:
            fh.write(str(n))
        return n
    _COUNTS[key] = _COUNTS.get(key, 0) + 1
    return _COUNTS[key]


@fl.task
def add(a: int, b: int) -> int:
    return a + b


@fl.task
def inc(x: int) -> int:
    return x + 1


@fl.task
def nap(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


@fl.task
async def anap(seconds: float) -> float:
    await asyncio.sleep(seconds)
    return seconds


@fl.task(retries=3)
def flaky(key: str, failures: int) -> int:
    n = _bump(key)
    if n <= failures:
        raise FlyteRecoverableException(f"attempt {n} fails")
    return n


@fl.task(retries=3)
def broken(key: str) -> int:
    _bump(key)
    raise ValueError("not recoverable")


@fl.task(timeout=1)
def slow(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


@fl.task(cache=True, cache_version="1")
def cached_inc(key: str, x: int) -> int:
    _bump(key)
    return x + 1


@fl.task
def odd_fails(x: int) -> int:
    if x % 2:
        raise ValueError(f"odd {x}")
    return x


@fl.task
def whoami() -> str:
    ctx = current_context()
    return f"{ctx.execution_id.name}|{ctx.working_directory}"


@fl.task(environment={"FLYTELIKE_CONFORMANCE_VAR": "set"})
def env_var() -> str:
    return os.environ.get("FLYTELIKE_CONFORMANCE_VAR", "")


@fl.workflow
def chain(x: int) -> int:
    return inc(x=inc(x=inc(x=x)))


@fl.workflow
def parallel_naps(seconds: float) -> list[float]:
    return [nap(seconds=seconds) for _ in range(4)]


@fl.workflow
def mapped_inc(xs: list[int]) -> list[int]:
    return fl.map_task(inc, concurrency=2)(x=xs)  # type: ignore[no-any-return]


@fl.workflow
def mapped_ratio(xs: list[int]) -> list[int | None]:
    return fl.map_task(odd_fails, min_success_ratio=0.5)(x=xs)  # type: ignore[no-any-return]


# ------------------------------------------------------------------ more of the engine's promises
def _shared(name: str) -> str:
    return os.path.join(os.environ["FLYTELIKE_CONFORMANCE_DIR"], name)


@fl.task
def pid() -> int:
    return os.getpid()


@fl.task
def dies_once(key: str) -> int:
    """Its first attempt ends its own process, as a worker killed mid-task (no user retries: a
    second attempt is a system retry)."""
    if _bump(key) == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    return os.getpid()


@fl.task
def fails(x: int) -> int:
    raise ValueError(f"fails {x}")


@fl.task
def touch(name: str, seconds: float) -> str:
    time.sleep(seconds)
    with open(_shared(name), "w") as f:
        f.write("done")
    return name


@fl.workflow(failure_policy=fl.WorkflowFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE)
def keep_going(marker: str) -> None:
    fails(x=1)
    touch(name=marker, seconds=0.3)


@fl.task
def tracked(x: int) -> int:
    """Counts how many items run at once (``peak`` in the shared directory)."""
    import fcntl

    def step(delta: int) -> None:
        with open(_shared("tracked.lock"), "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            path = _shared("tracked")
            running, peak = 0, 0
            if os.path.exists(path):
                with open(path) as f:
                    running, peak = (int(v) for v in f.read().split())
            running += delta
            with open(path, "w") as f:
                f.write(f"{running} {max(peak, running)}")

    step(1)
    time.sleep(0.05)
    step(-1)
    return x


@fl.workflow
def mapped_tracked(xs: list[int]) -> list[int]:
    return fl.map_task(tracked, concurrency=2)(x=xs)  # type: ignore[no-any-return]


@fl.dynamic
def dyn_incs(n: int) -> list[int]:
    return [inc(x=i) for i in range(n)]


@fl.eager
async def eager_sum(n: int) -> int:
    values = await asyncio.gather(*(inc(x=i) for i in range(n)))  # type: ignore[call-overload]
    return sum(values)


v2 = fl.TaskEnvironment("conformance")


@v2.task
def v2_double(x: int) -> int:
    return 2 * x


@v2.task
async def v2_parent(n: int) -> int:
    values = await asyncio.gather(*(v2_double.aio(x=i) for i in range(n)))
    return sum(values)


def _note(text: str) -> fl.File:
    path = os.path.join(current_context().working_directory, "note.txt")
    with open(path, "w") as f:
        f.write(text)
    return fl.File(path)


@v2.task
def publish_note(text: str) -> fl.File:
    """Publishes its output as the artifact ``conformance-note``, version ``text``."""
    from flytelike import artifacts

    return artifacts.new(_note(text), artifacts.Metadata(name="conformance-note", version=text))


@v2.task
def plain_note(text: str) -> fl.File:
    return _note(text)


@v2.task
async def declare_note(text: str) -> str:
    """Declares the output of the task it calls as the artifact ``conformance-declared``."""
    from flytelike import artifacts

    with artifacts.produces(o0=artifacts.Metadata(name="conformance-declared", version=text)):
        await plain_note.override(produces_artifacts=True).aio(text=text)
    return text


@fl.task
def write_file(text: str) -> fl.File:
    return _note(text)


@fl.task
def write_dir(n: int) -> fl.Dir:
    folder = os.path.join(current_context().working_directory, "parts")
    os.makedirs(folder)
    for i in range(n):
        with open(os.path.join(folder, f"{i}.txt"), "w") as f:
            f.write(str(i))
    return fl.Dir(folder)


@fl.task
def make_frame(n: int) -> fl.DataFrame:
    import pandas as pd  # type: ignore[import-untyped]

    return fl.DataFrame(pd.DataFrame({"x": list(range(n))}))


@fl.task
def read_all(f: fl.File, d: fl.Dir, df: fl.DataFrame) -> str:
    import pandas as pd

    with open(f) as fh:
        text = fh.read()
    folder = d.download_sync()
    parts = sorted(os.listdir(folder))
    frame = df.open(pd.DataFrame).all_sync()
    return f"{text}|{','.join(parts)}|{int(frame['x'].sum())}"


@fl.workflow
def hand_off(text: str, n: int) -> str:
    return read_all(f=write_file(text=text), d=write_dir(n=n), df=make_frame(n=n))


@fl.task(enable_deck=True)
def decked(text: str) -> str:
    fl.Deck("notes", f"<p>{text}</p>")
    return text


@fl.task
def secret(group: str, key: str) -> str:
    return str(current_context().secrets.get(group, key))


@fl.task
def read_env(variable: str) -> str:
    return os.environ.get(variable, "")


@fl.task
def nap_marked(seconds: float) -> float:
    """Marks that its body started, then sleeps in short naps (a body an in-process backend can
    stop between two of them)."""
    with open(_shared("napping"), "w") as f:
        f.write(str(os.getpid()))
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(0.05)
    return seconds


@fl.task
def step(key: str, x: int) -> int:
    _bump(key)
    return x + 1


@fl.task
def when_allowed(x: int) -> int:
    if not os.path.exists(_shared("allow")):
        raise ValueError("not allowed yet")
    return x * 2


@fl.workflow
def resumable(key: str, x: int) -> int:
    return when_allowed(x=step(key=key, x=x))
