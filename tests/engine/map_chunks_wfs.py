"""Workflows for test_map_chunks: map items that run in place as chunks and look at their context."""

from __future__ import annotations

import dataclasses
import functools
import os
from pathlib import Path

import flytelike as fl
from flytelike.backends import current_context


def _marks() -> Path:
    return Path(os.environ["MAP_CHUNKS_DIR"])


@fl.task
def own_id(x: int) -> str:
    return current_context().action.action_id


@fl.workflow
def ids(xs: list[int]) -> list[str]:
    return fl.map_task(own_id)(x=xs)  # type: ignore[no-any-return]


@fl.task
def scratch(x: int) -> str:
    """Writes into its working directory, which must be its own and empty."""
    d = Path(current_context().working_directory)
    assert not any(d.iterdir()), f"item {x} got a used working directory {d}"
    (d / "out.txt").write_text(str(x))
    return str(d)


@fl.workflow
def scratches(xs: list[int]) -> list[str]:
    return fl.map_task(scratch)(x=xs)  # type: ignore[no-any-return]


@fl.task(retries=1)
def second_try(x: int) -> int:
    """Items divisible by 5 fail their first attempt."""
    mark = _marks() / f"tried-{x}"
    with open(_marks() / "calls", "a") as f:
        f.write(f"{x}\n")
    if x % 5 == 0 and not mark.exists():
        mark.write_text("")
        raise fl.FlyteRecoverableException(f"item {x}: first attempt fails")
    return x * 2


@fl.workflow
def retried(xs: list[int]) -> list[int]:
    return fl.map_task(second_try)(x=xs)  # type: ignore[no-any-return]


@fl.task(environment={"CHUNK_VAR": "set"})
def env_item(x: int) -> str:
    return f"{x}:{os.environ.get('CHUNK_VAR')}"


@fl.workflow
def env_items(xs: list[int]) -> list[str]:
    return fl.map_task(env_item)(x=xs)  # type: ignore[no-any-return]


@fl.task
def scaled(x: int, factor: int) -> float:
    return x * factor / 2


@fl.workflow
def scaled_items(xs: list[int], factor: int) -> list[float]:
    return fl.map_task(functools.partial(scaled, factor=factor))(x=xs)  # type: ignore[no-any-return]


@fl.task
def joined(a: int, b: str) -> str:
    return f"{b}{a}"


@fl.workflow
def pairs(xs: list[int], names: list[str]) -> list[str]:
    return fl.map_task(joined)(a=xs, b=names)  # type: ignore[no-any-return]


@fl.task
def spin_at(x: int, path: str) -> int:
    """Quick items, but item 3000 spins until it is stopped."""
    if x == 3000:
        Path(path).write_text("spinning")
        while True:
            pass
    return x


@fl.workflow
def spinning(xs: list[int], path: str) -> list[int]:
    return fl.map_task(functools.partial(spin_at, path=path))(x=xs)  # type: ignore[no-any-return]


@fl.task
def pause(seconds: float) -> float:
    import time

    time.sleep(seconds)
    return seconds


@fl.workflow
def ids_beside_a_pause(xs: list[int]) -> list[str]:
    """The map runs while another node does (its items go to worker threads)."""
    pause(seconds=0.3)
    return fl.map_task(own_id)(x=xs)  # type: ignore[no-any-return]


@fl.task
def with_deck(x: int) -> int:
    fl.Deck("mine", f"<p>item {x}</p>")
    return x


@fl.workflow
def decked(xs: list[int]) -> list[int]:
    return fl.map_task(with_deck)(x=xs)  # type: ignore[no-any-return]


@dataclasses.dataclass
class Pair:
    key: str
    value: int


@fl.task
def bump(p: Pair, seen: list[int]) -> Pair:
    """``seen`` is bound: every item must get its own copy, untouched by the items before."""
    assert seen == [0], f"item {p.key} got a list another item changed: {seen}"
    seen.append(p.value)
    return Pair(key=p.key.upper(), value=p.value + 1)


@fl.workflow
def bumped(ps: list[Pair], seen: list[int]) -> list[Pair]:
    return fl.map_task(functools.partial(bump, seen=seen))(p=ps)  # type: ignore[no-any-return]


@fl.task
def file_of(x: int) -> fl.File:
    path = Path(current_context().working_directory) / f"item-{x}.txt"
    path.write_text(f"content {x}")
    return fl.File(str(path))


@fl.workflow
def files(xs: list[int]) -> list[fl.File]:
    return fl.map_task(file_of)(x=xs)  # type: ignore[no-any-return]


@fl.task
def shard(x: int) -> fl.File:
    """An artifact version per item."""
    import flytelike.artifacts as artifacts

    path = Path(current_context().working_directory) / f"{x}.txt"
    path.write_text(str(x))
    metadata = artifacts.Metadata(name="chunk-shards", partitions={"i": str(x)})
    return artifacts.new(fl.File(str(path)), metadata)


@fl.workflow
def shards(xs: list[int]) -> list[fl.File]:
    return fl.map_task(shard)(x=xs)  # type: ignore[no-any-return]
