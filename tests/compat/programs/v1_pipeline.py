"""A typical flytekit pipeline: a dataclass config, files and directories written in the
working directory, a cached task, map_task over a partial with min_success_ratio and
concurrency, a conditional, a dynamic workflow, resources, retries and a timeout."""

import functools
import os
import typing
from dataclasses import dataclass, field
from datetime import timedelta

from flytekit import Resources, conditional, current_context, dynamic, map_task, task, workflow
from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile


@dataclass
class Config:
    scale: float = 1.0
    tags: typing.List[str] = field(default_factory=list)
    threshold: typing.Optional[int] = None


@task(
    requests=Resources(cpu="1", mem="500Mi"),
    limits=Resources(mem="1Gi"),
    retries=2,
    timeout=timedelta(minutes=5),
)
def make_data(n: int, cfg: Config) -> FlyteFile:
    wd = current_context().working_directory
    p = os.path.join(wd, "data.csv")
    with open(p, "w") as f:
        for i in range(n):
            f.write(f"{i},{i * cfg.scale}\n")
    return FlyteFile(p)


@task(cache=True, cache_version="1.0")
def read_rows(f: FlyteFile) -> typing.List[float]:
    with open(f) as fh:
        return [float(line.split(",")[1]) for line in fh]


@task
def scale_one(x: float, factor: float) -> float:
    return x * factor


@task
def summarize(xs: typing.List[float]) -> typing.Dict[str, float]:
    return {"sum": sum(xs), "max": max(xs), "n": float(len(xs))}


@task
def big(d: typing.Dict[str, float]) -> str:
    return f"big {d['sum']}"


@task
def small(d: typing.Dict[str, float]) -> str:
    return f"small {d['sum']}"


@dynamic
def per_tag(cfg: Config) -> typing.List[str]:
    out = []
    for t in cfg.tags:
        out.append(tag_upper(t=t))
    return out


@task
def tag_upper(t: str) -> str:
    return t.upper()


@task
def write_dir(names: typing.List[str]) -> FlyteDirectory:
    d = os.path.join(current_context().working_directory, "outdir")
    os.makedirs(d, exist_ok=True)
    for n in names:
        with open(os.path.join(d, n + ".txt"), "w") as f:
            f.write(n)
    return FlyteDirectory(d)


@task
def count_dir(d: FlyteDirectory) -> int:
    return len(os.listdir(d))


@workflow
def pipeline(
    n: int = 5, cfg: Config = Config(scale=2.0, tags=["a", "b"])
) -> typing.Tuple[str, typing.List[str], int]:
    f = make_data(n=n, cfg=cfg)
    rows = read_rows(f=f)
    scaled = map_task(
        functools.partial(scale_one, factor=3.0), min_success_ratio=1.0, concurrency=2
    )(x=rows)
    s = summarize(xs=scaled)
    verdict = conditional("size").if_(n > 3).then(big(d=s)).else_().then(small(d=s))
    tags = per_tag(cfg=cfg)
    d = write_dir(names=tags)
    return verdict, tags, count_dir(d=d)


if __name__ == "__main__":
    out = pipeline()
    assert tuple(out) == ("big 60.0", ["A", "B"], 2), out
    out = pipeline(n=2, cfg=Config(scale=1.0, tags=["x"]))
    assert tuple(out) == ("small 3.0", ["X"], 1), out
    print("OK")
