"""A flyte 2 program passing TypedDicts between tasks: NotRequired keys (left out and kept out),
a nested TypedDict, one that refers to itself (a tree), and a dataclass holding one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

import flyte
from typing_extensions import NotRequired

env = flyte.TaskEnvironment(name="typed_dicts")


class Point(TypedDict):
    x: float
    y: float


class Stop(TypedDict):
    name: str
    at: Point
    note: NotRequired[str]


class Branch(TypedDict):
    label: str
    children: NotRequired[list[Branch]]


@dataclass
class Trip:
    title: str
    start: Stop


@env.task
async def plan(n: int) -> list[Stop]:
    stops: list[Stop] = [{"name": f"s{i}", "at": {"x": float(i), "y": 2.0 * i}} for i in range(n)]
    stops[0]["note"] = "depart"
    return stops


@env.task
async def describe(stops: list[Stop]) -> dict[str, str]:
    return {s["name"]: s.get("note", "-") for s in stops}


@env.task
async def grow(depth: int) -> Branch:
    node: Branch = {"label": f"d{depth}"}
    if depth > 0:
        node["children"] = [await grow(depth - 1), {"label": "leaf"}]
    return node


def count(b: Branch) -> int:
    return 1 + sum(count(c) for c in b.get("children", []))


@env.task
async def first_leg(stops: list[Stop]) -> Trip:
    return Trip(title="tour", start=stops[0])


@env.task
async def main(n: int = 3) -> tuple[dict[str, str], int, str]:
    stops = await plan(n)
    assert "note" not in stops[1]
    notes = await describe(stops)
    tree = await grow(2)
    trip = await first_leg(stops)
    return notes, count(tree), f"{trip.title}:{trip.start['name']}@{trip.start['at']['y']}"


if __name__ == "__main__":
    flyte.init()
    run = flyte.run(main, n=3)
    notes, nodes, trip = run.outputs()
    assert notes == {"s0": "depart", "s1": "-", "s2": "-"}, notes
    assert nodes == 5, nodes
    assert trip == "tour:s0@0.0", trip
    print("OK")
