"""Suite ``grpc``: what running actions on a gRPC executor costs over running them locally.

The executor is ``flytelike serve executor`` in its own process on 127.0.0.1 (an ephemeral
port), as users run it; every measurement is made against the local backend in the same run, so
the reported overhead is the difference per action or per item. Floors, measured in the same
run: ``grpc_unary_echo_us`` and ``grpc_stream_echo_us`` are 1,000 bare gRPC echo round trips
(a 64-byte message; one unary call each, or one message each over one bidirectional stream as
the backend's ``RunActions`` calls carry attempts) to an echo server in its own process that
does nothing else; ``engine_remote_us`` is what the engine itself spends per action of the
chain when its backend is remote (a backend that answers at once after giving the event loop one
turn, as any remote backend makes the engine wait, and the engine then commits the finished
action before the next one depends on it), minus the same chain through ``local``. No executor
can answer faster than the echo on this machine at that moment. The echo's client and server
use gRPC with the settings the executor's client and server use (``GRPC_EXPERIMENTS``, see
``flytelike.executor._net.import_grpc``).


- ``action``: one trivial action after another through the backend alone (no engine, no run
  store): ``GrpcBackend.run_action`` vs ``LocalBackend.run_action``, per action;
- ``engine_1000``: 1,000 trivial actions through the engine (ten runs of a chain of 100 tasks,
  each waiting for the one before, so every action pays a full round trip), grpc vs local;
- ``map_10000``: a map over 10,000 items, which the engine sends to the executor in batches
  (``RunItems``), grpc vs local, per item.

``cpu`` (Linux, from ``/proc``): where the wall time of a round trip goes. For the chain through
the engine on grpc, ``GrpcBackend.run_action`` alone, the bare stream echo and the chain on
``local``, measured again after the interleaved runs (``reps`` runs of each, in turns), per
action, summed over the threads of this process (``client``) and of the server process (the
executor, or the echo server): wall time; ``cpu_us``, time on a CPU (user and kernel);
``runnable_waiting_us``, time threads were ready to run but waited for a CPU (the kernel's
``schedstat``: a machine whose cores are busy with other work); context switches (voluntary: a
thread went to sleep waiting for the other side or another thread, to be woken later;
involuntary: a runnable thread was preempted). What the wall time holds beyond the two
processes' CPU is the hand-offs between threads: a thread woken, then scheduled.

Targets: <= 300 µs of overhead per action, <= 20 µs per map item. Run as
``python benchmarks/run.py grpc`` or ``python -m benchmarks.bench_grpc`` (prints JSON).

``instructions`` (where valgrind is installed; not with ``--quick``): instructions per action
counted by callgrind (``_callgrind``) in one process that holds the client and, in threads, an
executor server and an echo server, so that both ends of a round trip are counted: the bare
stream echo, ``GrpcBackend.run_action``, ``LocalBackend.run_action``, and chains through the
engine on the grpc, yielding and local backends. ``action_over_echo`` is what the executor
interface adds to the echo round trip (encoding, decoding, checks, running the task), stable
where wall time is not; ``engine_over_echo`` the same through the engine: a chain's action on
grpc minus one on the yielding backend (the engine's own remote path, which runs the task in
place) minus the echo; ``engine_remote`` is yielding minus local.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import flytelike as fl

CALLGRIND_PLAN = (
    ("stream_echo", 50, 250),
    ("action_grpc", 50, 250),
    ("action_local", 50, 250),
    ("engine_grpc", 100, 300),
    ("engine_yielding", 100, 300),
    ("engine_local", 100, 300),
)
TARGET_ACTION_US = 300.0
TARGET_ITEM_US = 20.0
ROOT = Path(__file__).resolve().parent.parent


@fl.task
def inc(x: int) -> int:
    return x + 1


@fl.workflow
def chain_100(x: int) -> int:
    for _ in range(100):
        x = inc(x=x)
    return x


@fl.workflow
def mapped(xs: list[int]) -> list[int]:
    return fl.map_task(inc)(x=xs)  # type: ignore[no-any-return]


@contextmanager
def executor() -> Iterator[str]:
    """``flytelike serve executor`` on an ephemeral loopback port; yields its address."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "flytelike", "serve", "executor", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    _PIDS["executor"] = proc.pid
    try:
        assert proc.stdout is not None
        found = re.match(r"listening on (\S+)", proc.stdout.readline())
        if found is None:
            raise RuntimeError("the executor did not start")
        yield found.group(1)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()


