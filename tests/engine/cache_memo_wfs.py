"""A cached task that logs each time its body runs (for test_cache_memo)."""

from __future__ import annotations

import flytelike as fl


@fl.task(cache=True, cache_version="1")
def logged(x: int, log: str) -> int:
    with open(log, "a") as f:
        f.write(f"{x}\n")
    return x * 2
