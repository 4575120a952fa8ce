"""flyte 2's ``flyte.types.TypeEngine``: ``to_literal``/``to_python_value`` are awaited, as flyte 2
programs and their tests write them; flytekit's ``TypeEngine`` (``flytelike.extend``) stays
synchronous."""

from __future__ import annotations

import asyncio
import inspect
from dataclasses import dataclass
from typing import NamedTuple

import flytelike.extend
import flytelike.types
from flytelike.types import TypeEngine


class Point(NamedTuple):
    x: int
    tags: list[str]


@dataclass
class Box:
    name: str
    points: list[Point]


async def _round_trip(value: object, t: object) -> object:
    lt = TypeEngine.to_literal_type(t)
    lit = await TypeEngine.to_literal(value, t, lt)
    return await TypeEngine.to_python_value(lit, t)


def test_awaited_round_trips() -> None:
    box = Box("b", [Point(1, ["a"]), Point(2, [])])
    assert asyncio.run(_round_trip(box, Box)) == box
    assert asyncio.run(_round_trip({"k": (1, "v")}, dict[str, tuple[int, str]])) == {"k": (1, "v")}


def test_flyte_parameter_names_by_keyword() -> None:
    async def by_keyword() -> object:
        lt = TypeEngine.to_literal_type(Point)
        lit = await TypeEngine.to_literal(Point(3, ["z"]), python_type=Point, expected=lt)
        return await TypeEngine.to_python_value(lit, expected_python_type=Point)

    assert asyncio.run(by_keyword()) == Point(3, ["z"])


def test_flytekit_spelling_stays_synchronous() -> None:
    lit = flytelike.extend.TypeEngine.to_literal(None, 3, int, None)
    assert flytelike.extend.TypeEngine.to_python_value(None, lit, int) == 3
    assert inspect.iscoroutinefunction(flytelike.types.TypeEngine.to_literal)
    assert issubclass(flytelike.types.TypeEngine, flytelike.extend.TypeEngine)
