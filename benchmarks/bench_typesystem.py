"""Suite ``typesystem``: round trips through the registry, and import cost, against their floors.

A round trip is ``registry.to_literal`` then ``registry.to_python`` on the default registry, with
the ``LiteralType`` computed once outside the timed loop (as a task interface does). Each
workload's floor is the cheapest way to do the same physical work with the same libraries, timed
in the same run: raw ``msgpack.packb`` + ``unpackb`` for plain values, and a mashumaro msgpack
encoder/decoder pair, built once, for the nested dataclass. Also reported, not judged:
``to_literal`` and ``to_python`` alone, and the round trip through the wire format
(``to_literal`` -> ``to_msgpack`` -> ``from_msgpack`` -> ``to_python``), which does the same work
as the floor for every workload.

The dataclasses copy the shape of ``shared/anchors/bench/bench_type_engine.py`` so that the
flytekit anchor measured the same values.

flytekit in the same run: unless skipped (``--quick``, ``--no-flytekit``, no venv), that anchor
script runs first in flytekit's venv (``_flytekit``); the ``flytekit_same_run`` section holds its
results, and each workload has ``ratio_flytekit_over_ours`` (flytekit's median over ours) next to
``anchor``, which is the stored anchor run (another machine).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import msgpack
from mashumaro.codecs.msgpack import MessagePackDecoder, MessagePackEncoder

import typesystem
from benchmarks import _flytekit, _imports
from benchmarks._harness import Options, Target, load_anchor, ratio, repeat_interleaved, summary


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"
    BLUE = "blue"


@dataclass
class Point:
    x: float
    y: float
    label: str


@dataclass
class Segment:
    name: str
    weight: float
    points: list[Point]


@dataclass
class Record:
    id: int
    name: str
    score: float
    active: bool
    color: Color
    parent_id: int | None
    tags: list[str]
    segment: Segment
    segments: list[Segment]


def make_record() -> Record:
    pts = [Point(float(i), float(i) / 2, f"p{i}") for i in range(10)]
    return Record(
        id=7,
        name="record",
        score=0.5,
        active=True,
        color=Color.GREEN,
        parent_id=None,
        tags=[f"tag{i}" for i in range(10)],
        segment=Segment("main", 1.0, pts),
        segments=[Segment(f"s{i}", float(i), pts[:3]) for i in range(100)],
    )


def count_objects(value: Any) -> tuple[int, int]:
    """(objects, dataclass instances) in ``value`` as encoded: shared references count each time."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        objects, records = 1, 1
        for f in dataclasses.fields(value):
            o, r = count_objects(getattr(value, f.name))
            objects, records = objects + o, records + r
        return objects, records
    if isinstance(value, list | tuple):
        children = [count_objects(v) for v in value]
    elif isinstance(value, dict):
        children = [count_objects(v) for kv in value.items() for v in kv]
    else:
        return 1, 0
    return 1 + sum(o for o, _ in children), sum(r for _, r in children)


def _raw_msgpack(value: Any) -> Callable[[], Any]:
    packb, unpackb = msgpack.packb, msgpack.unpackb
    return lambda: unpackb(packb(value))


def _mashumaro(t: type[Any], value: Any) -> Callable[[], Any]:
    encoder = MessagePackEncoder(t)
    decoder = MessagePackDecoder(
        t, pre_decoder_func=lambda b: msgpack.unpackb(b, raw=False, strict_map_key=False)
    )
    encode, decode = encoder.encode, decoder.decode
    return lambda: decode(encode(value))


@dataclass(frozen=True)
class Workload:
    name: str
    python_type: Any
    value: Any
    floor: str
    floor_fn: Callable[[], Any]
    anchor_key: str
    target: Target | None


