"""Suite ``compile``: define + compile + serialise workflows, and ``@task`` decoration.

The shapes copy ``shared/anchors/bench/bench_compile.py`` (the flytekit anchor):

- chain:  ``x = inc(x=x)`` repeated N times
- fan-in: ``total(xs=[inc(x=x) for _ in range(N)])`` (N parallel nodes + 1 gather node)

for N = 10, 100, 1000. Phases, each timed on a fresh workflow object:

- ``define``: applying ``@workflow`` (flytelike compiles the body here, at definition);
- ``compile``: ``closure_of(wf)``, the frozen templates with their content-hash versions;
- ``serialize``: ``serialization.to_proto_bytes`` of the closure.

The floor is protobuf itself: building the equivalent ``WorkflowTemplate`` message with the
generated code's fastest idiom and serialising it, timed in the same run.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from typing import Any

from benchmarks._harness import Options, Target, load_anchor, ratio, summary, time_per_op

SIZES = (10, 100, 1000)
TARGETS = {
    "chain_1000": Target("chain N=1000 define+compile+serialise <= 20 ms", max_s=0.020),
    "fanin_1000": Target("fan-in N=1000 define+compile+serialise <= 20 ms", max_s=0.020),
    "task_decorate": Target("@task decoration <= 50 us", max_s=50e-6),
}


# Plain functions at module level, as in the anchor (tasks are made from them per run).
def inc(x: int) -> int:
    return x + 1


def total(xs: list[int]) -> int:
    return sum(xs)


def make_chain(workflow: Any, inc_task: Any, n: int) -> Any:
    def chain(x: int) -> int:
        for _ in range(n):
            x = inc_task(x=x)
        return x

    return workflow(chain)


def make_fanin(workflow: Any, inc_task: Any, total_task: Any, n: int) -> Any:
    def fanin(x: int) -> int:
        return total_task(xs=[inc_task(x=x) for _ in range(n)])

    return workflow(fanin)


def _floor(n: int) -> float:
    """Seconds to build and serialise an n-node chain message directly with protobuf."""
    from flytelike.proto import ir_pb2 as pb

    ident = pb.Identifier(resource_type=1, project="p", domain="d", name="bench.inc", version="v")
    src = pb.SourceLocation(file="bench_compile.py", line=40)
    t0 = time.perf_counter()
    w = pb.WorkflowTemplate()
    for i in range(n):
        node = w.nodes.add()
        node.id = f"n{i}"
        node.task.task.CopyFrom(ident)
        b = node.inputs.add(var="x")
        b.value.promise.node_id = f"n{i - 1}" if i else "start-node"
        b.value.promise.var = "o0" if i else "x"
        if i:
            node.upstream.append(f"n{i - 1}")
        node.source.CopyFrom(src)
    w.SerializeToString(deterministic=True)
    return time.perf_counter() - t0


def bench_shape(build: Callable[[], Any], reps: int) -> dict[str, Any]:
    from flytelike import closure_of, serialization

    phases: dict[str, list[float]] = {
        "define_s": [],
        "compile_s": [],
        "serialize_s": [],
        "total_s": [],
    }
    size = 0
    for _ in range(reps):
        gc.collect()
        t0 = time.perf_counter()
        wf = build()
        t1 = time.perf_counter()
        closure = closure_of(wf)
        t2 = time.perf_counter()
        blob = serialization.to_proto_bytes(closure)
        t3 = time.perf_counter()
        size = len(blob)
        for key, value in zip(phases, (t1 - t0, t2 - t1, t3 - t2, t3 - t0), strict=True):
            phases[key].append(value)
    out: dict[str, Any] = {
        k: {"min": min(v), "median": statistics.median(v), "n": len(v)} for k, v in phases.items()
    }
    out["spec_bytes"] = size
    return out


def run(opts: Options) -> dict[str, Any]:
    from flytelike import task, workflow

    anchor, anchor_path = load_anchor(opts.anchors_dir, "flytekit_compile.json")
    anchor_results = (anchor or {}).get("results", {})
    reps = max(opts.reps, 3)
    inc_t, total_t = task(inc), task(total)
    make_chain(workflow, inc_t, 2)  # warm: first-use imports and caches

    decorate = [time_per_op(lambda: task(inc), opts.min_time / 4) for _ in range(opts.reps)]
    results: dict[str, Any] = {"task_decorate": summary(decorate)}
    for n in SIZES:
        results[f"chain_{n}"] = bench_shape(lambda n=n: make_chain(workflow, inc_t, n), reps)
        results[f"fanin_{n}"] = bench_shape(
            lambda n=n: make_fanin(workflow, inc_t, total_t, n), reps
        )
    floor = [_floor(1000) for _ in range(reps)]
    results["protobuf_floor_chain_1000"] = {"min": min(floor), "median": statistics.median(floor)}

    # Judged on the minimum, like the flytekit figures quoted in the issue (181 ms, 321 us are
    # the anchor's minima); medians are reported next to them. The protobuf floor shows how
    # much of a slow run is the machine.
    floor_min = results["protobuf_floor_chain_1000"]["min"]
    judged: dict[str, Any] = {}
    for key, target in TARGETS.items():
        if key == "task_decorate":
            ours = results[key]["s_per_op_min"]
            median = results[key]["s_per_op_median"]
            fk = (anchor_results.get("task_decorate_s") or {}).get("min")
        else:
            ours = results[key]["total_s"]["min"]
            median = results[key]["total_s"]["median"]
            fk = ((anchor_results.get(key) or {}).get("total_s") or {}).get("min")
        judged[key] = {
            "ours_s": ours,
            "ours_median_s": median,
            "flytekit_anchor_s": fk,
            "speedup_vs_flytekit_anchor": ratio(fk, ours),
            "ratio_to_protobuf_floor": None if key == "task_decorate" else ratio(ours, floor_min),
            "target": target.as_json(),
            "meets_target": None if opts.quick else target.met(ours),
        }
    for shape in ("chain", "fanin"):
        a = results[f"{shape}_100"]["total_s"]["median"]
        b = results[f"{shape}_1000"]["total_s"]["median"]
        results[f"{shape}_scaling_1000_over_100"] = b / a
        results[f"{shape}_1000_us_per_node"] = b / 1000 * 1e6
    return {
        "anchors": {"compile": anchor_path},
        "judged_on": "min (medians alongside)",
        "judged": judged,
        "results": results,
        "targets_not_met": sorted(k for k, v in judged.items() if v["meets_target"] is False),
    }
