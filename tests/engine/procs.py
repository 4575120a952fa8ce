"""Workflows for the multi-process tests, run as ``python -m tests.engine.procs MODE ...``."""

from __future__ import annotations

import os
import sys
import time

import flytelike as fl
from flytelike import engine


@fl.task
def step(path: str, i: int) -> int:
    with open(os.path.join(path, f"step{i}"), "a") as f:
        f.write("x")
    if i == 2 and not os.path.exists(os.path.join(path, "go")):
        time.sleep(60)  # killed here
    return i


@fl.workflow
def steps(path: str) -> int:
    a = step(path=path, i=0)
    b = step(path=path, i=1)
    c = step(path=path, i=2)
    d = step(path=path, i=3)
    a >> b
    b >> c
    c >> d
    return d  # type: ignore[return-value]


@fl.task
def inc(x: int) -> int:
    return x + 1


@fl.workflow
def chain5(x: int) -> int:
    for _ in range(5):
        x = inc(x=x)
    return x


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "steps":
        run = engine.run(steps, path=sys.argv[2], wait=False)
        print(run.name, flush=True)
        run.wait()
    elif mode == "resume":
        print(engine.resume(sys.argv[2]).outputs())
    elif mode == "many":
        for i in range(int(sys.argv[2])):
            assert engine.run(chain5, x=i).outputs() == i + 5