def workloads() -> list[Workload]:
    ints = list(range(10_000))
    floats = {f"k{i}": i * 0.5 for i in range(10_000)}
    record = make_record()
    raw = "msgpack.packb + msgpack.unpackb"
    return [
        Workload("int", int, 42, raw, _raw_msgpack(42), "int", Target("<= 2 µs", max_s=2e-6)),
        Workload("str", str, "hello world", raw, _raw_msgpack("hello world"), "str", None),
        Workload(
            "list_int_10k",
            list[int],
            ints,
            raw,
            _raw_msgpack(ints),
            "list_int_10k",
            Target("<= 3 ms and <= 5x floor", max_s=3e-3, max_floor_ratio=5.0),
        ),
        Workload(
            "dict_str_float_10k",
            dict[str, float],
            floats,
            raw,
            _raw_msgpack(floats),
            "dict_str_float_10k",
            Target("<= 5 ms", max_s=5e-3),
        ),
        # The flytekit anchor has the classes in __main__ and in a module; ours live in a module.
        Workload(
            "nested_dataclass",
            Record,
            record,
            "mashumaro MessagePackEncoder.encode + MessagePackDecoder.decode",
            _mashumaro(Record, record),
            "nested_dataclass_module",
            Target("<= 1.3x the mashumaro floor", max_floor_ratio=1.3),
        ),
    ]


IMPORT_TARGET = Target("<= 80 ms, loading no pandas/pyarrow/polars/grpc/ray", max_s=80e-3)


def _anchor_entry(anchor: dict[str, Any] | None, key: str, ours_s: float) -> dict[str, Any] | None:
    if anchor is None:
        return None
    entry = anchor.get("results", {}).get(key)
    if not entry or "s_per_op_median" not in entry:
        return None
    return {
        "sdk": anchor.get("sdk"),
        "version": anchor.get("version"),
        "key": key,
        "s_per_op_median": entry["s_per_op_median"],
        "ratio_anchor_over_ours": ratio(entry["s_per_op_median"], ours_s),
    }


def bench_workload(
    w: Workload,
    registry: typesystem.TypeRegistry,
    opts: Options,
    anchor: dict[str, Any] | None,
    flytekit: dict[str, Any],
) -> dict[str, Any]:
    t, value = w.python_type, w.value
    literal_type = registry.literal_type(t)
    to_literal, to_python = registry.to_literal, registry.to_python
    to_msgpack, from_msgpack = typesystem.to_msgpack, typesystem.from_msgpack
    literal = to_literal(value, t)
    wire = to_msgpack(literal)

    # Warm-up calls double as correctness checks: a fast wrong answer is not a result.
    if to_python(literal, t) != value:
        raise AssertionError(f"{w.name}: round trip through the registry changed the value")
    if to_python(from_msgpack(wire), t) != value:
        raise AssertionError(f"{w.name}: round trip through msgpack changed the value")
    if w.floor_fn() != value:
        raise AssertionError(f"{w.name}: the floor changed the value")

    samples = repeat_interleaved(
        {
            "floor": w.floor_fn,
            "ours": lambda: to_python(to_literal(value, t), t),
            "to_literal": lambda: to_literal(value, t),
            "to_python": lambda: to_python(literal, t),
            "wire": lambda: to_python(from_msgpack(to_msgpack(to_literal(value, t))), t),
        },
        opts.reps,
        opts.min_time,
    )
    ours, floor = summary(samples["ours"]), summary(samples["floor"])
    ours["to_literal_s_median"] = summary(samples["to_literal"])["s_per_op_median"]
    ours["to_python_s_median"] = summary(samples["to_python"])["s_per_op_median"]
    ours_s, floor_s = ours["s_per_op_median"], floor["s_per_op_median"]
    result: dict[str, Any] = {
        "literal_type": typesystem.render_type(literal_type),
        "ours": ours,
        "floor": {"what": w.floor, **floor},
        "ratio_ours_over_floor": ratio(ours_s, floor_s),
        "ratio_ours_over_floor_min": ratio(ours["s_per_op_min"], floor["s_per_op_min"]),
        "wire_round_trip": {
            **summary(samples["wire"]),
            "ratio_over_floor": ratio(summary(samples["wire"])["s_per_op_median"], floor_s),
        },
        "anchor": _anchor_entry(anchor, w.anchor_key, ours_s),
        **_flytekit.compare(flytekit, w.anchor_key, ours),
        "target": w.target.as_json() if w.target else None,
        "meets_target": w.target.met(ours_s, floor_s) if w.target else None,
        # On a noisy machine the minimum is the steadier estimate; when the two verdicts differ,
        # the median one is within noise.
        "meets_target_on_min": (
            w.target.met(ours["s_per_op_min"], floor["s_per_op_min"]) if w.target else None
        ),
    }
    if w.name == "nested_dataclass":
        objects, records = count_objects(value)
        result["msgpack_bytes"] = len(wire)
        result["floor_msgpack_bytes"] = len(MessagePackEncoder(t).encode(value))
        result["object_count"] = objects
        result["dataclass_count"] = records
    return result


