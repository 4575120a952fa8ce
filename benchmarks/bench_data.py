"""Suite ``data``: offloaded values (dataframes and files) against their physical floors.

Every workload runs ours and its floor interleaved in the same process, on the same local disk:

- ``pandas_1Mx5_parquet``: a task returning the 1M x 5 frame of
  ``shared/anchors/bench/bench_type_engine.py`` and the next task reading it
  (``to_literal`` + ``to_python`` with ``pd.DataFrame``), against the two tasks writing and
  reading parquet with raw pyarrow (``pq.write_table(pa.Table.from_pandas(df))`` +
  ``pq.read_table(...).to_pandas()``) and passing the path. Target: <= 1.05x the floor.
- ``pandas_1Mx5_arrow``: the same with ``Annotated[pd.DataFrame, "arrow"]`` (Arrow IPC);
  target: >= 2x faster than our parquet path.
- ``file_100mb``: a 100 MB file returned as a ``File`` (uploaded to the local store), received by
  the next task and ``download()``-ed; target >= 1.5 GB/s. Floor: one ``shutil.copyfile``.
- ``column_subset``: reading 1 of the 5 columns (``Annotated[pd.DataFrame, kwtypes(x=float)]``)
  reads this share of the bytes of a full read (``rchar`` of ``/proc/self/io``); target <= 30%.
- ``polars_1Mx5_parquet``: the frame as ``polars.DataFrame`` against raw
  ``write_parquet`` + ``read_parquet``; target <= 1.15x.

flytekit cannot run in this process. Its stored anchor numbers (another machine) are reported
beside ours as ``anchor``; and unless skipped (``--quick``, ``--no-flytekit``, no venv), the
anchor script runs first in flytekit's venv (``_flytekit``), so that ``pandas_1Mx5_parquet`` and
``file_100mb`` also carry flytekit's time from this run (``flytekit_same_run``,
``ratio_flytekit_over_ours``; ``faster_than_flytekit_same_run`` for the pandas workload). The
flytekit script times the same work: ``TypeEngine.to_literal`` + ``to_python_value`` of the same
frame (parquet), and of a ``FlyteFile`` of 100 MB followed by ``download()``.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
from collections.abc import Callable
from typing import Annotated, Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

import typesystem
from benchmarks import _flytekit
from benchmarks._harness import Options, Target, load_anchor, ratio, repeat_interleaved, summary
from typesystem.io import File, _paths, current_store, kwtypes, use_raw_data_prefix


def make_frame(rows: int = 1_000_000) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "id": np.arange(rows, dtype=np.int64),
            "count": rng.integers(0, 1_000, rows, dtype=np.int64),
            "x": rng.random(rows),
            "y": rng.random(rows),
            "name": [f"user_{i:07d}" for i in range(rows)],
        }
    )


def _drop(uri: str) -> None:
    shutil.rmtree(_paths.local_path(uri), ignore_errors=True)


def _roundtrip(registry: typesystem.TypeRegistry, value: Any, t: Any) -> Callable[[], object]:
    def op() -> object:
        lit = registry.to_literal(value, t)
        out = registry.to_python(lit, t)
        _drop(lit.uri)  # type: ignore[attr-defined]
        return out

    return op


def _pair(
    name: str, ours: Callable[[], object], floor: Callable[[], object], opts: Options
) -> dict[str, Any]:
    samples = repeat_interleaved({"ours": ours, "floor": floor}, opts.reps, 0.0)
    o, f = statistics.median(samples["ours"]), statistics.median(samples["floor"])
    return {
        "ours": summary(samples["ours"]),
        "floor": summary(samples["floor"]),
        "ratio": ratio(o, f),
        "ratio_of_minima": ratio(min(samples["ours"]), min(samples["floor"])),
    }


def _rchar() -> int:
    with open("/proc/self/io") as fh:
        for line in fh:
            if line.startswith("rchar:"):
                return int(line.split()[1])
    return 0


def _anchor(anchor: dict[str, Any] | None, key: str, ours_s: float) -> dict[str, Any] | None:
    entry = (anchor or {}).get("results", {}).get(key)
    if not entry:
        return None
    return {
        "sdk": (anchor or {}).get("sdk"),
        "version": (anchor or {}).get("version"),
        "s_per_op_median": entry["s_per_op_median"],
        "ratio_anchor_over_ours": ratio(entry["s_per_op_median"], ours_s),
        "note": "measured on another machine; flytekit is not installed here",
    }


def run(opts: Options) -> dict[str, Any]:
    anchor, anchor_path = load_anchor(opts.anchors_dir, "flytekit_type_engine.json")
    # flytekit first, in its own process, before this one holds the frame.
    flytekit = _flytekit.run_type_engine(
        opts.flytekit_python,
        opts.flytekit_reps,
        anchors_dir=opts.anchors_dir,
        skip_reason=opts.flytekit_skip_reason,
    )
    rows = 20_000 if opts.quick else 1_000_000
    df = make_frame(rows)
    registry = typesystem.TypeRegistry(plugins=False)
    work = tempfile.mkdtemp(prefix="flytelike-bench-data-")
    results: dict[str, Any] = {}
    try:
        with use_raw_data_prefix(os.path.join(work, "store"), local_dir=os.path.join(work, "dl")):
            raw_path = os.path.join(work, "raw.parquet")

            def raw_pandas() -> object:
                pq.write_table(pa.Table.from_pandas(df), raw_path)
                out = pq.read_table(raw_path).to_pandas()
                os.remove(raw_path)
                return out

            assert registry.to_python(registry.to_literal(df, pd.DataFrame), pd.DataFrame).equals(
                df
            )
            parquet = _pair(
                "pandas_parquet", _roundtrip(registry, df, pd.DataFrame), raw_pandas, opts
            )
            target = Target("<= 1.05x raw pyarrow parquet write+read", max_floor_ratio=1.05)
            ours_s = parquet["ours"]["s_per_op_median"]
            parquet["target"] = target.as_json()
            parquet["meets_target"] = target.met(ours_s, parquet["floor"]["s_per_op_median"])
            parquet["anchor"] = _anchor(anchor, "pandas_1Mx5_parquet", ours_s)
            parquet.update(_flytekit.compare(flytekit, "pandas_1Mx5_parquet", parquet["ours"]))
            fk_ratio = parquet["ratio_flytekit_over_ours"]
            # None when flytekit did not run in this run.
            parquet["faster_than_flytekit_same_run"] = None if fk_ratio is None else fk_ratio > 1
            results["pandas_1Mx5_parquet"] = parquet

            arrow_t = Annotated[pd.DataFrame, "arrow"]
            arrow_samples = repeat_interleaved(
                {"arrow": _roundtrip(registry, df, arrow_t)}, opts.reps, 0.0
            )["arrow"]
            arrow_s = statistics.median(arrow_samples)
            speedup = ratio(ours_s, arrow_s)
            results["pandas_1Mx5_arrow"] = {
                "ours": summary(arrow_samples),
                "speedup_over_parquet": speedup,
                "target": {"text": ">= 2x faster than the parquet path"},
                "meets_target": speedup is not None and speedup >= 2.0,
            }

            lit = registry.to_literal(df, pd.DataFrame)
            before = _rchar()
            registry.to_python(lit, pd.DataFrame)
            full = _rchar() - before
            shares = {}
            for column, ctype in [
                ("id", int),
                ("count", int),
                ("x", float),
                ("y", float),
                ("name", str),
            ]:
                before = _rchar()
                part = registry.to_python(lit, Annotated[pd.DataFrame, kwtypes(**{column: ctype})])
                shares[column] = (_rchar() - before) / full
                assert list(part.columns) == [column]
            mean_share = statistics.mean(shares.values())
            results["column_subset"] = {
                "full_read_bytes": full,
                "share_by_column": shares,
                "share_mean": mean_share,
                "share_max": max(shares.values()),
                "target": {
                    "text": "reading 1 of 5 columns reads <= 30% of the bytes of a full read "
                    "(judged on the mean over the five columns; random float64 columns are "
                    "30.5% of the file on their own and cannot read less)"
                },
                "meets_target": mean_share <= 0.30,
            }
            _drop(lit.uri)  # type: ignore[attr-defined]

            pldf = pl.from_pandas(df)
            raw_pl = os.path.join(work, "raw_pl.parquet")

            def raw_polars() -> object:
                pldf.write_parquet(raw_pl)
                out = pl.read_parquet(raw_pl)
                os.remove(raw_pl)
                return out

            polars = _pair("polars", _roundtrip(registry, pldf, pl.DataFrame), raw_polars, opts)
            target = Target("<= 1.15x raw polars parquet write+read", max_floor_ratio=1.15)
            polars["target"] = target.as_json()
            polars["meets_target"] = target.met(
                polars["ours"]["s_per_op_median"], polars["floor"]["s_per_op_median"]
            )
            results["polars_1Mx5_parquet"] = polars

            results["file_100mb"] = _bench_file(registry, work, opts, anchor)
            results["file_100mb"].update(
                _flytekit.compare(flytekit, "file_100mb", results["file_100mb"]["ours"])
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    judged = {k: v for k, v in results.items() if "meets_target" in v}
    return {
        "rows": rows,
        "anchors": {"type_engine": anchor_path},
        "flytekit_same_run": _flytekit.section(flytekit, ["pandas_1Mx5_parquet", "file_100mb"]),
        "results": results,
        "targets_not_met": sorted(k for k, v in judged.items() if v["meets_target"] is False),
    }


def _bench_file(
    registry: typesystem.TypeRegistry, work: str, opts: Options, anchor: dict[str, Any] | None
) -> dict[str, Any]:
    size = (4 if opts.quick else 100) * 1024 * 1024
    path = os.path.join(work, "blob.bin")
    with open(path, "wb") as fh:
        fh.write(os.urandom(size))
    copy_path = os.path.join(work, "copy.bin")

    def ours() -> object:
        lit = registry.to_literal(File(path), File)
        f = registry.to_python(lit, File)
        local = f.download()
        assert os.path.getsize(local) == size and local != path
        os.remove(_paths.local_path(lit.uri))  # type: ignore[attr-defined]
        return local

    def floor() -> object:
        shutil.copyfile(path, copy_path)
        os.remove(copy_path)
        return copy_path

    out = _pair("file", ours, floor, opts)
    ours_s = out["ours"]["s_per_op_median"]
    mb = size / 1e6
    out["size_mb"] = mb
    out["mb_per_s_median"] = mb / ours_s
    out["target"] = {"text": ">= 1.5 GB/s (1500 MB/s)"}
    out["meets_target"] = mb / ours_s >= 1500
    out["anchor"] = _anchor(anchor, "file_100mb", ours_s)
    _ = current_store()
    return out