def _interleaved(fns: dict[str, Callable[[], object]], reps: int) -> dict[str, list[float]]:
    """Seconds of each of ``reps`` runs of every function, taken in turns (a, b, c, b, c, a,
    ...), so that a machine busy with other work weighs on all of them alike."""
    for fn in fns.values():
        fn()  # (warm-up: connections, imports in the executor, caches)
    out: dict[str, list[float]] = {name: [] for name in fns}
    names = list(fns)
    for rep in range(reps):
        shift = rep % len(names)
        for name in names[shift:] + names[:shift]:
            gc.collect()
            t0 = time.perf_counter()
            fns[name]()
            out[name].append(time.perf_counter() - t0)
    return out


def _compare(
    grpc_s: list[float], local_s: list[float], per: int, target_us: float
) -> dict[str, Any]:
    g = statistics.median(grpc_s) / per * 1e6
    lo = statistics.median(local_s) / per * 1e6
    overhead = g - lo
    return {
        "grpc_us_median": g,
        "local_us_median": lo,
        "grpc_us_min": min(grpc_s) / per * 1e6,
        "local_us_min": min(local_s) / per * 1e6,
        "overhead_us": overhead,
        # (the least disturbed runs of each: what it costs on a quiet machine)
        "overhead_us_of_mins": (min(grpc_s) - min(local_s)) / per * 1e6,
        "target_overhead_us": target_us,
        "meets_target": overhead <= target_us,
        "per": per,
        "n": len(grpc_s),
    }


_LOOPS: list[asyncio.AbstractEventLoop] = []
_PIDS: dict[str, int] = {}  # the server processes' ids: "executor", "echo"


def _usage(pid: int) -> tuple[float, float, int, int] | None:
    """Of process ``pid``, summed over its live threads: seconds on a CPU, seconds runnable but
    waiting for one (``/proc/.../schedstat``), voluntary and involuntary context switches;
    ``None`` without ``/proc``."""
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return None
    on_cpu = waiting = 0
    voluntary = involuntary = 0
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                run_ns, wait_ns = f.read().split()[:2]
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches:"):
                        voluntary += int(line.split()[1])
                    elif line.startswith("nonvoluntary_ctxt_switches:"):
                        involuntary += int(line.split()[1])
        except (OSError, ValueError):  # (a thread that ended meanwhile)
            continue
        on_cpu += int(run_ns)
        waiting += int(wait_ns)
    return on_cpu / 1e9, waiting / 1e9, voluntary, involuntary


def _cpu_split(
    fns: dict[str, tuple[Callable[[], object], str | None]], per: int, reps: int
) -> dict[str, Any]:
    """Wall, CPU and context switches per unit of each function (``reps`` runs each, in
    turns), in this process (``client``) and in the server process named (``_PIDS``)."""
    if _usage(os.getpid()) is None:
        return {"skipped": "no /proc (Linux only)"}
    totals: dict[str, list[float]] = {name: [0.0] * 9 for name in fns}
    names = list(fns)
    for rep in range(reps):
        shift = rep % len(names)
        for name in names[shift:] + names[:shift]:
            fn, server = fns[name]
            pids = [os.getpid()] + ([_PIDS[server]] if server else [])
            gc.collect()
            before = [_usage(p) for p in pids]
            t0 = time.perf_counter()
            fn()
            wall = time.perf_counter() - t0
            after = [_usage(p) for p in pids]
            t = totals[name]
            t[0] += wall
            for i, (b, a) in enumerate(zip(before, after, strict=True)):
                if a is None or b is None:
                    continue
                for j in range(4):
                    t[1 + 4 * i + j] += a[j] - b[j]
    out: dict[str, Any] = {}
    for name, t in totals.items():
        units = per * reps
        row = {"wall_us": t[0] / units * 1e6}
        for i, side in enumerate(("client", "server")[: 1 + (fns[name][1] is not None)]):
            row[f"{side}_cpu_us"] = t[1 + 4 * i] / units * 1e6
            row[f"{side}_runnable_waiting_us"] = t[2 + 4 * i] / units * 1e6
            row[f"{side}_voluntary_switches"] = t[3 + 4 * i] / units
            row[f"{side}_involuntary_switches"] = t[4 + 4 * i] / units
        out[name] = row
    return out