def bench_imports(opts: Options, anchor: dict[str, Any] | None) -> dict[str, Any]:
    runs = 1 if opts.quick else max(opts.reps, 5)
    out: dict[str, Any] = {"interpreter": _imports.interpreter_baseline(runs)}
    measured: dict[str, dict[str, Any]] = {}
    for requested in ("flytelike", "typesystem"):
        ok, reason = _imports.usable(requested)
        module = requested if ok else "typesystem"
        if module not in measured:
            measured[module] = _imports.import_cost(module, runs)
        entry: dict[str, Any] = {
            **measured[module],
            "requested": requested,
            "fallback_reason": reason,
        }
        wall_s = entry["wall_s"]["median"]
        # For reading only: the target is on the whole wall time, nothing subtracted.
        entry["wall_minus_interpreter_s"] = wall_s - out["interpreter"]["wall_s"]["median"]
        met = IMPORT_TARGET.met(wall_s) and not entry["forbidden_loaded"]
        entry["target"] = IMPORT_TARGET.as_json()
        entry["meets_target"] = met
        entry["meets_target_on_min"] = (
            IMPORT_TARGET.met(entry["wall_s"]["min"]) and not entry["forbidden_loaded"]
        )
        if anchor is not None and "wall_s" in anchor:
            anchor_s = anchor["wall_s"]["median"]
            entry["anchor"] = {
                "module": anchor.get("module"),
                "wall_s_median": anchor_s,
                "ratio_anchor_over_ours": ratio(anchor_s, wall_s),
            }
        else:
            entry["anchor"] = None
        out[requested] = entry
    return out


def run(opts: Options) -> dict[str, Any]:
    type_anchor, type_anchor_path = load_anchor(opts.anchors_dir, "flytekit_type_engine.json")
    import_anchor, import_anchor_path = load_anchor(opts.anchors_dir, "flytekit_import.json")
    # flytekit first, in its own process, so that it runs while this one is still small.
    flytekit = _flytekit.run_type_engine(
        opts.flytekit_python,
        opts.flytekit_reps,
        anchors_dir=opts.anchors_dir,
        skip_reason=opts.flytekit_skip_reason,
    )
    registry = typesystem.default_registry()
    all_workloads = workloads()
    results = {
        w.name: bench_workload(w, registry, opts, type_anchor, flytekit) for w in all_workloads
    }
    imports = bench_imports(opts, import_anchor)

    judged = {**results, **{f"import_{k}": v for k, v in imports.items() if k != "interpreter"}}
    return {
        "versions": {"msgpack": version("msgpack"), "mashumaro": version("mashumaro")},
        "anchors": {"type_engine": type_anchor_path, "import": import_anchor_path},
        "flytekit_same_run": _flytekit.section(
            flytekit,
            [
                *(w.anchor_key for w in all_workloads),
                "nested_dataclass_main",
                "flytekit_literal_cache",
            ],
        ),
        "judged_on": "s_per_op_median (imports: wall_s median)",
        "workloads": results,
        "imports": imports,
        "targets_not_met": sorted(k for k, v in judged.items() if v["meets_target"] is False),
        # None when flytekit did not run; else the workloads where flytekit's median <= ours.
        "not_faster_than_flytekit_same_run": (
            sorted(
                k
                for k, v in results.items()
                if v["ratio_flytekit_over_ours"] is not None and v["ratio_flytekit_over_ours"] <= 1
            )
            if flytekit.get("status") == "ok"
            else None
        ),
    }
