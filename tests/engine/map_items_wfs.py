"""Workflows for test_map_items: items that count their runs and fail until told not to."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import os
import time
from pathlib import Path

import flytelike as fl


def _marks() -> Path:
    return Path(os.environ["MAP_ITEMS_DIR"])


@fl.task
def flaky(x: int) -> int:
    with open(_marks() / "calls", "a") as f:
        f.write(f"{x}\n")
    if x % 3 == 0 and not (_marks() / "fixed").exists():
        raise ValueError(f"item {x} is not ready")
    return x * 10


@fl.workflow
def all_or_nothing(xs: list[int]) -> list[int]:
    return fl.map_task(flaky)(x=xs)  # type: ignore[no-any-return]


@fl.workflow
def tolerant(xs: list[int]) -> list[int | None]:
    return fl.map_task(flaky, min_success_ratio=0.5)(x=xs)  # type: ignore[no-any-return]


@fl.task
def big(x: int) -> str:
    return str(x) * 400


@fl.workflow
def big_items(xs: list[int]) -> list[str]:
    return fl.map_task(big)(x=xs)  # type: ignore[no-any-return]


@fl.task
def busy(x: int) -> int:
    end = time.perf_counter() + 0.002
    while time.perf_counter() < end:
        pass
    return x


@fl.workflow
def busy_items(xs: list[int]) -> list[int]:
    return fl.map_task(busy)(x=xs)  # type: ignore[no-any-return]


@fl.task
def wrong_type(x: int) -> int:
    return "not an int"  # type: ignore[return-value]


@fl.workflow
def wrong_items(xs: list[int]) -> list[int]:
    return fl.map_task(wrong_type)(x=xs)  # type: ignore[no-any-return]


@dataclasses.dataclass
class Point:
    x: int
    label: str


@fl.task
def to_point(x: int, when: datetime.date) -> Point:
    return Point(x=x, label=f"{when.isoformat()}#{x}")


@fl.workflow
def point_items(xs: list[int], when: datetime.date) -> list[Point]:
    return fl.map_task(functools.partial(to_point, when=when))(x=xs)  # type: ignore[no-any-return]
