"""The local UI under load: the runs page over 10,000 recorded runs, a 1,000-node run's page.

A temporary ``FLYTELIKE_HOME`` is filled through the engine (10,000 runs of a trivial task, one
chain of 1,000 tasks), the UI server runs in this process on loopback, and each page is fetched
over HTTP. The floor, fetched from the same server in the same repetitions, is the UI's static
stylesheet (the HTTP round trip with no store work).

Targets (issue: "See a run"): the runs page <= 300 ms, the 1,000-node run page <= 1 s.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks._harness import Options, Target

TARGETS = {
    "runs_page_10000_runs": Target("runs page over 10,000 runs <= 300 ms", max_s=0.3),
    "run_page_1000_nodes": Target("page of a 1,000-node run <= 1 s", max_s=1.0),
}


def _fetch(url: str) -> float:
    t0 = time.perf_counter()
    with urllib.request.urlopen(url) as r:
        r.read()
    return time.perf_counter() - t0


def _chain(workflow: Any, inc: Any, n: int) -> Any:
    def body(x: int) -> int:
        for _ in range(n):
            x = inc(x=x)
        return x

    body.__name__ = body.__qualname__ = f"chain_{n}"
    body.__annotations__ = {"x": int, "return": int}
    return workflow(body)


def run(opts: Options) -> dict[str, Any]:
    from flytelike import engine, task, workflow
    from flytelike.engine import Engine, EngineConfig
    from flytelike.ui import serve

    n_runs = 1_000 if opts.quick else 10_000
    n_nodes = 100 if opts.quick else 1_000
    reps = max(opts.reps, 5)
    with tempfile.TemporaryDirectory(prefix="flytelike-bench-ui-") as tmp:
        os.environ["FLYTELIKE_HOME"] = str(Path(tmp) / "home")
        eng = Engine(EngineConfig.from_env())
        previous = engine.set_default_engine(eng)
        try:

            def inc(x: int) -> int:
                return x + 1

            inc_t = task(inc)
            t0 = time.perf_counter()
            for i in range(n_runs - 1):
                eng.run(inc_t, x=i)
            fill_s = time.perf_counter() - t0
            big = eng.run(_chain(workflow, inc_t, n_nodes), x=0)
            assert big.outputs() == n_nodes
            eng.store.flush()
            server = serve(eng, port=0)
            server.start()
            try:
                urls = {
                    "runs_page_10000_runs": server.url,
                    "run_page_1000_nodes": server.url + f"runs/{big.name}",
                    "floor_static_asset": server.url + "static/ui.css",
                }
                for url in urls.values():
                    _fetch(url)  # warm: imports, templates
                samples: dict[str, list[float]] = {k: [] for k in urls}
                for _ in range(reps):
                    for key, url in urls.items():
                        samples[key].append(_fetch(url))
            finally:
                server.shutdown()
                server.server_close()
        finally:
            engine.set_default_engine(previous)
            eng.close()
    floor = statistics.median(samples["floor_static_asset"])
    results = {
        k: {
            "min_s": min(v),
            "median_s": statistics.median(v),
            "floor_ratio": statistics.median(v) / floor,
        }
        for k, v in samples.items()
    }
    not_met = [
        f"{key}: {results[key]['median_s'] * 1000:.0f} ms ({t.text})"
        for key, t in TARGETS.items()
        if not t.met(results[key]["median_s"])
    ]
    return {
        "store": {"runs": n_runs, "nodes_in_big_run": n_nodes, "fill_s": round(fill_s, 2)},
        "results": results,
        "floors": {"static_asset_s": floor},
        "targets": {k: t.as_json() for k, t in TARGETS.items()},
        "targets_not_met": [] if opts.quick else not_met,
    }