def _backend_loop(backend: Any, n: int) -> Callable[[], object]:
    from flytelike.backends import ActionContext, ActionRequest
    from typesystem import Scalar

    task = inc.template()
    requests = [
        ActionRequest(task, {"x": Scalar(i)}, ActionContext("bench", f"n{i}")) for i in range(n)
    ]

    async def main() -> None:
        for r in requests:
            outcome = await backend.run_action(r)
            assert outcome.error is None, outcome.error

    loop = asyncio.new_event_loop()  # (one loop throughout, as the engine keeps one per thread)
    _LOOPS.append(loop)
    return lambda: loop.run_until_complete(main())


_ECHO_SERVER = """
import sys
from concurrent.futures import ThreadPoolExecutor
import grpc

def echo_stream(requests, context):
    yield from requests

server = grpc.server(ThreadPoolExecutor(4))
server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler("bench.Echo", {
    "Unary": grpc.unary_unary_rpc_method_handler(lambda data, context: data),
    "Stream": grpc.stream_stream_rpc_method_handler(echo_stream),
})])
print(server.add_insecure_port("127.0.0.1:0"), flush=True)
server.start()
sys.stdin.read()  # (until the benchmark closes its end)
server.stop(0)
"""


@contextmanager
def echo_server() -> Iterator[str]:
    """A bare gRPC echo server (unary and bidirectional stream) in its own process."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _ECHO_SERVER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    _PIDS["echo"] = proc.pid
    try:
        assert proc.stdout is not None
        yield f"127.0.0.1:{int(proc.stdout.readline())}"
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=30)
        proc.stdout.close()  # type: ignore[union-attr]


@contextmanager
def _echo_floors(
    address: str, n: int
) -> Iterator[tuple[Callable[[], object], Callable[[], object]]]:
    """``n`` bare echo round trips: unary calls, and messages over one stream, both awaited on
    an event loop with ``grpc.aio`` as the backend makes its calls."""
    from grpc import aio

    loop = asyncio.new_event_loop()
    _LOOPS.append(loop)
    message = b"x" * 64

    async def open_channel() -> Any:
        return aio.insecure_channel(address)

    channel = loop.run_until_complete(open_channel())
    unary = channel.unary_unary("/bench.Echo/Unary")
    stream_method = channel.stream_stream("/bench.Echo/Stream")
    calls: list[Any] = []

    async def unary_calls() -> None:
        for _ in range(n):
            await unary(message)

    async def streamed() -> None:
        if not calls:
            calls.append(stream_method())
        call = calls[0]
        for _ in range(n):
            await call.write(message)
            await call.read()

    try:
        yield (
            lambda: loop.run_until_complete(unary_calls()),
            lambda: loop.run_until_complete(streamed()),
        )
    finally:
        for call in calls:
            call.cancel()
        loop.run_until_complete(channel.close())


class _Yielding:
    """A backend that runs each action in place after giving the event loop one turn: the
    engine's own cost for a backend that makes it wait (any remote one), without a network."""

    name = "yielding"

    def __init__(self) -> None:
        from flytelike.backends._local import LocalBackend

        self.local = LocalBackend()

    async def run_action(self, request: Any) -> Any:
        await asyncio.sleep(0)
        return self.local.run_inline(request)

    def close(self) -> None:
        self.local.close()


def _instructions() -> dict[str, Any]:
    """Instructions per action of each workload, from one callgrind run."""
    from benchmarks import _callgrind

    why = _callgrind.unavailable()
    if why is not None:
        return {"skipped": why}
    with tempfile.TemporaryDirectory() as home:
        dumps = _callgrind.count("benchmarks.bench_grpc", "callgrind", {"FLYTELIKE_HOME": home})
    res = _callgrind.per_unit(dumps, CALLGRIND_PLAN)
    per = {label: v["instructions_per_unit"] for label, v in res.items()}
    res["action_over_echo"] = per["action_grpc"] - per["stream_echo"]
    res["action_over_echo_ratio"] = per["action_grpc"] / per["stream_echo"]
    res["engine_remote"] = per["engine_yielding"] - per["engine_local"]
    res["engine_over_echo"] = per["engine_grpc"] - per["engine_yielding"] - per["stream_echo"]
    return res


