"""Writes a run store with flytelike 0.1 (before the 0.2 module layout): run it from a checkout
of that release. The workflow's output is typed ``Any``, so it is pickled into the store, and the
pickle names classes by their 0.1 module paths (flytelike._cache, flytelike._carried,
flytelike._secret, flytelike._task)."""

from typing import Any

import flytelike


@flytelike.task
def double(x: int) -> int:
    return 2 * x


@flytelike.task
def settings() -> Any:
    return {
        "cache": flytelike.Cache(version="1"),
        "labels": flytelike.Labels({"team": "data"}),
        "secret": flytelike.Secret(key="token"),
        "docs": flytelike.Documentation(short_description="made by 0.1"),
        "task": double,
    }


@flytelike.workflow
def wf() -> Any:
    return settings()


if __name__ == "__main__":
    print(wf())