def _callgrind_scenario() -> None:
    """Run under callgrind by ``_instructions``: servers in threads of this process, warm-up,
    then each workload at its two sizes (``CALLGRIND_PLAN``)."""
    from concurrent.futures import ThreadPoolExecutor

    from flytelike.executor import _net

    _net.import_grpc()  # (first: gRPC's settings as the executor client and server use them)
    import grpc
    from grpc import aio

    from benchmarks._callgrind import mark
    from benchmarks.bench_engine import VALGRIND_HOLD_OFF_SECONDS
    from flytelike.backends import ActionContext, ActionRequest
    from flytelike.backends._local import LocalBackend
    from flytelike.engine import Engine, EngineConfig, _abort, _store

    # The run store's writer and the abort watcher are held off, as in the engine's benchmark
    # (``bench_engine.VALGRIND_HOLD_OFF_SECONDS``): their timed wake-ups came a varying number of
    # times per unit under valgrind (engine_grpc 833-875K instructions in four runs of nearly
    # one tree). Every record is still committed within each measured run, by the flush that
    # ends it (``chains``).
    _store.BATCH_SECONDS = VALGRIND_HOLD_OFF_SECONDS
    _abort.POLL_SECONDS = VALGRIND_HOLD_OFF_SECONDS
    from flytelike.executor import ExecutorServer, GrpcBackend
    from typesystem import Scalar

    def echo_stream(requests: Any, context: Any) -> Any:
        yield from requests

    echo = grpc.server(ThreadPoolExecutor(4))
    handler = grpc.stream_stream_rpc_method_handler(echo_stream)
    echo.add_generic_rpc_handlers(
        [grpc.method_handlers_generic_handler("bench.Echo", {"Stream": handler})]
    )
    echo_port = echo.add_insecure_port("127.0.0.1:0")
    echo.start()
    server = ExecutorServer("127.0.0.1", 0)
    address = f"127.0.0.1:{server.start()}"
    loop = asyncio.new_event_loop()
    task = inc.template()

    async def open_stream() -> Any:
        channel = aio.insecure_channel(f"127.0.0.1:{echo_port}")
        return channel, channel.stream_stream("/bench.Echo/Stream")()

    channel, stream = loop.run_until_complete(open_stream())

    async def echoes(n: int) -> None:
        for _ in range(n):
            await stream.write(b"x" * 64)
            await stream.read()

    def actions(backend: Any) -> Callable[[int], object]:
        async def go(n: int) -> None:
            for i in range(n):
                r = ActionRequest(task, {"x": Scalar(i)}, ActionContext("bench", f"n{i}"))
                outcome = await backend.run_action(r)
                assert outcome.error is None, outcome.error

        return lambda n: loop.run_until_complete(go(n))

    backends = {"grpc": GrpcBackend(address=address), "local": LocalBackend()}
    home = Path(os.environ["FLYTELIKE_HOME"])
    engines = {
        name: Engine(EngineConfig.from_env(home=home / name), backend=b)
        for name, b in (
            ("grpc", GrpcBackend(address=address)),
            ("yielding", _Yielding()),
            ("local", LocalBackend()),
        )
    }

    def chains(name: str) -> Callable[[int], object]:
        def go(n: int) -> None:
            for _ in range(n // 100):
                assert engines[name].run(chain_100, x=0).outputs() == 100
            engines[name].store.flush()

        return go

    ops: dict[str, Callable[[int], object]] = {
        "stream_echo": lambda n: loop.run_until_complete(echoes(n)),
        "action_grpc": actions(backends["grpc"]),
        "action_local": actions(backends["local"]),
        "engine_grpc": chains("grpc"),
        "engine_yielding": chains("yielding"),
        "engine_local": chains("local"),
    }
    for label, small, large in CALLGRIND_PLAN:  # (first runs: connections, caches)
        ops[label](small)
        ops[label](large)
    mark()
    for label, small, large in CALLGRIND_PLAN:
        ops[label](small)
        mark()
        ops[label](large)
        mark()
    stream.cancel()
    loop.run_until_complete(channel.close())
    for e in engines.values():
        e.close()
    for b in backends.values():
        b.close()
    server.stop()
    echo.stop(0)


def run(options: Any) -> dict[str, Any]:
    from flytelike.backends._local import LocalBackend
    from flytelike.engine import Engine, EngineConfig
    from flytelike.executor import GrpcBackend, _net

    # gRPC's settings as the executor's client and server use them (``_net.import_grpc``), here
    # and in the echo server's process, which inherits them: the floors use the same transport.
    _net.import_grpc()
    reps = max(options.reps, 1)
    quick = options.quick
    n_actions = 100 if quick else 1000
    n_items = 1000 if quick else 10_000
    res: dict[str, Any] = {}
    with executor() as address, echo_server() as echo, tempfile.TemporaryDirectory() as home:
        grpc_backend = GrpcBackend(address=address)
        local = LocalBackend()
        yielding = _Yielding()
        try:
            engines = {
                name: Engine(EngineConfig.from_env(home=Path(home) / name), backend=b)
                for name, b in (("grpc", grpc_backend), ("local", local), ("yielding", yielding))
            }
            chains = n_actions // 100

            def chains_on(name: str) -> Callable[[], object]:
                def go() -> None:
                    for _ in range(chains):
                        assert engines[name].run(chain_100, x=0).outputs() == 100

                return go

            xs = list(range(n_items))

            def map_on(name: str) -> Callable[[], object]:
                return lambda: engines[name].run(mapped, xs=xs).outputs()

            with _echo_floors(echo, n_actions) as (unary_echo, stream_echo):
                action_grpc = _backend_loop(grpc_backend, n_actions)
                t = _interleaved(
                    {
                        "unary_echo": unary_echo,
                        "stream_echo": stream_echo,
                        "action_grpc": action_grpc,
                        "action_local": _backend_loop(local, n_actions),
                        "chains_grpc": chains_on("grpc"),
                        "chains_local": chains_on("local"),
                        "chains_yielding": chains_on("yielding"),
                    },
                    reps,
                )
                cpu = _cpu_split(
                    {
                        "engine_grpc": (chains_on("grpc"), "executor"),
                        "action_grpc": (action_grpc, "executor"),
                        "stream_echo": (stream_echo, "echo"),
                        "engine_local": (chains_on("local"), None),
                    },
                    n_actions,
                    reps,
                )
            floors = {
                "grpc_unary_echo_us": statistics.median(t["unary_echo"]) / n_actions * 1e6,
                "grpc_stream_echo_us": statistics.median(t["stream_echo"]) / n_actions * 1e6,
                "engine_remote_us": _compare(
                    t["chains_yielding"], t["chains_local"], n_actions, TARGET_ACTION_US
                )["overhead_us"],
            }
            res["action"] = _compare(
                t["action_grpc"], t["action_local"], n_actions, TARGET_ACTION_US
            )
            res["engine_1000"] = _compare(
                t["chains_grpc"], t["chains_local"], n_actions, TARGET_ACTION_US
            )
            t = _interleaved({"grpc": map_on("grpc"), "local": map_on("local")}, reps)
            res["map_10000"] = _compare(t["grpc"], t["local"], n_items, TARGET_ITEM_US)
            for e in engines.values():
                e.close()
        finally:
            grpc_backend.close()
            local.close()
            yielding.close()
            while _LOOPS:
                _LOOPS.pop().close()
    not_met = sorted(k for k, v in res.items() if not v["meets_target"])
    # What the executor interface adds to a bare gRPC round trip over a stream (encoding,
    # checks, running the task), and what the engine's chain adds to that.
    stream = floors["grpc_stream_echo_us"]
    res["action"]["over_floor_us"] = res["action"]["grpc_us_median"] - stream
    res["engine_1000"]["over_floor_us"] = (
        res["engine_1000"]["grpc_us_median"] - stream - floors["engine_remote_us"]
    )
    # (quick mode counts none: valgrind takes minutes)
    instructions = {"skipped": "--quick"} if quick else _instructions()
    return {
        "workloads": res,
        "floors": floors,
        "cpu": cpu,
        "instructions": instructions,
        "targets_not_met": not_met,
    }


if __name__ == "__main__":
    from types import SimpleNamespace

    if sys.argv[1:] == ["callgrind"]:
        _callgrind_scenario()
        raise SystemExit(0)

    quick = "--quick" in sys.argv
    opts = SimpleNamespace(reps=1 if quick else 5, quick=quick)
    print(json.dumps(run(opts), indent=2))
